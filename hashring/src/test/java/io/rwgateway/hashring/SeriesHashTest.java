package io.rwgateway.hashring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rwgateway.model.LabelBytes;
import io.rwgateway.model.XxHash64;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The series hash computed from canonical label bytes equals Thanos' rule computed from strings
 * ({@link ThanosReference#hash}) — for any tenant and label set, including non-ASCII text, empty
 * values and sets past the 1 KiB where Thanos switches to streaming (the hash must not change).
 */
class SeriesHashTest {

  @Property(tries = 2000)
  void hashFromLabelBytesEqualsThanosStringRule(
      @ForAll("tenants") String tenant, @ForAll("labelSets") TreeMap<String, String> labels) {
    List<String[]> pairs = new ArrayList<>();
    List<String> flat = new ArrayList<>();
    for (Map.Entry<String, String> e : labels.entrySet()) {
      pairs.add(new String[] {e.getKey(), e.getValue()});
      flat.add(e.getKey());
      flat.add(e.getValue());
    }
    byte[] bytes = LabelBytes.encode(flat.toArray(new String[0]));
    byte[] padded = new byte[bytes.length + 7];
    System.arraycopy(bytes, 0, padded, 3, bytes.length);

    TenantPlacer p = new TenantPlacer().bind(ring(), tenant);
    long expected = ThanosReference.hash(tenant, pairs);
    assertEquals(expected, p.hash(bytes, 0, bytes.length));
    assertEquals(
        expected, p.hash(padded, 3, bytes.length), "offset and trailing bytes must not matter");
    assertEquals(expected, p.hash(bytes, 0, bytes.length), "a reused placer gives the same hash");
  }

  @Provide
  Arbitrary<String> tenants() {
    return Arbitraries.oneOf(
        Arbitraries.strings()
            .withCharRange('a', 'z')
            .numeric()
            .withChars("-_.")
            .ofMinLength(1)
            .ofMaxLength(40),
        Arbitraries.strings()
            .ofMinLength(0)
            .ofMaxLength(20)); // any UTF-16 text, also unpaired surrogates
  }

  @Provide
  Arbitrary<TreeMap<String, String>> labelSets() {
    Arbitrary<String> names =
        Arbitraries.strings().withCharRange('a', 'z').withChars("_").ofMinLength(1).ofMaxLength(12);
    Arbitrary<String> values =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMinLength(0).ofMaxLength(30),
            Arbitraries.strings().withCharRange('a', 'z').ofMinLength(200).ofMaxLength(700),
            Arbitraries.strings().withChars("é☺€ü𝄞").ofMinLength(1).ofMaxLength(10));
    return Arbitraries.maps(names, values).ofMinSize(0).ofMaxSize(12).map(TreeMap::new);
  }

  /** The hash behind Thanos' own ketama test expectations (tenant "tenant", {pod="nginx"}). */
  @Test
  void knownSeries() {
    byte[] b = LabelBytes.encode("pod", "nginx");
    TenantPlacer p = new TenantPlacer().bind(ring(), "tenant");
    assertEquals(
        ThanosReference.hash("tenant", List.<String[]>of(new String[] {"pod", "nginx"})),
        p.hash(b, 0, b.length));
    // Same bytes, spelled out: "tenant" FF "pod" FF "nginx" FF.
    byte[] raw = "tenant\u00ffpod\u00ffnginx\u00ff".getBytes(StandardCharsets.ISO_8859_1);
    assertEquals(XxHash64.hash(raw, 0, raw.length, 0), p.hash(b, 0, b.length));
  }

  @Test
  void malformedLabelBytesAreRefused() {
    TenantPlacer p = new TenantPlacer().bind(ring(), "t");
    byte[] nameOnly = LabelBytes.encode("a", "b");
    assertThrows(
        IllegalArgumentException.class, () -> p.hash(nameOnly, 0, 2), "a name without a value");
    byte[] truncated = {5, 'a', 'b'};
    assertThrows(IllegalArgumentException.class, () -> p.hash(truncated, 0, truncated.length));
    byte[] endlessVarint = {(byte) 0x80, (byte) 0x80};
    assertThrows(
        IllegalArgumentException.class, () -> p.hash(endlessVarint, 0, endlessVarint.length));
  }

  private static SingleHashring ring() {
    try {
      return new HashmodHashring("r", List.of(Endpoint.of("a:1")), 1);
    } catch (HashringConfigException e) {
      throw new AssertionError(e);
    }
  }
}
