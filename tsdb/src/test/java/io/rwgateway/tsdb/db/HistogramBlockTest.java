package io.rwgateway.tsdb.db;

import static io.rwgateway.tsdb.db.Batches.histogram;
import static io.rwgateway.tsdb.db.Batches.samples;
import static io.rwgateway.tsdb.db.Batches.series;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.block.Block;
import io.rwgateway.tsdb.chunk.FloatHistogram;
import io.rwgateway.tsdb.chunk.Histogram;
import io.rwgateway.tsdb.chunk.HistogramChunkIterator;
import io.rwgateway.tsdb.chunk.HistogramMeaning;
import io.rwgateway.tsdb.chunk.HistogramProto;
import io.rwgateway.tsdb.chunk.XorIterator;
import io.rwgateway.wal.WalOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native histograms survive the block cut: one series switches between floats and integer
 * histograms (a bucket added mid-chunk, a counter reset, a full chunk), is cut into a block, and
 * reads back from the block as it was appended, through the chunk querier and the list querier.
 */
class HistogramBlockTest {
  private static final long H = 3_600_000L;
  private static final long T0 = 1_700_000_000_000L / (2 * H) * (2 * H);
  private static final long STEP = 30_000L;
  private static final Matcher[] ALL = new Matcher[0];
  private static final Labels MIXED = Labels.of("__name__", "mixed");

  @TempDir Path dir;

  private TsdbOptions options() {
    return new TsdbOptions(dir, WalOptions.defaults(), 0)
        .withFlushOnShutdown(false)
        .withCompactionInterval(3_600_000L);
  }

  /** Step k's histogram: a bucket added at k = 30, counters reset at k = 60. */
  static Histogram hist(int k) {
    int base = k < 60 ? k : k - 59;
    int n = k < 30 ? 2 : 3;
    int[] idx = new int[n];
    long[] counts = new long[n];
    long total = 0;
    for (int i = 0; i < n; i++) {
      idx[i] = i;
      counts[i] = base + i;
      total += counts[i];
    }
    long zero = base / 10;
    long neg = base / 2;
    Histogram h = new Histogram().schema(0).zeroThreshold(Math.scalb(1.0, -128));
    h.positive().setAbsolute(idx, counts, n);
    h.negative().setAbsolute(new int[] {-1}, new long[] {neg}, 1);
    return h.zeroCount(zero).count(total + zero + neg).sum(base * 1.5);
  }

  /** Which kind step k of the series is: floats, then histograms, floats, histograms. */
  private static boolean isHistogram(int k) {
    return (k >= 10 && k < 200) || k >= 210;
  }

  private static final int STEPS = 220; // 110 minutes: all inside the first 2h range

  private static void fill(TenantDb db) {
    for (int k = 0; k < STEPS; k += 10) {
      WriteBatch b = new WriteBatch();
      b.tenant = "a";
      series(b, "__name__", "mixed");
      for (int u = k; u < k + 10; u++) {
        long t = T0 + u * STEP;
        if (isHistogram(u)) {
          histogram(b, t, HistogramProto.encode(t, hist(u)));
        } else {
          samples(b, t, u * 0.5);
        }
      }
      db.append(b);
      assertNull(b.failure);
    }
    // Far enough ahead that the first 2h range is due (the head spans more than 1.5 ranges).
    WriteBatch b = new WriteBatch();
    b.tenant = "a";
    series(b, "__name__", "later");
    samples(b, T0 + 3 * H + 60_000, 1);
    db.append(b);
    assertNull(b.failure);
  }

