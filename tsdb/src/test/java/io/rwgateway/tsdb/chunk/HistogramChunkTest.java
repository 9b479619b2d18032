package io.rwgateway.tsdb.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Header;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Verdict;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Round trips through {@link HistogramChunkEncoder} and {@link HistogramChunkIterator}. */
class HistogramChunkTest {

  // ---- helpers -------------------------------------------------------------------------------

  /** A histogram from absolute bucket counts by index, with canonical spans; count adds up. */
  static Histogram of(
      int schema,
      double zt,
      long zeroCount,
      double sum,
      Map<Integer, Long> pos,
      Map<Integer, Long> neg) {
    Histogram h = new Histogram().schema(schema).zeroThreshold(zt).zeroCount(zeroCount).sum(sum);
    long count = zeroCount;
    for (long v : pos.values()) {
      count += v;
    }
    for (long v : neg.values()) {
      count += v;
    }
    fill(h.positive(), pos);
    fill(h.negative(), neg);
    return h.count(count);
  }

  private static void fill(Histogram.Buckets side, Map<Integer, Long> abs) {
    TreeMap<Integer, Long> m = new TreeMap<>(abs);
    int[] idx = m.keySet().stream().mapToInt(Integer::intValue).toArray();
    side.setAbsolute(idx, m.values().stream().mapToLong(Long::longValue).toArray(), m.size());
  }

  /** Absolute counts by bucket index, zero buckets left out. */
  static TreeMap<Integer, Long> absolute(Histogram.Buckets side) {
    int[] idx = new int[side.bucketCount()];
    long[] counts = new long[side.bucketCount()];
    TreeMap<Integer, Long> m = new TreeMap<>();
    for (int k = side.absolute(idx, counts) - 1; k >= 0; k--) {
      m.put(idx[k], counts[k]);
    }
    m.values().removeIf(v -> v == 0);
    return m;
  }

  private static List<long[]> times(byte[] chunk) {
    List<long[]> out = new ArrayList<>();
    HistogramChunkIterator it = new HistogramChunkIterator(chunk);
    while (it.next()) {
      out.add(new long[] {it.t()});
    }
    return out;
  }

  private static List<Histogram> decode(byte[] chunk) {
    List<Histogram> out = new ArrayList<>();
    HistogramChunkIterator it = new HistogramChunkIterator(chunk);
    while (it.next()) {
      out.add(new Histogram().copyFrom(it.histogram()));
    }
    return out;
  }

  private static void assertSameBuckets(Histogram want, Histogram got) {
    assertEquals(want.count(), got.count(), "count");
    assertEquals(want.zeroCount(), got.zeroCount(), "zero count");
    assertEquals(
        Double.doubleToRawLongBits(want.sum()), Double.doubleToRawLongBits(got.sum()), "sum");
    assertEquals(want.schema(), got.schema());
    assertEquals(absolute(want.positive()), absolute(got.positive()), "positive");
    assertEquals(absolute(want.negative()), absolute(got.negative()), "negative");
  }

  // ---- plain round trips ---------------------------------------------------------------------

  @Test
  void randomCounterHistogramsWithAFixedLayout() {
    Random r = new Random(1);
    for (int round = 0; round < 200; round++) {
      int schema = r.nextInt(13) - 4;
      TreeMap<Integer, Long> pos = new TreeMap<>();
      TreeMap<Integer, Long> neg = new TreeMap<>();
      for (int i = 0, n = r.nextInt(20); i < n; i++) {
        pos.put(r.nextInt(60) - 30, (long) r.nextInt(5));
      }
      for (int i = 0, n = r.nextInt(4); i < n; i++) {
        neg.put(r.nextInt(40) - 20, (long) r.nextInt(5));
      }
      long zc = r.nextInt(3);
      double sum = 0;
      long t = 1_700_000_000_000L + r.nextInt(1_000_000);
      HistogramChunkEncoder e = new HistogramChunkEncoder(Header.UNKNOWN);
      List<Histogram> want = new ArrayList<>();
      List<Long> ts = new ArrayList<>();
      for (int k = 0, n = 1 + r.nextInt(120); k < n; k++) {
        Histogram h = of(schema, 0x1p-128, zc, sum, pos, neg);
        assertEquals(Verdict.APPEND, e.append(t, h));
        want.add(new Histogram().copyFrom(h));
        ts.add(t);
        t += 15_000 + (r.nextInt(10) == 0 ? r.nextInt(3000) - 1500 : 0);
        zc += r.nextInt(2);
        pos.replaceAll((i, v) -> v + (r.nextBoolean() ? r.nextInt(1 << r.nextInt(20)) : 0));
        neg.replaceAll((i, v) -> v + r.nextInt(3));
        sum += r.nextDouble() * 100;
      }
      byte[] chunk = e.bytes();
      HistogramChunkIterator it = new HistogramChunkIterator(chunk);
      assertEquals(want.size(), it.count());
      for (int k = 0; k < want.size(); k++) {
        assertTrue(it.next());
        assertEquals(ts.get(k), it.t());
        Histogram w = want.get(k).resetHint(k == 0 ? 0 : Histogram.HINT_NOT_COUNTER_RESET);
        assertEquals(w, it.histogram(), "round " + round + " sample " + k);
      }
      assertFalse(it.next());
    }
  }

