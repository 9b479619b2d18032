package io.rwgateway.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rwgateway.tsdb.MetricMetadata;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

class MetadataStoreTest {
  private static void put(MetadataStore store, String name, int type, String help, String unit) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    byte[] h = help.getBytes(StandardCharsets.UTF_8);
    byte[] u = unit.getBytes(StandardCharsets.UTF_8);
    // One array holding the three strings, at offsets, as the writer hands them over.
    byte[] b = new byte[1 + n.length + h.length + u.length];
    System.arraycopy(n, 0, b, 1, n.length);
    System.arraycopy(h, 0, b, 1 + n.length, h.length);
    System.arraycopy(u, 0, b, 1 + n.length + h.length, u.length);
    store.put(type, b, 1, n.length, 1 + n.length, h.length, 1 + n.length + h.length, u.length);
  }

  @Test
  void allIsSortedByBytesAndLatestWins() {
    MetadataStore store = new MetadataStore();
    put(store, "b_total", 1, "old help", "");
    put(store, "\u00e9t\u00e9", 2, "accented", "");
    put(store, "Z_upper", 2, "upper", "bytes");
    put(store, "a_seconds", 3, "latency", "seconds");
    put(store, "b_total", 1, "new help", "");
    SortedMap<String, MetricMetadata> all = store.all();
    // Go's order of UTF-8 bytes: upper case before lower case, non-ASCII last.
    assertEquals(
        List.of("Z_upper", "a_seconds", "b_total", "\u00e9t\u00e9"), List.copyOf(all.keySet()));
    assertEquals(new MetricMetadata(1, "new help", ""), all.get("b_total"));
    assertEquals(new MetricMetadata(3, "latency", "seconds"), all.get("a_seconds"));
    assertEquals(all.get("b_total"), store.get("b_total"));
  }

  @Test
  void allSurvivesGrowth() {
    MetadataStore store = new MetadataStore();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      String name = String.format("m%04d", i);
      names.add(name);
      put(store, name, i % 8, "help " + i, "");
    }
    SortedMap<String, MetricMetadata> all = store.all();
    assertEquals(names, List.copyOf(all.keySet()));
    assertEquals(new MetricMetadata(499 % 8, "help 499", ""), all.get("m0499"));
    assertEquals(500, store.size());
  }
}