  @Test
  void histogramsAndFloatsReadBackFromTheBlockAsAppended() throws IOException {
    try (Tsdb tsdb = Tsdb.open(options(), null)) {
      TenantDb db = tsdb.tenant("a");
      fill(db);
      List<SeriesData> beforeCut = db.querier().select(ALL, T0, T0 + 2 * H - 1);
      assertEquals(1, beforeCut.size());
      assertEquals(190 + 10, beforeCut.get(0).histT().length);

      assertEquals(1, db.compactor().compact().size());
      assertTrue(db.headMinTime() >= T0 + 2 * H, "the range left the head");
      Block block = db.blocks().get(0);
      assertEquals(STEPS, block.meta().numSamples());

      // The list querier, from the block alone and through the tenant (block + head).
      List<SeriesData> fromBlock = block.querier().select(ALL, T0, T0 + 2 * H - 1);
      assertEquals(1, fromBlock.size());
      assertAsAppended(fromBlock.get(0));
      List<SeriesData> afterCut = db.querier().select(ALL, T0, T0 + 2 * H - 1);
      assertEquals(1, afterCut.size());
      assertAsAppended(afterCut.get(0));
      assertAsAppended(beforeCut.get(0));

      // The chunk querier: the chunks as written, in time order.
      List<String> shape = new ArrayList<>();
      List<Long> times = new ArrayList<>();
      try (ChunkQuerier q = db.chunkQuerier(T0, T0 + 2 * H - 1)) {
        ChunkSeriesSet set = q.select(ALL);
        assertTrue(set.next());
        assertEquals(MIXED, set.labels());
        ChunkIterator it = set.chunks();
        HistogramChunkIterator hit = new HistogramChunkIterator();
        XorIterator xit = new XorIterator();
        while (it.next()) {
          ByteBuffer bb = it.bytes();
          byte[] data = new byte[bb.remaining()];
          bb.get(data);
          long first = Long.MAX_VALUE;
          long last = Long.MIN_VALUE;
          int n = 0;
          if (it.encoding() == ChunkEncoding.HISTOGRAM) {
            hit.reset(data, 0, data.length);
            shape.add("H" + hit.count() + ":" + hit.header());
            while (hit.next()) {
              int k = (int) ((hit.t() - T0) / STEP);
              assertTrue(isHistogram(k), "histogram at step " + k);
              assertEquals(
                  HistogramMeaning.normal(hist(k)),
                  HistogramMeaning.normal(hit.histogram()),
                  "step " + k);
              first = Math.min(first, hit.t());
              last = hit.t();
              times.add(hit.t());
              n++;
            }
          } else {
            assertEquals(ChunkEncoding.XOR, it.encoding());
            xit.reset(data, data.length);
            shape.add("X" + XorIterator.count(data));
            while (xit.next()) {
              int k = (int) ((xit.t() - T0) / STEP);
              assertTrue(!isHistogram(k), "float at step " + k);
              assertEquals(k * 0.5, xit.v());
              first = Math.min(first, xit.t());
              last = xit.t();
              times.add(xit.t());
              n++;
            }
          }
          assertTrue(n > 0);
          assertEquals(first, it.minTime());
          assertEquals(last, it.maxTime());
        }
        assertTrue(!set.next());
      }
      assertEquals(
          List.of(
              "X10",
              "H50:UNKNOWN", // k 10..59, a bucket added at 30 (the chunk was re-encoded)
              // k 60..199: the reset cut it; 2.42's schedule keeps it to the end of the range
              // (at 30 samples, 15 of the 90 minutes left: no earlier end fits)
              "H140:COUNTER_RESET",
              "X10",
              "H10:UNKNOWN"), // after floats: a first chunk again
          shape);
      assertEquals(STEPS, times.size());
      for (int k = 0; k < STEPS; k++) {
        assertEquals(T0 + k * STEP, times.get(k));
      }
    }
  }

  @Test
  void afterARestartTheWalReplaySkipsWhatTheBlockHolds() throws IOException {
    try (Tsdb tsdb = Tsdb.open(options(), null)) {
      TenantDb db = tsdb.tenant("a");
      fill(db);
      assertEquals(1, db.compactor().compact().size());
    }
    try (Tsdb tsdb = Tsdb.open(options(), null)) {
      TenantDb db = tsdb.tenant("a");
      assertEquals(1, db.blocks().size());
      List<SeriesData> d = db.querier().select(ALL, T0, T0 + 2 * H - 1);
      assertEquals(1, d.size());
      assertAsAppended(d.get(0)); // each histogram once: from the block, not again from the WAL
    }
  }

  /** Step k of a series switching between integer and float histograms: a float one. */
  private static boolean isFloatHistogram(int k) {
    return k >= 50 && k < 100;
  }

  private static FloatHistogram floatHist(int k) {
    Histogram h = hist(k);
    int[] idx = new int[h.positive().bucketCount()];
    long[] counts = new long[idx.length];
    int n = h.positive().absolute(idx, counts);
    double[] c = new double[n];
    for (int i = 0; i < n; i++) {
      c[i] = counts[i] + 0.25;
    }
    FloatHistogram f = new FloatHistogram().schema(0).zeroThreshold(h.zeroThreshold());
    f.positive().setAbsolute(idx, c, n);
    return f.zeroCount(h.zeroCount() + 0.5).count(h.count() + 0.5 + 0.25 * n).sum(h.sum());
  }