  /** Every varbit bucket at both of its edges, in every field that uses it. */
  @Test
  void varbitBucketEdges() {
    long[] edges = {
      0,
      1,
      -1,
      -3,
      4,
      5,
      -4,
      -31,
      32,
      33,
      -32,
      -255,
      256,
      257,
      -256,
      -2047,
      2048,
      2049,
      -2048,
      -131071,
      131072,
      131073,
      -131072,
      -16777215,
      16777216,
      16777217,
      -16777216,
      -36028797018963967L,
      36028797018963968L,
      36028797018963969L,
      -36028797018963968L,
      Long.MAX_VALUE,
      Long.MIN_VALUE + 1
    };
    HistogramChunkEncoder e = new HistogramChunkEncoder(Header.GAUGE);
    List<Histogram> want = new ArrayList<>();
    long t = 0;
    long[] deltas = new long[edges.length];
    for (int k = 0; k < edges.length; k++) {
      t += edges[k] / 4; // time deltas of every size, some negative (the chunk does not care)
      Histogram h =
          new Histogram()
              .schema((int) (edges[k] % 9))
              .count(edges[k]) // unsigned: negative longs are huge counts
              .zeroCount(-edges[k])
              .sum(edges[k])
              .resetHint(Histogram.HINT_GAUGE);
      for (int i = 0; i < edges.length; i++) {
        deltas[i] = edges[(i + k) % edges.length];
      }
      h.positive().set(new int[] {-5, 3}, new int[] {10, edges.length - 10}, deltas);
      if (k == 0) {
        assertEquals(Verdict.APPEND, e.append(t, h));
      } else {
        // a gauge with another schema is refused; keep the first schema for the rest
        h.schema(want.get(0).schema());
        assertEquals(Verdict.APPEND, e.append(t, h));
      }
      want.add(new Histogram().copyFrom(h));
    }
    List<Histogram> got = decode(e.bytes());
    assertEquals(want, got);
  }

  @Test
  void zeroThresholdEncodings() {
    Object[][] cases = {
      {0.0, 1},
      {-0.0, 1},
      {0x1p-128, 1},
      {0x1p-243, 1},
      {0x1p10, 1},
      {0.5, 1},
      {1.0, 1},
      {0x1p-244, 9},
      {0x1p11, 9},
      {0.001, 9},
      {3.0, 9},
      {-0.5, 9},
      {Double.MIN_VALUE, 9},
      {Double.POSITIVE_INFINITY, 9}
    };
    for (Object[] c : cases) {
      double zt = (Double) c[0];
      Histogram h = new Histogram().zeroThreshold(zt).count(1).zeroCount(1).sum(0.25);
      HistogramChunkEncoder e = new HistogramChunkEncoder(Header.UNKNOWN);
      e.append(0, h);
      byte[] chunk = e.bytes();
      // Layout: the threshold (1 or 9 bytes), then schema 0, no spans, t 0: bits 0000.
      int code = chunk[3] & 0xff;
      assertEquals((int) c[1] == 1, code != 255, "one byte for " + zt);
      Histogram back = decode(chunk).get(0);
      double expect = zt == 0 ? 0.0 : zt; // -0.0 is written as 0
      assertEquals(
          Double.doubleToRawLongBits(expect),
          Double.doubleToRawLongBits(back.zeroThreshold()),
          "threshold " + zt);
    }
    assertEquals(116, thresholdCode(0x1p-128));
    assertEquals(1, thresholdCode(0x1p-243));
    assertEquals(254, thresholdCode(0x1p10));
  }

