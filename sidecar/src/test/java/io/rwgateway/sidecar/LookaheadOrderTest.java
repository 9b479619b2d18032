package io.rwgateway.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.proto.prompb.Label;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link LookaheadOrder} and {@link SortedOrder} against a plain sort: random stored label sets in
 * Prometheus' order, external labels attached, must come out in label order.
 */
class LookaheadOrderTest {
  private static final String[] NAMES = {"__name__", "a", "b", "d", "m", "q", "s", "zz"};
  private static final String[] VALUES = {"", "0", "1", "x"};

  @Test
  void theExampleFromTheJavadoc() {
    ExternalLabels ext = new ExternalLabels(Labels.of("replica", "a"));
    List<Labels> out =
        run(
            ext,
            List.of(
                Labels.of("__name__", "up"),
                Labels.of("__name__", "up", "instance", "x"),
                Labels.of("__name__", "up", "zone", "z")),
            false);
    assertEquals(
        List.of(
            Labels.of("__name__", "up", "instance", "x", "replica", "a"),
            Labels.of("__name__", "up", "replica", "a"),
            Labels.of("__name__", "up", "replica", "a", "zone", "z")),
        out);
  }

  @Test
  void randomLabelSetsComeOutSortedWhileHoldingFewSeries() {
    for (int seed = 0; seed < 2_000; seed++) {
      Random r = new Random(seed);
      ExternalLabels ext = randomExternal(r);
      List<Labels> stored = randomStored(r, ext, 1 + r.nextInt(40));
      List<Labels> expected = new ArrayList<>();
      for (Labels l : stored) {
        expected.add(ext.attach(protoLabels(l)));
      }
      expected.sort(LabelOrder.LABELS);
      assertEquals(expected, run(ext, stored, false), "seed " + seed);
      assertEquals(expected, run(ext, stored, true), "seed " + seed + " sorted whole");
    }
  }

  @Test
  void sortedOrderJoinsSeriesThatBecomeEqual() {
    ExternalLabels ext = new ExternalLabels(Labels.of("replica", "a"));
    List<Labels> stored =
        List.of(Labels.of("__name__", "m"), Labels.of("__name__", "m", "replica", "b"));
    Iterator<Labels> it = stored.iterator();
    long[] t = {1};
    SeriesSource src =
        () -> {
          if (!it.hasNext()) {
            return null;
          }
          return new ReadSeries(
              ext.attach(protoLabels(it.next())),
              List.of(
                  io.rwgateway.proto.prompb.Chunk.newBuilder().setMinTimeMs(10 - t[0]++).build()));
        };
    SortedOrder sorted = new SortedOrder(src, "test");
    ReadSeries one = sorted.next();
    assertEquals(Labels.of("__name__", "m", "replica", "a"), one.labels());
    assertEquals(List.of(8L, 9L), one.chunks().stream().map(c -> c.getMinTimeMs()).toList());
    assertNull(sorted.next());
  }

  /** External labels without collisions (lookahead) or stored names may collide (sorted whole). */
  private static List<Labels> run(ExternalLabels ext, List<Labels> stored, boolean whole) {
    Iterator<Labels> it = stored.iterator();
    SeriesSource src =
        () -> it.hasNext() ? new ReadSeries(ext.attach(protoLabels(it.next())), List.of()) : null;
    int maxLabels = 0;
    for (Labels l : stored) {
      maxLabels = Math.max(maxLabels, l.size());
    }
    List<Labels> out = new ArrayList<>();
    if (whole) {
      SortedOrder o = new SortedOrder(src, "test");
      for (ReadSeries s = o.next(); s != null; s = o.next()) {
        out.add(s.labels());
      }
      return out;
    }
    LookaheadOrder o = new LookaheadOrder(src);
    for (ReadSeries s = o.next(); s != null; s = o.next()) {
      out.add(s.labels());
      assertTrue(o.waiting() <= maxLabels + 1, "holds " + o.waiting() + " series");
    }
    return out;
  }

  private static ExternalLabels randomExternal(Random r) {
    TreeMap<String, String> m = new TreeMap<>();
    int n = 1 + r.nextInt(3);
    String[] names = {"c", "n", "r", "t", "z"};
    for (int i = 0; i < n; i++) {
      m.put(names[r.nextInt(names.length)], "e" + i);
    }
    return new ExternalLabels(Labels.fromMap(m));
  }

  /** Distinct label sets in Prometheus' order, none with an external label's name. */
  private static List<Labels> randomStored(Random r, ExternalLabels ext, int n) {
    TreeMap<String, Labels> unique = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      TreeMap<String, String> m = new TreeMap<>();
      for (String name : NAMES) {
        if (r.nextInt(3) == 0) {
          String v = VALUES[1 + r.nextInt(VALUES.length - 1)];
          m.put(name, v);
        }
      }
      Labels l = Labels.fromMap(m);
      unique.put(l.toString(), l);
    }
    List<Labels> out = new ArrayList<>(unique.values());
    for (Labels l : out) {
      l.forEach((name, v) -> assertNull(ext.value(name)));
    }
    out.sort(LabelOrder.LABELS);
    return out;
  }

  static List<Label> protoLabels(Labels l) {
    List<Label> out = new ArrayList<>();
    l.forEach((n, v) -> out.add(Label.newBuilder().setName(n).setValue(v).build()));
    return out;
  }
}