  @Test
  void aSeriesSwitchingBetweenIntegerAndFloatHistogramsKeepsBoth() throws IOException {
    try (Tsdb tsdb = Tsdb.open(options(), null)) {
      TenantDb db = tsdb.tenant("a");
      WriteBatch b = new WriteBatch();
      b.tenant = "a";
      series(b, "__name__", "switching");
      for (int k = 0; k < 120; k++) {
        long t = T0 + k * STEP;
        histogram(
            b,
            t,
            isFloatHistogram(k)
                ? HistogramProto.encode(t, floatHist(k))
                : HistogramProto.encode(t, hist(k)));
      }
      series(b, "__name__", "later");
      samples(b, T0 + 3 * H + 60_000, 1);
      db.append(b);
      assertNull(b.failure);
      assertEquals(1, db.compactor().compact().size());

      List<String> shape = new ArrayList<>();
      try (ChunkQuerier q = db.chunkQuerier(T0, T0 + 2 * H - 1)) {
        ChunkSeriesSet set = q.select(ALL);
        assertTrue(set.next());
        ChunkIterator it = set.chunks();
        while (it.next()) {
          ByteBuffer bb = it.bytes();
          shape.add(
              ChunkEncoding.name(it.encoding())
                  + ":"
                  + (((bb.get(bb.position()) & 0xff) << 8) | (bb.get(bb.position() + 1) & 0xff)));
        }
      }
      // k 0..49 (a bucket added at 30); k 50..99 as floats, cut by the counter reset at 60;
      // k 100..119 as integers again.
      assertEquals(
          List.of("histogram:50", "float histogram:10", "float histogram:40", "histogram:20"),
          shape);

      List<SeriesData> d = db.blocks().get(0).querier().select(ALL, T0, T0 + 2 * H - 1);
      assertEquals(1, d.size());
      assertEquals(120, d.get(0).histT().length);
      HistogramProto proto = new HistogramProto();
      Histogram h = new Histogram();
      FloatHistogram f = new FloatHistogram();
      for (int k = 0; k < 120; k++) {
        byte[] msg = d.get(0).histograms()[k];
        assertEquals(T0 + k * STEP, d.get(0).histT()[k]);
        if (isFloatHistogram(k)) {
          assertTrue(proto.readFloat(msg, 0, msg.length, f), "step " + k);
          FloatHistogram want = floatHist(k);
          assertEquals(want.count(), f.count(), "step " + k);
          assertEquals(want.zeroCount(), f.zeroCount());
          assertEquals(want.positive().bucketCount(), f.positive().bucketCount(), "step " + k);
          for (int i = 0; i < want.positive().bucketCount(); i++) {
            assertEquals(want.positive().count(i), f.positive().count(i));
          }
        } else {
          assertTrue(proto.readInteger(msg, 0, msg.length, h), "step " + k);
          assertEquals(HistogramMeaning.normal(hist(k)), HistogramMeaning.normal(h), "step " + k);
        }
      }
    }
  }

  private static void assertAsAppended(SeriesData d) {
    assertEquals(MIXED, d.labels());
    List<Long> ft = new ArrayList<>();
    for (int k = 0; k < STEPS; k++) {
      if (!isHistogram(k)) {
        ft.add(T0 + k * STEP);
      }
    }
    assertEquals(ft.size(), d.sampleCount());
    for (int i = 0; i < ft.size(); i++) {
      assertEquals(ft.get(i), d.sampleT()[i]);
      assertEquals((ft.get(i) - T0) / STEP * 0.5, d.sampleV()[i]);
    }
    assertEquals(STEPS - ft.size(), d.histT().length);
    HistogramProto proto = new HistogramProto();
    Histogram h = new Histogram();
    int i = 0;
    for (int k = 0; k < STEPS; k++) {
      if (isHistogram(k)) {
        assertEquals(T0 + k * STEP, d.histT()[i]);
        byte[] msg = d.histograms()[i];
        assertTrue(proto.readInteger(msg, 0, msg.length, h));
        assertEquals(HistogramMeaning.normal(hist(k)), HistogramMeaning.normal(h), "step " + k);
        i++;
      }
    }
  }

  @Test
  void histogramMessagesRoundTrip() {
    HistogramProto proto = new HistogramProto();
    Histogram h = new Histogram();
    for (int k : new int[] {10, 29, 30, 60, 199}) {
      Histogram want = hist(k).resetHint(Histogram.HINT_COUNTER_RESET);
      byte[] msg = HistogramProto.encode(T0, want);
      assertTrue(proto.readInteger(msg, 0, msg.length, h));
      assertEquals(want, h);
    }
    // Float counts (count_float, field 2) are not an integer histogram.
    byte[] floatMsg = {0x11, 0, 0, 0, 0, 0, 0, (byte) 0xf0, 0x3f};
    assertTrue(!proto.readInteger(floatMsg, 0, floatMsg.length, h));
    assertArrayEquals(new byte[] {8, 0, 0x30, 0}, HistogramProto.encode(0, new Histogram()));
  }
}