  private static int thresholdCode(double zt) {
    HistogramChunkEncoder e = new HistogramChunkEncoder(Header.UNKNOWN);
    e.append(0, new Histogram().zeroThreshold(zt));
    return e.bytes()[3] & 0xff;
  }

  @Test
  void emptySpansAndZeroLengthSpans() {
    Histogram none = new Histogram().count(3).zeroCount(3).sum(1);
    Histogram zeroLength = new Histogram().count(3).zeroCount(1).sum(2);
    zeroLength.positive().set(new int[] {2, 0, 3}, new int[] {1, 0, 1}, new long[] {1, 0});
    zeroLength.negative().set(new int[] {0}, new int[] {0}, new long[0]);
    for (Histogram h : List.of(none, zeroLength)) {
      HistogramChunkEncoder e = new HistogramChunkEncoder(Header.UNKNOWN);
      e.append(10, h);
      e.append(20, new Histogram().copyFrom(h).count(h.count() + 1).zeroCount(h.zeroCount() + 1));
      List<Histogram> got = decode(e.bytes());
      assertEquals(h, got.get(0));
      assertEquals(h.positive(), got.get(1).positive());
      assertEquals(h.negative(), got.get(1).negative());
      assertEquals(h.count() + 1, got.get(1).count());
    }
  }

  @Test
  void mismatchedBucketsAreRefused() {
    Histogram h = new Histogram().count(1);
    h.positive().set(new int[] {0}, new int[] {2}, new long[] {1});
    HistogramChunkEncoder e = new HistogramChunkEncoder(Header.UNKNOWN);
    assertThrows(IllegalArgumentException.class, () -> e.append(0, h));
    assertEquals(0, e.count());
  }

  // ---- layout changes, resets, gauges, staleness ----------------------------------------------

  @Test
  void newBucketsRecodeTheChunk() {
    TreeMap<Integer, Long> pos = new TreeMap<>(Map.of(0, 1L, 1, 2L, 5, 1L));
    TreeMap<Integer, Long> neg = new TreeMap<>(Map.of(2, 1L));
    List<Histogram> in = new ArrayList<>();
    in.add(of(1, 0, 0, 1.5, pos, neg));
    in.add(of(1, 0, 1, 2.5, Map.of(0, 2L, 1, 2L, 5, 3L), neg));
    in.add(of(1, 0, 1, 3.5, Map.of(-1, 1L, 0, 2L, 1, 4L, 3, 1L, 5, 3L, 9, 2L), neg)); // 3 new
    in.add(
        of(1, 0, 2, 4.5, Map.of(-1, 1L, 0, 3L, 1, 4L, 3, 1L, 5, 3L, 9, 2L), Map.of(2, 1L, 3, 1L)));
    HistogramChunkEncoder e = new HistogramChunkEncoder(Header.UNKNOWN);
    List<Verdict> verdicts = new ArrayList<>();
    for (int k = 0; k < in.size(); k++) {
      verdicts.add(e.append(1000L * k, in.get(k)));
    }
    assertEquals(List.of(Verdict.APPEND, Verdict.APPEND, Verdict.RECODE, Verdict.RECODE), verdicts);
    byte[] chunk = e.bytes();
    List<Histogram> got = decode(chunk);
    for (int k = 0; k < in.size(); k++) {
      assertSameBuckets(in.get(k), got.get(k));
      // every sample now has the last layout
      assertTrue(got.get(k).positive().sameSpans(in.get(3).positive()));
      assertTrue(got.get(k).negative().sameSpans(in.get(3).negative()));
    }

    // The recoded chunk is what a fresh chunk of the widened samples is, bit for bit.
    HistogramChunkEncoder fresh = new HistogramChunkEncoder(Header.UNKNOWN);
    for (int k = 0; k < got.size(); k++) {
      assertEquals(Verdict.APPEND, fresh.append(1000L * k, got.get(k)));
    }
    assertArrayEquals(chunk, fresh.bytes());
  }

