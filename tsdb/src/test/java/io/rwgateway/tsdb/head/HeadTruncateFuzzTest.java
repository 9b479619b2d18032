package io.rwgateway.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.db.Batches;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random appends (series that write at different rates, go quiet and come back, so chunks are cut
 * at every fill level and open chunks' pieces are freed and reused by other series) interleaved
 * with head truncations: after each step every sample at or after the truncation point is still
 * there, in order, with its value, and nothing older than a kept chunk's start appears.
 */
class HeadTruncateFuzzTest {
  private static final long T0 = 1_700_000_000_000L;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void truncationKeepsEverySampleAtOrAfterItsBound(long seed) {
    Random rnd = new Random(seed);
    int n = 120;
    Map<Integer, List<long[]>> expected = new HashMap<>();
    long[] last = new long[n];
    try (Head head = new Head()) {
      HeadAppender app = new HeadAppender(head, Long.MAX_VALUE / 4);
      long now = T0;
      long truncatedTo = Long.MIN_VALUE;
      for (int step = 0; step < 400; step++) {
        now += 1000;
        WriteBatch b = new WriteBatch();
        for (int s = 0; s < n; s++) {
          // Series s writes with probability depending on s; a few write bursts of several samples.
          if (rnd.nextInt(n) > s / 2 + (step / 50 % 2 == 0 ? 0 : n / 3)) {
            continue;
          }
          Batches.series(b, "__name__", "fuzz", "id", Integer.toString(s));
          int k = rnd.nextInt(10) == 0 ? 1 + rnd.nextInt(40) : 1;
          for (int j = 0; j < k; j++) {
            long t = Math.max(now + j * 7L, last[s] + 1);
            double v = rnd.nextInt(4) == 0 ? rnd.nextDouble() : step + j;
            b.addSample(t, v);
            last[s] = t;
            expected
                .computeIfAbsent(s, x -> new ArrayList<>())
                .add(new long[] {t, Double.doubleToRawLongBits(v)});
          }
        }
        if (b.seriesCount > 0) {
          app.prepare(b, new Recorder());
          app.commit(b);
        }
        if (rnd.nextInt(25) == 0) {
          long before = now - rnd.nextInt(60) * 1000L;
          if (before > truncatedTo) {
            head.truncate(before);
            truncatedTo = before;
          }
        }
        if (step % 10 == 9) {
          check(head, expected, truncatedTo, step);
        }
      }
      check(head, expected, truncatedTo, -1);
    }
  }

  private static void check(Head head, Map<Integer, List<long[]>> expected, long bound, int step) {
    HeadQuerier q = new HeadQuerier(head);
    Map<Integer, SeriesData> got = new HashMap<>();
    for (SeriesData d :
        q.select(new Matcher[] {Matcher.eq("__name__", "fuzz")}, bound, Long.MAX_VALUE)) {
      got.put(Integer.parseInt(d.labels().get("id")), d);
    }
    for (Map.Entry<Integer, List<long[]>> e : expected.entrySet()) {
      List<Long> wantT = new ArrayList<>();
      List<Long> wantV = new ArrayList<>();
      for (long[] tv : e.getValue()) {
        if (tv[0] >= bound) {
          wantT.add(tv[0]);
          wantV.add(tv[1]);
        }
      }
      SeriesData d = got.get(e.getKey());
      String what = "step " + step + ", series " + e.getKey() + ", bound " + bound;
      if (wantT.isEmpty()) {
        assertEquals(0, d == null ? 0 : d.sampleT().length, what);
        continue;
      }
      assertEquals(wantT.size(), d == null ? 0 : d.sampleT().length, what);
      long[] t = new long[wantT.size()];
      long[] v = new long[wantT.size()];
      for (int i = 0; i < t.length; i++) {
        t[i] = wantT.get(i);
        v[i] = wantV.get(i);
      }
      long[] gotV = new long[t.length];
      for (int i = 0; i < t.length; i++) {
        gotV[i] = Double.doubleToRawLongBits(d.sampleV()[i]);
      }
      assertArrayEquals(t, d.sampleT(), what);
      assertArrayEquals(v, gotV, what);
    }
  }
}
