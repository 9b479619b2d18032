package io.rwgateway.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.db.Batches;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Label pairs freed by head truncation and reused by later series: across several truncations, with
 * series removed, kept and created (some with the old labels again, many with new ones), every
 * lookup, query and block export sees exactly the labels each series was created with.
 */
class HeadSymbolReuseTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final long STEP = 15_000;

  /** Generation g writes series "gen g, id i" for i in [0, n) plus the long-lived "keep" series. */
  private static void write(HeadAppender app, int gen, int n, long t) {
    WriteBatch b = new WriteBatch();
    for (int i = 0; i < n; i++) {
      // pod values are new every generation (mostly unique: kept inline once learnt); zone
      // values repeat (symbols that are freed and created again); "old" reuses gen 0's labels.
      Batches.series(
          b,
          "__name__",
          "m",
          "gen",
          Integer.toString(gen),
          "pod",
          "p-" + gen + "-" + i,
          "zone",
          "z" + (i % 7) + "-" + gen % 3);
      b.addSample(t, i);
    }
    Batches.series(b, "__name__", "keep", "job", "k");
    b.addSample(t, gen);
    app.prepare(b, new Recorder());
    app.commit(b);
  }

  @Test
  void seriesAfterSeveralTruncationsKeepTheirOwnLabels() {
    try (Head head = new Head()) {
      HeadAppender app = new HeadAppender(head, Long.MAX_VALUE / 4);
      int n = 1500; // past SymbolTable.LEARN_PAIRS, so pods turn inline in the first generation
      for (int gen = 0; gen < 6; gen++) {
        long t = T0 + gen * STEP;
        write(app, gen, n, t);
        if (gen >= 1) {
          // Everything older than this generation goes, except the "keep" series.
          head.truncate(t);
        }
        HeadQuerier q = new HeadQuerier(head);
        List<SeriesData> all =
            q.select(new Matcher[] {Matcher.eq("__name__", "m")}, Long.MIN_VALUE, Long.MAX_VALUE);
        assertEquals(n, all.size(), "generation " + gen + ": only its own series are left");
        Set<Labels> seen = new HashSet<>();
        for (SeriesData d : all) {
          Labels l = d.labels();
          assertEquals(Integer.toString(gen), l.get("gen"), "series " + l);
          String pod = l.get("pod");
          int i = Integer.parseInt(pod.substring(pod.lastIndexOf('-') + 1));
          assertEquals("p-" + gen + "-" + i, pod);
          assertEquals("z" + (i % 7) + "-" + gen % 3, l.get("zone"), "series " + l);
          assertEquals(1, d.sampleT().length);
          assertEquals(i, d.sampleV()[0], 0.0, "series " + l);
          assertTrue(seen.add(l), "duplicate " + l);
        }
        // Postings of pairs whose symbol ids were freed and reused: the label index finds a
        // pair's postings by its symbol id, so a stale entry would leave these empty or wrong.
        assertEquals(
            n,
            q.select(
                    new Matcher[] {Matcher.eq("gen", Integer.toString(gen))},
                    Long.MIN_VALUE,
                    Long.MAX_VALUE)
                .size(),
            "generation " + gen + " by its gen label");
        for (int z = 0; z < 7; z++) {
          String zone = "z" + z + "-" + gen % 3;
          List<SeriesData> inZone =
              q.select(new Matcher[] {Matcher.eq("zone", zone)}, Long.MIN_VALUE, Long.MAX_VALUE);
          int expected = (n - z + 6) / 7; // i in [0, n) with i % 7 == z
          assertEquals(expected, inZone.size(), "generation " + gen + ", zone " + zone);
          for (SeriesData d : inZone) {
            assertEquals(zone, d.labels().get("zone"));
            assertEquals(Integer.toString(gen), d.labels().get("gen"));
          }
        }
        List<SeriesData> keep =
            q.select(
                new Matcher[] {Matcher.eq("__name__", "keep")}, Long.MIN_VALUE, Long.MAX_VALUE);
        assertEquals(1, keep.size());
        assertEquals(Labels.of("__name__", "keep", "job", "k"), keep.get(0).labels());
      }
      // The lookup finds a current series by its bytes, and nothing for a removed one.
      WriteBatch probe = new WriteBatch();
      Batches.series(probe, "__name__", "m", "gen", "5", "pod", "p-5-3", "zone", "z3-2");
      Batches.series(probe, "__name__", "m", "gen", "4", "pod", "p-4-3", "zone", "z3-1");
      head.resolve(probe);
      assertNotNull(probe.seriesHint[0]);
      assertEquals(null, probe.seriesHint[1]);
      // The block export sorts by the pairs' text, whatever their ids.
      List<Labels> order = new ArrayList<>();
      HeadBlockSource src = new HeadBlockSource(head, T0, T0 + 10 * STEP);
      for (var s = src.next(); s != null; s = src.next()) {
        order.add(s.labels());
      }
      assertEquals(n + 1, order.size());
      List<Labels> sorted = new ArrayList<>(order);
      sorted.sort(HeadQuerier.LABELS_ORDER);
      assertEquals(sorted, order);
    }
  }
}