  @Test
  void countersThatGoDownCutWithTheResetHeader() {
    Map<Integer, Long> pos = Map.of(0, 5L, 1, 5L);
    Histogram base = of(0, 0, 3, 10, pos, Map.of());
    List<Histogram> resets =
        List.of(
            of(0, 0, 3, 10, Map.of(0, 4L, 1, 5L), Map.of()), // a bucket went down
            of(0, 0, 2, 10, Map.of(0, 6L, 1, 6L), Map.of()), // the zero bucket went down
            of(0, 0, 3, 10, Map.of(0, 9L), Map.of()), // a bucket disappeared
            new Histogram().copyFrom(base).count(2), // the count went down
            new Histogram().copyFrom(base).resetHint(Histogram.HINT_COUNTER_RESET)); // said so
    for (Histogram next : resets) {
      HistogramChunkEncoder e = new HistogramChunkEncoder(Header.UNKNOWN);
      e.append(0, base);
      byte[] before = e.bytes();
      assertEquals(Verdict.CUT_COUNTER_RESET, e.check(next), next.toString());
      assertEquals(Verdict.CUT_COUNTER_RESET, e.append(1000, next));
      assertArrayEquals(before, e.bytes(), "nothing appended");
      assertEquals(Header.COUNTER_RESET, e.nextChunkHeader(next));
      e.reset(e.nextChunkHeader(next));
      assertEquals(Verdict.APPEND, e.append(1000, next));
      HistogramChunkIterator it = new HistogramChunkIterator(e.bytes());
      assertEquals(Header.COUNTER_RESET, it.header());
      assertTrue(it.next());
      assertEquals(Histogram.HINT_COUNTER_RESET, it.histogram().resetHint());
    }
  }

  @Test
  void schemaOrThresholdChangeCutsWithUnknownHeader() {
    Histogram base = of(3, 0x1p-128, 1, 1, Map.of(0, 1L), Map.of());
    for (Histogram next :
        List.of(
            of(2, 0x1p-128, 1, 1, Map.of(0, 1L), Map.of()),
            of(3, 0x1p-127, 1, 1, Map.of(0, 1L), Map.of()))) {
      HistogramChunkEncoder e = new HistogramChunkEncoder(Header.UNKNOWN);
      e.append(0, base);
      assertEquals(Verdict.CUT, e.append(1, next));
      assertEquals(Header.UNKNOWN, e.nextChunkHeader(next));
      assertEquals(1, e.count());
    }
    // a schema change that also lowers the count is a reset first
    HistogramChunkEncoder e = new HistogramChunkEncoder(Header.UNKNOWN);
    e.append(0, base);
    Histogram lower = of(2, 0x1p-128, 0, 1, Map.of(), Map.of());
    assertEquals(Verdict.CUT_COUNTER_RESET, e.append(1, lower));
    // a full chunk cut by the caller, no reset: the next chunk says so
    assertEquals(Header.NOT_COUNTER_RESET, e.nextChunkHeader(base));
  }

  @Test
  void gaugeHistograms() {
    Histogram g1 =
        of(0, 0, 5, 3, Map.of(0, 4L, 1, 2L, 4, 1L), Map.of()).resetHint(Histogram.HINT_GAUGE);
    // lower counts, bucket 1 missing, bucket 6 new
    Histogram g2 =
        of(0, 0, 1, 2, Map.of(0, 1L, 4, 1L, 6, 3L), Map.of()).resetHint(Histogram.HINT_GAUGE);
    // only bucket 0
    Histogram g3 = of(0, 0, 0, 1, Map.of(0, 2L), Map.of()).resetHint(Histogram.HINT_GAUGE);

    assertEquals(Header.GAUGE, HistogramChunkEncoder.firstChunkHeader(g1));
    HistogramChunkEncoder e = new HistogramChunkEncoder(Header.GAUGE);
    assertEquals(Verdict.APPEND, e.append(0, g1));
    assertEquals(Verdict.RECODE, e.append(10, g2));
    assertEquals(Verdict.APPEND, e.append(20, g3));
    List<Histogram> got = decode(e.bytes());
    assertSameBuckets(g1, got.get(0));
    assertSameBuckets(g2, got.get(1));
    assertSameBuckets(g3, got.get(2));
    for (Histogram h : got) {
      assertEquals(Histogram.HINT_GAUGE, h.resetHint());
      // union of buckets 0, 1, 4, 6 in canonical spans (0:2, 2:1, 1:1)
      assertEquals("[0:2 2:1 1:1 | ", h.positive().toString().substring(0, 15));
    }

    // a counter sample after gauges, and a gauge after counters, cut
    Histogram c = new Histogram().copyFrom(g3).resetHint(Histogram.HINT_UNKNOWN);
    assertEquals(Verdict.CUT, e.append(30, c));
    assertEquals(Header.UNKNOWN, e.nextChunkHeader(c));
    HistogramChunkEncoder counters = new HistogramChunkEncoder(Header.UNKNOWN);
    counters.append(0, c);
    assertEquals(Verdict.CUT, counters.append(10, g3));
    assertEquals(Header.GAUGE, counters.nextChunkHeader(g3));
  }

