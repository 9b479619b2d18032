package io.rwgateway.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.chunk.FloatHistogram;
import io.rwgateway.tsdb.chunk.FloatHistogramChunkIterator;
import io.rwgateway.tsdb.chunk.Histogram;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder;
import io.rwgateway.tsdb.chunk.HistogramChunkIterator;
import io.rwgateway.tsdb.chunk.HistogramMeaning;
import io.rwgateway.tsdb.chunk.HistogramProto;
import io.rwgateway.tsdb.chunk.XorIterator;
import io.rwgateway.tsdb.db.Batches;
import io.rwgateway.tsdb.layout.BlockSeries;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The head's streaming reader hands out native histograms as histogram and float histogram chunks,
 * merged with the series' floats into one time order: decoded, every sample in the range as it was
 * appended, once; the chunks exactly those the block cut writes for the same range; exact time
 * bounds; float-only series still streamed as written.
 */
class HeadChunkQuerierHistogramTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final long STEP = 15_000;
  private static final long WINDOW = 86_400_000; // out-of-order window: all of the data

  // ---- what is appended ----

  /** A counter histogram: counts reset at step 130, a bucket added 30 steps after each start. */
  static Histogram counter(int k) {
    int local = k < 130 ? k : k - 130;
    int n = local < 30 ? 2 : 3;
    int[] idx = new int[n];
    long[] counts = new long[n];
    long total = 0;
    for (int i = 0; i < n; i++) {
      idx[i] = i;
      counts[i] = local + 1 + i;
      total += counts[i];
    }
    Histogram h = new Histogram().schema(1).zeroThreshold(Math.scalb(1.0, -128));
    h.positive().setAbsolute(idx, counts, n);
    h.negative().setAbsolute(new int[] {-2}, new long[] {local / 3}, 1);
    long zero = local / 5;
    return h.zeroCount(zero).count(total + zero + local / 3).sum(local * 2.25);
  }

  /** A gauge histogram: counts go up and down, a bucket added at step 20 and one gone at 40. */
  static Histogram gauge(int k) {
    int[] idx = k < 20 ? new int[] {0, 1} : k < 40 ? new int[] {0, 1, 2} : new int[] {1, 2};
    long[] counts = new long[idx.length];
    long total = 0;
    for (int i = 0; i < idx.length; i++) {
      counts[i] = 1 + (k * 7 + i * 3) % 11;
      total += counts[i];
    }
    Histogram h = new Histogram().schema(0).resetHint(Histogram.HINT_GAUGE);
    h.positive().setAbsolute(idx, counts, idx.length);
    return h.zeroCount(k % 4).count(total + k % 4).sum(k % 2 == 0 ? -k : k * 0.5);
  }

  /** {@code h} with float counts (plus a quarter each, so they are not integers). */
  static FloatHistogram toFloat(Histogram h) {
    int[] idx = new int[h.positive().bucketCount()];
    long[] counts = new long[idx.length];
    int n = h.positive().absolute(idx, counts);
    double[] c = new double[n];
    for (int i = 0; i < n; i++) {
      c[i] = counts[i] + 0.25;
    }
    FloatHistogram f =
        new FloatHistogram()
            .schema(h.schema())
            .zeroThreshold(h.zeroThreshold())
            .resetHint(h.resetHint());
    f.positive().setAbsolute(idx, c, n);
    int[] nIdx = new int[h.negative().bucketCount()];
    long[] nCounts = new long[nIdx.length];
    int m = h.negative().absolute(nIdx, nCounts);
    double[] nc = new double[m];
    for (int i = 0; i < m; i++) {
      nc[i] = nCounts[i] + 0.25;
    }
    f.negative().setAbsolute(nIdx, nc, m);
    return f.zeroCount(h.zeroCount() + 0.5).count(h.count() + 0.5 + 0.25 * (n + m)).sum(h.sum());
  }

  private static long t(double k) {
    return T0 + Math.round(k * STEP);
  }

  /** One appended sample, as the reader should give it back ("t kind value"). */
  private static String f(long t, double v) {
    return t + " F " + Double.doubleToRawLongBits(v);
  }

  private static String h(long t, Histogram h) {
    return t + " H " + HistogramMeaning.normal(h);
  }

  private static String fh(long t, FloatHistogram h) {
    return t + " FH " + HistogramMeaning.normal(h);
  }

  private final Head head = new Head();
  private final HeadAppender app = new HeadAppender(head, 0, WINDOW);

  /** What was appended per series name, in time order. */
  private final TreeMap<String, TreeMap<Long, String>> appended = new TreeMap<>();

  private void commit(WriteBatch b, int samples, int histograms) {
    app.prepare(b, new Recorder());
    app.commit(b);
    assertEquals(samples, b.samplesWritten, "samples accepted");
    assertEquals(histograms, b.histogramsWritten, "histograms accepted");
  }

  private void floats(WriteBatch b, String name, double... ks) {
    for (double k : ks) {
      double v = k * 0.5 - 3;
      b.addSample(t(k), v);
      appended.computeIfAbsent(name, x -> new TreeMap<>()).put(t(k), f(t(k), v));
    }
  }

  private void histograms(
      WriteBatch b, String name, boolean floatCounts, boolean gauge, int from, int to) {
    for (int k = from; k < to; k++) {
      Histogram x = gauge ? gauge(k) : counter(k);
      long ts = t(k);
      if (floatCounts) {
        Batches.histogram(b, ts, HistogramProto.encode(ts, toFloat(x)));
        appended.computeIfAbsent(name, n -> new TreeMap<>()).put(ts, fh(ts, toFloat(x)));
      } else {
        Batches.histogram(b, ts, HistogramProto.encode(ts, x));
        appended.computeIfAbsent(name, n -> new TreeMap<>()).put(ts, h(ts, x));
      }
    }
  }

  private static double[] range(int from, int to) {
    double[] ks = new double[to - from];
    for (int i = 0; i < ks.length; i++) {
      ks[i] = from + i;
    }
    return ks;
  }

  /**
   * int_counter and float_counter: 260 counter histograms; int_gauge and float_gauge: 60 gauge
   * histograms; switch: floats 0-19, histograms 20-49, floats 50-69; ooo: floats 0-9, histograms
   * 10-39, floats 40-49, then floats out of order between them; floats: 100 floats only.
   */
  private void fill() {
    // NOTE: in time order per series, as a series has one time line (a float before its newest
    // histogram, or a histogram before its newest float, is out of order).
    WriteBatch b = new WriteBatch();
    Batches.series(b, "__name__", "int_counter");
    histograms(b, "int_counter", false, false, 0, 260);
    Batches.series(b, "__name__", "float_counter");
    histograms(b, "float_counter", true, false, 0, 260);
    Batches.series(b, "__name__", "int_gauge");
    histograms(b, "int_gauge", false, true, 0, 60);
    Batches.series(b, "__name__", "float_gauge");
    histograms(b, "float_gauge", true, true, 0, 60);
    Batches.series(b, "__name__", "switch");
    floats(b, "switch", range(0, 20));
    Batches.series(b, "__name__", "ooo");
    floats(b, "ooo", range(0, 10));
    Batches.series(b, "__name__", "floats");
    for (int k = 0; k < 100; k++) {
      b.addSample(t(k), 7); // one value: the 100 samples fit one head chunk
      appended.computeIfAbsent("floats", x -> new TreeMap<>()).put(t(k), f(t(k), 7));
    }
    commit(b, 20 + 10 + 100, 260 + 260 + 60 + 60);

    WriteBatch hists = new WriteBatch();
    Batches.series(hists, "__name__", "switch");
    histograms(hists, "switch", false, false, 20, 50);
    Batches.series(hists, "__name__", "ooo");
    histograms(hists, "ooo", false, false, 10, 40);
    commit(hists, 0, 30 + 30);

    WriteBatch after = new WriteBatch();
    Batches.series(after, "__name__", "switch");
    floats(after, "switch", range(50, 70));
    Batches.series(after, "__name__", "ooo");
    floats(after, "ooo", range(40, 50));
    commit(after, 20 + 10, 0);

    WriteBatch late = new WriteBatch();
    Batches.series(late, "__name__", "ooo");
    floats(late, "ooo", 42.5, 45.5); // out of order after the histograms: taken
    for (double k : new double[] {5.5, 12.5, 25.5}) {
      late.addSample(t(k), 1); // before the newest histogram: out of order on the time line
    }
    commit(late, 2, 0);
  }

  // ---- what is read ----

  /** One series' chunks as read: shape, decoded samples in the range, and the chunks themselves. */
  private record Read(
      List<String> shape,
      List<String> samples,
      List<byte[]> chunks,
      List<Integer> encodings,
      List<Long> mins,
      List<Long> maxs) {}

  private Read read(String name, long mint, long maxt) {
    try (ChunkQuerier q = head.chunkQuerier(mint, maxt)) {
      ChunkSeriesSet set = q.select(Matcher.eq("__name__", name));
      assertTrue(set.next(), name + " is returned");
      assertEquals(Labels.of("__name__", name), set.labels());
      Read r = decode(set.chunks(), mint, maxt);
      assertFalse(set.next());
      return r;
    }
  }

  /** Decodes every chunk, checking order, bounds and time range on the way. */
  private static Read decode(ChunkIterator it, long mint, long maxt) {
    Read r =
        new Read(
            new ArrayList<>(),
            new ArrayList<>(),
            new ArrayList<>(),
            new ArrayList<>(),
            new ArrayList<>(),
            new ArrayList<>());
    XorIterator x = new XorIterator();
    HistogramChunkIterator hit = new HistogramChunkIterator();
    FloatHistogramChunkIterator fit = new FloatHistogramChunkIterator();
    long lastMax = Long.MIN_VALUE;
    while (it.next()) {
      assertTrue(it.minTime() > lastMax, "chunks in time order, not overlapping");
      assertTrue(it.minTime() <= it.maxTime());
      assertTrue(it.minTime() <= maxt && it.maxTime() >= mint, "chunk meets the range");
      lastMax = it.maxTime();
      ByteBuffer bb = it.bytes();
      byte[] data = new byte[bb.remaining()];
      bb.get(data);
      r.chunks().add(data);
      r.encodings().add(it.encoding());
      r.mins().add(it.minTime());
      r.maxs().add(it.maxTime());
      List<Long> times = new ArrayList<>();
      switch (it.encoding()) {
        case ChunkEncoding.XOR:
          x.reset(data, data.length);
          r.shape().add("X" + XorIterator.count(data));
          while (x.next()) {
            times.add(x.t());
            if (x.t() >= mint && x.t() <= maxt) {
              r.samples().add(x.t() + " F " + x.valueBits());
            }
          }
          break;
        case ChunkEncoding.HISTOGRAM:
          hit.reset(data, 0, data.length);
          r.shape().add("H" + hit.count() + ":" + hit.header());
          while (hit.next()) {
            times.add(hit.t());
            if (hit.t() >= mint && hit.t() <= maxt) {
              r.samples().add(h(hit.t(), hit.histogram()));
            }
          }
          break;
        case ChunkEncoding.FLOAT_HISTOGRAM:
          fit.reset(data, 0, data.length);
          r.shape().add("FH" + fit.count() + ":" + fit.header());
          while (fit.next()) {
            times.add(fit.t());
            if (fit.t() >= mint && fit.t() <= maxt) {
              r.samples().add(fh(fit.t(), fit.histogram()));
            }
          }
          break;
        default:
          throw new AssertionError("encoding " + it.encoding());
      }
      assertFalse(times.isEmpty());
      assertEquals(times.get(0), it.minTime(), "exact min time");
      assertEquals(times.get(times.size() - 1), it.maxTime(), "exact max time");
    }
    return r;
  }

  /** What was appended to the series in [mint, maxt], in time order. */
  private List<String> appended(String name, long mint, long maxt) {
    return new ArrayList<>(appended.get(name).subMap(mint, true, maxt, true).values());
  }

  /** The series as the block cut writes it for [mint, maxt] (the head's source of a block). */
  private BlockSeries blockCut(String name, long mint, long maxt) {
    HeadBlockSource source =
        new HeadBlockSource(head, mint, maxt == Long.MAX_VALUE ? maxt : maxt + 1);
    for (BlockSeries s = source.next(); s != null; s = source.next()) {
      if (s.labels().equals(Labels.of("__name__", name))) {
        return s;
      }
    }
    throw new AssertionError(name + " not in the block");
  }

  /** Reads the series and checks samples and chunks against what was appended and the cut. */
  private Read check(String name, long mint, long maxt) {
    Read r = read(name, mint, maxt);
    assertEquals(appended(name, mint, maxt), r.samples(), name + ": samples as appended");
    BlockSeries cut = blockCut(name, mint, maxt);
    assertEquals(cut.chunks().size(), r.chunks().size(), name + ": as many chunks as the cut");
    for (int c = 0; c < cut.chunks().size(); c++) {
      assertArrayEquals(cut.chunks().get(c), r.chunks().get(c), name + ": chunk " + c + " bytes");
      assertEquals(cut.encodings()[c], (int) r.encodings().get(c), name + ": chunk " + c);
      assertEquals(cut.chunkMinTimes()[c], (long) r.mins().get(c));
      assertEquals(cut.chunkMaxTimes()[c], (long) r.maxs().get(c));
    }
    return r;
  }

  // ---- the tests ----

  @Test
  void counterHistogramsWithResetsAndNewBucketsBecomeHistogramChunks() {
    fill();
    Read r = check("int_counter", Long.MIN_VALUE, Long.MAX_VALUE);
    assertEquals(
        List.of(
            // 0-129: a bucket added at 30 (re-encoded). T0 is 800 s into its 2h range, so at 30
            // samples 2.42's schedule plans the chunk to end a third of the way to the range's
            // end (143 samples at 15 s): the reset comes first.
            "H130:UNKNOWN",
            "H130:COUNTER_RESET"), // 130-259: the reset cut it; a bucket added at 160
        r.shape());
    assertEquals(List.of(t(0), t(130)), r.mins());
    assertEquals(List.of(t(129), t(259)), r.maxs());

    Read fr = check("float_counter", Long.MIN_VALUE, Long.MAX_VALUE);
    assertEquals(List.of("FH130:UNKNOWN", "FH130:COUNTER_RESET"), fr.shape());
    for (int e : fr.encodings()) {
      assertEquals(ChunkEncoding.FLOAT_HISTOGRAM, e);
    }
  }

  @Test
  void gaugeHistogramsBecomeGaugeChunks() {
    fill();
    assertEquals(List.of("H60:GAUGE"), check("int_gauge", T0, t(100)).shape());
    assertEquals(List.of("FH60:GAUGE"), check("float_gauge", T0, t(100)).shape());
  }

  @Test
  void aSeriesSwitchingBetweenFloatsAndHistogramsKeepsOneTimeOrder() {
    fill();
    Read r = check("switch", Long.MIN_VALUE, Long.MAX_VALUE);
    assertEquals(List.of("X20", "H30:UNKNOWN", "X20"), r.shape());
    assertEquals(
        List.of(ChunkEncoding.XOR, ChunkEncoding.HISTOGRAM, ChunkEncoding.XOR), r.encodings());
    assertEquals(List.of(t(0), t(20), t(50)), r.mins());
    assertEquals(List.of(t(19), t(49), t(69)), r.maxs());
  }

  @Test
  void outOfOrderFloatsAfterTheHistogramsMergeWithTheirFloats() {
    fill();
    Read r = check("ooo", Long.MIN_VALUE, Long.MAX_VALUE);
    assertEquals(
        List.of(
            "X10", // 0-9
            "H30:UNKNOWN", // 10-39, a bucket added at 30
            "X12"), // 40-49 with 42.5 and 45.5 (5.5, 12.5 and 25.5 were refused)
        r.shape());
    assertEquals(50 + 2, r.samples().size());
  }

  @Test
  void aRangeEdgeInsideARunClipsTheChunksToTheRange() {
    fill();
    // From inside the first chunk to inside the third. The reader hands out the head's histogram
    // chunks as stored, like its float chunks (they may hold samples outside the range; readers
    // filter by time), so they are not the block cut's chunks of this range. (Changed when the head
    // began keeping histograms in chunks: before, it encoded them at read time, clipped to the
    // range.) The block cut of the range still clips and re-cuts them, as ChunkCutter would.
    long mint = t(50) + 1;
    long maxt = t(200) - 1;
    Read r = read("int_counter", mint, maxt);
    assertEquals(appended("int_counter", mint, maxt), r.samples());
    assertEquals(List.of("H130:UNKNOWN", "H130:COUNTER_RESET"), r.shape());
    assertEquals(List.of(t(0), t(130)), r.mins());
    assertEquals(List.of(t(129), t(259)), r.maxs());
    BlockSeries cut = blockCut("int_counter", mint, maxt);
    assertEquals(List.of(t(51), t(130)), List.of(cut.chunkMinTimes()[0], cut.chunkMinTimes()[1]));
    assertEquals(List.of(t(129), t(199)), List.of(cut.chunkMaxTimes()[0], cut.chunkMaxTimes()[1]));
    assertEquals(2, cut.chunks().size());
    HistogramChunkIterator first = new HistogramChunkIterator(cut.chunks().get(0));
    assertEquals(79, first.count());
    assertEquals(HistogramChunkEncoder.Header.UNKNOWN, first.header());
    HistogramChunkIterator second = new HistogramChunkIterator(cut.chunks().get(1));
    assertEquals(70, second.count());
    assertEquals(HistogramChunkEncoder.Header.COUNTER_RESET, second.header());

    // Both edges inside float runs, a histogram run between them.
    Read s = check("switch", t(10), t(60));
    assertEquals(List.of("X10", "H30:UNKNOWN", "X11"), s.shape());
    assertEquals(List.of(t(10), t(20), t(50)), s.mins());
    assertEquals(List.of(t(19), t(49), t(60)), s.maxs());

    // Only histograms in range: no float chunk.
    Read only = check("switch", t(25), t(45));
    assertEquals(List.of("H21:UNKNOWN"), only.shape());
  }

  @Test
  void aFloatOnlySeriesStillStreamsItsChunksAsWritten() {
    fill();
    // The range starts at sample 50; the head's chunk holding it is handed out whole (not re-cut
    // to the range, as a series with histograms would be).
    Read r = read("floats", t(50), t(60));
    assertEquals(List.of(ChunkEncoding.XOR), r.encodings());
    assertEquals(T0, (long) r.mins().get(0), "the chunk starts before the range: not re-encoded");
    assertEquals(appended("floats", t(50), t(60)), r.samples());
  }

  @Test
  void aSeriesWithOnlyHistogramsInTheRangeIsSelectedForItsLabels() {
    fill();
    long mint = t(25);
    long maxt = t(45); // switch holds only histograms here
    List<Labels> names = new ArrayList<>();
    try (ChunkQuerier q = head.chunkQuerier(mint, maxt)) {
      ChunkSeriesSet set =
          q.selectSeries(new Matcher(Matcher.Type.RE, "__name__", "switch|.*gauge"));
      while (set.next()) {
        names.add(set.labels());
      }
    }
    assertEquals(
        List.of(
            Labels.of("__name__", "float_gauge"),
            Labels.of("__name__", "int_gauge"),
            Labels.of("__name__", "switch")),
        names);
    // And select returns them with their histogram chunks.
    List<String> selected = new ArrayList<>();
    try (ChunkQuerier q = head.chunkQuerier(mint, maxt)) {
      ChunkSeriesSet set = q.select(new Matcher(Matcher.Type.RE, "__name__", "switch|.*gauge"));
      while (set.next()) {
        ChunkIterator it = set.chunks();
        assertTrue(it.next());
        selected.add(set.labels().get("__name__") + ":" + ChunkEncoding.name(it.encoding()));
      }
    }
    assertEquals(
        List.of("float_gauge:float histogram", "int_gauge:histogram", "switch:histogram"),
        selected);
  }

  @Test
  void aSnapshotKeepsReadingTheHistogramsItSawAfterTheSeriesGrows() {
    fill();
    try (ChunkQuerier q = head.chunkQuerier(Long.MIN_VALUE, Long.MAX_VALUE)) {
      ChunkSeriesSet set = q.select(Matcher.eq("__name__", "int_gauge"));
      assertTrue(set.next());
      // Appended after the series was read: not in this reader's chunks.
      WriteBatch b = new WriteBatch();
      Batches.series(b, "__name__", "int_gauge");
      Batches.histogram(b, t(60), HistogramProto.encode(t(60), gauge(60)));
      commit(b, 0, 1);
      Read r = decode(set.chunks(), Long.MIN_VALUE, Long.MAX_VALUE);
      assertEquals(List.of("H60:GAUGE"), r.shape());
    }
    assertEquals(List.of("H61:GAUGE"), read("int_gauge", T0, t(100)).shape(), "a new reader");
  }
}