  @Test
  void staleMarkers() {
    Histogram stale = new Histogram().sum(Double.longBitsToDouble(Histogram.STALE_NAN_BITS));
    Histogram h = of(0, 0, 1, 5, Map.of(0, 1L, 3, 2L), Map.of(1, 1L));
    HistogramChunkEncoder e = new HistogramChunkEncoder(Header.UNKNOWN);
    assertEquals(Verdict.APPEND, e.append(0, h));
    assertEquals(Verdict.APPEND, e.append(10, stale));
    assertEquals(Verdict.APPEND, e.append(25, stale));
    assertEquals(Verdict.CUT, e.append(30, h), "nothing but stale markers after one");
    List<Histogram> got = decode(e.bytes());
    assertEquals(3, got.size());
    assertEquals(new Histogram().copyFrom(h), got.get(0));
    assertTrue(got.get(1).isStale());
    assertEquals(0, got.get(1).positive().spanCount());
    assertTrue(got.get(2).isStale());
    assertEquals(List.of(0L, 10L, 25L), times(e.bytes()).stream().map(a -> a[0]).toList());

    // a chunk that starts with a stale marker: empty layout
    HistogramChunkEncoder s = new HistogramChunkEncoder(Header.UNKNOWN);
    s.append(0, stale);
    s.append(5, stale);
    assertEquals(Verdict.CUT, s.append(10, h));
    List<Histogram> back = decode(s.bytes());
    assertTrue(back.get(0).isStale() && back.get(1).isStale());
  }

  @Test
  void resetStartsAnEmptyChunk() {
    HistogramChunkEncoder e = new HistogramChunkEncoder(Header.UNKNOWN);
    Histogram h = of(0, 0, 1, 5, Map.of(0, 1L, 3, 2L), Map.of(1, 1L));
    e.append(0, h);
    e.append(1000, h);
    byte[] first = e.bytes();
    e.reset(Header.NOT_COUNTER_RESET);
    e.append(0, h);
    e.append(1000, h);
    byte[] again = e.bytes();
    first[2] = Header.NOT_COUNTER_RESET.toByte();
    assertArrayEquals(first, again);
  }

  // ---- allocation ----------------------------------------------------------------------------

  @Test
  void decodingAllocatesNothingPerSample() {
    Random r = new Random(5);
    HistogramChunkEncoder e = new HistogramChunkEncoder(Header.UNKNOWN);
    TreeMap<Integer, Long> pos = new TreeMap<>();
    for (int i = 0; i < 40; i++) {
      pos.put(i * 2, 1L);
    }
    long t = 0;
    for (int k = 0; k < 120; k++) {
      e.append(t += 15_000, of(2, 0x1p-128, k, k * 1.5, pos, Map.of(-1, (long) k)));
      pos.replaceAll((i, v) -> v + r.nextInt(50));
    }
    byte[] chunk = e.bytes();
    HistogramChunkIterator it = new HistogramChunkIterator();
    long sink = 0;
    for (int warm = 0; warm < 2000; warm++) {
      sink += drain(it, chunk);
    }
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long before = mx.getThreadAllocatedBytes(tid);
    int rounds = 1000;
    for (int i = 0; i < rounds; i++) {
      sink += drain(it, chunk);
    }
    long perChunk = (mx.getThreadAllocatedBytes(tid) - before) / rounds;
    assertTrue(sink != 0);
    assertTrue(perChunk < 16, "bytes allocated per 120-sample chunk decoded: " + perChunk);
  }

  private static long drain(HistogramChunkIterator it, byte[] chunk) {
    it.reset(chunk, 0, chunk.length);
    long s = 0;
    while (it.next()) {
      s += it.histogram().positive().delta(3) + it.t();
    }
    return s;
  }
}
