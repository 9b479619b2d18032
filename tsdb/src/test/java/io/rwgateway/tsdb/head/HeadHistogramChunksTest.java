package io.rwgateway.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.ChunkCutter;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.chunk.FloatHistogram;
import io.rwgateway.tsdb.chunk.Histogram;
import io.rwgateway.tsdb.chunk.HistogramProto;
import io.rwgateway.tsdb.db.Batches;
import io.rwgateway.tsdb.layout.BlockSeries;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The head keeps native histograms as chunks, cut as they are appended: for every block range, the
 * head's histogram chunks are byte for byte those {@link ChunkCutter} cuts from that range's
 * samples (integer, float, gauge, counter resets, layout growth, more than 120 samples, stale
 * markers, switches between floats, integer and float histograms, block boundaries); the block cut
 * takes them as stored; WAL replay rebuilds the same chunks; truncation drops whole chunks and
 * counts their samples; custom-bucket histograms are chunked, mixed counts kept out and counted; a
 * corrupt record is an error.
 */
class HeadHistogramChunksTest {
  private static final long T0 = 1_700_000_000_000L; // 800 s into a 2h range
  private static final long STEP = 15_000;
  private static final long RANGE = HistogramScratch.DEFAULT_CHUNK_RANGE;

  /** One sample: a float (h and fh null), an integer histogram or a float histogram. */
  private record S(long t, double v, Histogram h, FloatHistogram fh) {
    byte[] proto() {
      return h != null ? HistogramProto.encode(t, h) : HistogramProto.encode(t, fh);
    }
  }

  private static long t(int k) {
    return T0 + k * STEP;
  }

  private static S ih(int k, Histogram h) {
    return new S(t(k), 0, h, null);
  }

  private static S fh(int k, FloatHistogram h) {
    return new S(t(k), 0, null, h);
  }

  private static S fl(int k) {
    return new S(t(k), k * 0.5, null, null);
  }

  private static Histogram stale() {
    return new Histogram().sum(Double.longBitsToDouble(Histogram.STALE_NAN_BITS));
  }

  private static FloatHistogram staleFloat() {
    return new FloatHistogram().sum(Double.longBitsToDouble(Histogram.STALE_NAN_BITS));
  }

  /** The scenarios, one series each. */
  private static Map<String, List<S>> scenarios() {
    Map<String, List<S>> m = new LinkedHashMap<>();
    List<S> ints = new ArrayList<>();
    List<S> floats = new ArrayList<>();
    for (int k = 0; k < 600; k++) {
      // resets at 130, a bucket added 30 steps after each start, a block boundary at 427
      ints.add(ih(k, HeadChunkQuerierHistogramTest.counter(k)));
      floats.add(
          fh(k, HeadChunkQuerierHistogramTest.toFloat(HeadChunkQuerierHistogramTest.counter(k))));
    }
    m.put("int_counter", ints);
    m.put("float_counter", floats);
    List<S> gauges = new ArrayList<>();
    List<S> fgauges = new ArrayList<>();
    for (int k = 0; k < 300; k++) {
      gauges.add(ih(k, HeadChunkQuerierHistogramTest.gauge(k)));
      fgauges.add(
          fh(k, HeadChunkQuerierHistogramTest.toFloat(HeadChunkQuerierHistogramTest.gauge(k))));
    }
    m.put("int_gauge", gauges);
    m.put("float_gauge", fgauges);
    List<S> stale = new ArrayList<>();
    for (int k = 0; k < 300; k++) {
      if (k == 50 || k == 51 || k == 200) {
        stale.add(k == 200 ? fh(k, staleFloat()) : ih(k, stale()));
      } else if (k > 200) {
        stale.add(
            fh(k, HeadChunkQuerierHistogramTest.toFloat(HeadChunkQuerierHistogramTest.counter(k))));
      } else {
        stale.add(ih(k, HeadChunkQuerierHistogramTest.counter(k)));
      }
    }
    m.put("stale", stale);
    List<S> sw = new ArrayList<>();
    for (int k = 0; k < 520; k++) {
      Histogram c = HeadChunkQuerierHistogramTest.counter(k);
      if (k < 50 || (k >= 100 && k < 150) || (k >= 170 && k < 300)) {
        sw.add(ih(k, c));
      } else if (k < 100 || k >= 311) {
        sw.add(fh(k, HeadChunkQuerierHistogramTest.toFloat(c)));
      } else {
        sw.add(fl(k)); // 150-169, 300-310
      }
    }
    m.put("switch", sw);
    return m;
  }

  private final Recorder wal = new Recorder();

  /** Appends each sample in its own batch, so the head sees them in time order. */
  private static void append(Head head, Recorder wal, String name, List<S> samples) {
    HeadAppender app = new HeadAppender(head, 0, 0);
    for (S s : samples) {
      WriteBatch b = new WriteBatch();
      Batches.series(b, "__name__", name);
      if (s.h() == null && s.fh() == null) {
        b.addSample(s.t(), s.v());
      } else {
        Batches.histogram(b, s.t(), s.proto());
      }
      app.prepare(b, wal);
      wal.commit();
      app.commit(b);
      assertEquals(1, b.samplesWritten + b.histogramsWritten, name + " at " + s.t());
    }
  }

  /** What ChunkCutter cuts from the samples in [mint, maxt). */
  private static ChunkCutter cut(List<S> samples, long mint, long maxt) {
    ChunkCutter c = new ChunkCutter();
    for (S s : samples) {
      if (s.t() < mint || s.t() >= maxt) {
        continue;
      }
      if (s.h() != null) {
        c.addHistogram(s.t(), s.h());
      } else if (s.fh() != null) {
        c.addFloatHistogram(s.t(), s.fh());
      } else {
        c.addFloat(s.t(), Double.doubleToRawLongBits(s.v()));
      }
    }
    c.finish();
    return c;
  }

  private static List<long[]> ranges(List<S> samples) {
    List<long[]> out = new ArrayList<>();
    long first = Math.floorDiv(samples.get(0).t(), RANGE) * RANGE;
    long last = samples.get(samples.size() - 1).t();
    for (long s = first; s <= last; s += RANGE) {
      out.add(new long[] {s, s + RANGE});
    }
    return out;
  }

  /** The block cut's series for [mint, maxt), and whether any series was re-cut. */
  private static BlockSeries blockCut(
      Head head, String name, long mint, long maxt, boolean[] recut) {
    HeadBlockSource source = new HeadBlockSource(head, mint, maxt);
    BlockSeries found = null;
    for (BlockSeries s = source.next(); s != null; s = source.next()) {
      if (s.labels().equals(Labels.of("__name__", name))) {
        found = s;
      }
    }
    recut[0] = source.seriesRecut() > 0;
    return found;
  }

  private static void assertSameChunks(String what, ChunkCutter want, BlockSeries got) {
    assertNotNull(got, what);
    assertEquals(want.chunkCount(), got.chunks().size(), what + ": chunks");
    for (int c = 0; c < want.chunkCount(); c++) {
      assertEquals(want.encoding(c), got.encodings()[c], what + ": chunk " + c + " encoding");
      assertEquals(want.minTime(c), got.chunkMinTimes()[c], what + ": chunk " + c + " min");
      assertEquals(want.maxTime(c), got.chunkMaxTimes()[c], what + ": chunk " + c + " max");
      assertArrayEquals(want.chunk(c), got.chunks().get(c), what + ": chunk " + c + " bytes");
    }
  }

  /** The histogram chunks the streaming reader hands out for [mint, maxt], as stored. */
  private static List<byte[]> readHistogramChunks(Head head, String name, long mint, long maxt) {
    List<byte[]> out = new ArrayList<>();
    try (ChunkQuerier q = head.chunkQuerier(mint, maxt)) {
      ChunkSeriesSet set = q.select(Matcher.eq("__name__", name));
      assertTrue(set.next());
      ChunkIterator it = set.chunks();
      while (it.next()) {
        if (it.encoding() != ChunkEncoding.XOR) {
          ByteBuffer bb = it.bytes();
          byte[] b = new byte[bb.remaining()];
          bb.get(b);
          out.add(b);
        }
      }
      assertFalse(set.next());
    }
    return out;
  }

  @Test
  void appendsGiveTheChunksChunkCutterCutsForEveryBlockRange() {
    Map<String, List<S>> all = scenarios();
    try (Head head = new Head()) {
      for (Map.Entry<String, List<S>> e : all.entrySet()) {
        append(head, wal, e.getKey(), e.getValue());
      }
      for (Map.Entry<String, List<S>> e : all.entrySet()) {
        String name = e.getKey();
        for (long[] r : ranges(e.getValue())) {
          ChunkCutter want = cut(e.getValue(), r[0], r[1]);
          boolean[] recut = new boolean[1];
          assertSameChunks(name + " block " + r[0], want, blockCut(head, name, r[0], r[1], recut));
          assertFalse(recut[0], name + ": the block cut takes the head's chunks as stored");
          // The head's own chunks, as the streaming reader hands them out.
          List<byte[]> wantHist = new ArrayList<>();
          for (int c = 0; c < want.chunkCount(); c++) {
            if (want.encoding(c) != ChunkEncoding.XOR) {
              wantHist.add(want.chunk(c));
            }
          }
          List<byte[]> got = readHistogramChunks(head, name, r[0], r[1] - 1);
          assertEquals(wantHist.size(), got.size(), name + " range " + r[0]);
          for (int c = 0; c < got.size(); c++) {
            assertArrayEquals(wantHist.get(c), got.get(c), name + " head chunk " + c);
          }
        }
      }
      // A sanity check of the scenarios: more than one block range, and runs of every kind.
      assertEquals(2, ranges(all.get("int_counter")).size());
    }
  }

  @Test
  void chunksCutEarlyUnderMemoryPressureAreReCutAtTheBlockCut() {
    Map<String, List<S>> all = scenarios();
    // Counters: a re-cut of gauge histograms may differ from a cut of the original messages (see
    // BlockChunks: a chunk's samples come back with its layout), so bytes are compared on these.
    all.keySet().retainAll(List.of("int_counter", "float_counter"));
    int at = 100; // 100 samples into the first chunk of each: well past 64 bytes
    try (Head head = new Head()) {
      for (Map.Entry<String, List<S>> e : all.entrySet()) {
        append(head, wal, e.getKey(), e.getValue().subList(0, at));
      }
      long extrasBefore = head.memory().extras();
      assertEquals(all.size(), head.cutOpenChunks(64), "every open histogram chunk is cut");
      assertEquals(0, head.cutOpenChunks(64), "nothing left to cut");
      long extrasAfter = head.memory().extras();
      assertTrue(
          extrasAfter < extrasBefore,
          "the encoders' grown buffers are given back: " + extrasBefore + " -> " + extrasAfter);
      for (Map.Entry<String, List<S>> e : all.entrySet()) {
        append(head, wal, e.getKey(), e.getValue().subList(at, e.getValue().size()));
      }
      for (Map.Entry<String, List<S>> e : all.entrySet()) {
        String name = e.getKey();
        List<long[]> ranges = ranges(e.getValue());
        for (int r = 0; r < ranges.size(); r++) {
          long mint = ranges.get(r)[0];
          long maxt = ranges.get(r)[1];
          ChunkCutter want = cut(e.getValue(), mint, maxt);
          boolean[] recut = new boolean[1];
          // The block holds the chunks Prometheus would have cut, not the early one.
          assertSameChunks(name + " block " + mint, want, blockCut(head, name, mint, maxt, recut));
          assertEquals(r == 0, recut[0], name + " range " + r + ": re-cut where the early cut is");
          // The streaming reader hands out the early chunk as it is: one chunk more, same samples.
          List<byte[]> got = readHistogramChunks(head, name, mint, maxt - 1);
          int wantHist = 0;
          for (int c = 0; c < want.chunkCount(); c++) {
            wantHist += want.encoding(c) != ChunkEncoding.XOR ? 1 : 0;
          }
          assertEquals(wantHist + (r == 0 ? 1 : 0), got.size(), name + " range " + r);
        }
      }
    }
  }

  @Test
  void floatAndHistogramChunksThatDoNotOverlapAreStreamedAsStored() {
    // Floats 0-9, then integer histograms 10-139: the open float chunk ends before the first
    // histogram chunk starts, so the reader hands out the head's chunks as they are, in time order.
    List<S> samples = new ArrayList<>();
    for (int k = 0; k < 140; k++) {
      samples.add(k < 10 ? fl(k) : ih(k, HeadChunkQuerierHistogramTest.counter(k)));
    }
    try (Head head = new Head()) {
      append(head, wal, "switch_once", samples);
      ChunkCutter want = cut(samples, Long.MIN_VALUE, Long.MAX_VALUE);
      assertEquals(3, want.chunkCount()); // X10, H120, H10
      try (ChunkQuerier q = head.chunkQuerier(Long.MIN_VALUE, Long.MAX_VALUE)) {
        ChunkSeriesSet set = q.select(Matcher.eq("__name__", "switch_once"));
        assertTrue(set.next());
        ChunkIterator it = set.chunks();
        for (int c = 0; c < want.chunkCount(); c++) {
          assertTrue(it.next());
          assertEquals(want.encoding(c), it.encoding());
          assertEquals(want.minTime(c), it.minTime());
          assertEquals(want.maxTime(c), it.maxTime());
          ByteBuffer bb = it.bytes();
          byte[] got = new byte[bb.remaining()];
          bb.get(got);
          assertArrayEquals(want.chunk(c), got, "chunk " + c);
        }
        assertFalse(it.next());
      }
    }
  }

  @Test
  void walReplayRebuildsTheSameChunks() {
    Map<String, List<S>> all = scenarios();
    try (Head head = new Head();
        Head replayed = new Head()) {
      for (Map.Entry<String, List<S>> e : all.entrySet()) {
        append(head, wal, e.getKey(), e.getValue());
      }
      HeadReplayer r = new HeadReplayer(replayed);
      wal.replayInto(r);
      r.finish();
      for (Map.Entry<String, List<S>> e : all.entrySet()) {
        String name = e.getKey();
        for (long[] range : ranges(e.getValue())) {
          List<byte[]> a = readHistogramChunks(head, name, range[0], range[1] - 1);
          List<byte[]> b = readHistogramChunks(replayed, name, range[0], range[1] - 1);
          assertEquals(a.size(), b.size(), name);
          for (int c = 0; c < a.size(); c++) {
            assertArrayEquals(a.get(c), b.get(c), name + " chunk " + c);
          }
          boolean[] recut = new boolean[1];
          assertSameChunks(
              name + " replayed block " + range[0],
              cut(e.getValue(), range[0], range[1]),
              blockCut(replayed, name, range[0], range[1], recut));
          assertFalse(recut[0]);
        }
      }
    }
  }

  @Test
  void listQuerierDecodesTheChunksAsABlockWould() {
    Map<String, List<S>> all = scenarios();
    try (Head head = new Head()) {
      List<S> ints = all.get("int_counter");
      append(head, wal, "int_counter", ints);
      List<SeriesData> d =
          new HeadQuerier(head)
              .select(new Matcher[] {Matcher.eq("__name__", "int_counter")}, t(100), t(499));
      assertEquals(1, d.size());
      assertEquals(400, d.get(0).histT().length);
      Histogram h = new Histogram();
      for (int i = 0; i < 400; i++) {
        assertEquals(t(100 + i), d.get(0).histT()[i]);
        byte[] m = d.get(0).histograms()[i];
        assertTrue(new HistogramProto().readInteger(m, 0, m.length, h));
        assertEquals(ints.get(100 + i).h().count(), h.count());
        assertEquals(ints.get(100 + i).h().sum(), h.sum());
      }
    }
  }

  @Test
  void truncationDropsWholeChunksAndCountsTheirHistograms() {
    List<S> ints = scenarios().get("int_counter");
    try (Head head = new Head()) {
      append(head, wal, "int_counter", ints);
      long boundary = Math.floorDiv(T0, RANGE) * RANGE + RANGE;
      int before = 0;
      for (S s : ints) {
        if (s.t() < boundary) {
          before++;
        }
      }
      assertEquals(427, before);
      Head.Truncation tr = head.truncate(boundary);
      assertEquals(before, tr.histogramsDropped());
      assertEquals(1, tr.seriesLeft());
      // What is left reads back whole, as a block of the next range would hold it.
      ChunkCutter want = cut(ints, boundary, boundary + RANGE);
      boolean[] recut = new boolean[1];
      assertSameChunks(
          "after truncation",
          want,
          blockCut(head, "int_counter", boundary, boundary + RANGE, recut));
      assertEquals(
          600 - before,
          new HeadQuerier(head)
              .select(
                  new Matcher[] {Matcher.eq("__name__", "int_counter")},
                  Long.MIN_VALUE,
                  Long.MAX_VALUE)
              .get(0)
              .histT()
              .length);
      // A truncation past everything drops the rest, the open chunk included, and the series.
      Head.Truncation all = head.truncate(boundary + RANGE);
      assertEquals(600 - before, all.histogramsDropped());
      assertEquals(1, all.seriesRemoved());
    }
  }

  @Test
  void customBucketHistogramsAreChunkedAndMixedCountsKeptOutAndCounted() {
    // count_int 1, sum 1.0, schema -53, custom_values [1.0] (unpacked): chunked as Prometheus 3
    // chunks it.
    ByteBuffer m = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    m.put((byte) 8).put((byte) 1);
    m.put((byte) 25).putDouble(1.0);
    m.put((byte) 32).put((byte) 105); // zigzag(-53)
    m.put((byte) 0x81).put((byte) 0x01).putDouble(1.0);
    byte[] custom = java.util.Arrays.copyOf(m.array(), m.position());
    // count_int 1 and count_float 1.0: no chunk can hold both kinds of counts.
    ByteBuffer x = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    x.put((byte) 8).put((byte) 1);
    x.put((byte) 17).putDouble(1.0);
    byte[] mixed = java.util.Arrays.copyOf(x.array(), x.position());
    try (Head head = new Head()) {
      HeadAppender app = new HeadAppender(head, 0, 0);
      WriteBatch b = new WriteBatch();
      Batches.series(b, "__name__", "nhcb");
      Batches.histogram(b, T0, custom);
      Batches.histogram(b, T0 + STEP, mixed);
      Batches.histogram(
          b,
          T0 + 2 * STEP,
          HistogramProto.encode(T0 + 2 * STEP, HeadChunkQuerierHistogramTest.counter(0)));
      app.prepare(b, wal);
      app.commit(b);
      assertEquals(3, b.histogramsWritten, "accepted: they are in the WAL");
      SeriesData d =
          new HeadQuerier(head)
              .select(
                  new Matcher[] {Matcher.eq("__name__", "nhcb")}, Long.MIN_VALUE, Long.MAX_VALUE)
              .get(0);
      assertArrayEquals(new long[] {T0, T0 + 2 * STEP}, d.histT(), "the chunked ones are read");
      Histogram h = new Histogram();
      byte[] first = d.histograms()[0];
      assertTrue(new HistogramProto().readInteger(first, 0, first.length, h));
      assertEquals(-53, h.schema());
      assertArrayEquals(new double[] {1.0}, h.customValues());
      HeadBlockSource source = new HeadBlockSource(head, T0 - 1000, T0 + 10 * STEP);
      while (source.next() != null) {}
      assertEquals(1, source.histogramsSkipped(), "the mixed one counted as not in blocks");
      assertEquals(0, head.takeHistogramsNotInChunks(Long.MAX_VALUE), "taken once");

      // Still the series' newest histogram for ordering: a resend is a no-op, a float at its time
      // refused. (Here the newest is T0 + 2 * STEP; resend that.)
      WriteBatch again = new WriteBatch();
      Batches.series(again, "__name__", "nhcb");
      again.addSample(T0 + 2 * STEP, 1);
      app.prepare(again, wal);
      app.commit(again);
      assertEquals(0, again.samplesWritten);
    }
  }

  @Test
  void aCorruptHistogramChunkIsAnError() throws Exception {
    List<S> ints = scenarios().get("int_counter");
    try (Head head = new Head()) {
      append(head, wal, "int_counter", ints);
      MemSeries s = head.series(1);
      long ref = s.extras.histLastRef;
      long off = ref & 0xFFFF_FFFFL;
      java.nio.file.Path file =
          head.chunks.dir().resolve(HeadChunkSegment.fileName((int) (ref >>> 32)));
      try (FileChannel ch =
          FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        ByteBuffer one = ByteBuffer.allocate(1);
        ch.read(one, off + HeadChunks.RECORD_HEADER + 5);
        one.flip();
        byte flipped = (byte) ~one.get(0);
        ch.write(ByteBuffer.wrap(new byte[] {flipped}), off + HeadChunks.RECORD_HEADER + 5);
      }
      UncheckedIOException e =
          assertThrows(
              UncheckedIOException.class,
              () -> readHistogramChunks(head, "int_counter", Long.MIN_VALUE, Long.MAX_VALUE));
      assertInstanceOf(HeadChunks.CorruptChunkException.class, e.getCause());
      assertTrue(e.getMessage().contains("offset=" + off), e.getMessage());
    }
  }

  @Test
  void steadyStateAppendsAllocateAlmostNothing() {
    int n = 12_000;
    byte[][] protos = new byte[n][];
    long[] ts = new long[n];
    // A counter that grows steadily (no reset, same layout), 100 ms apart: one block range.
    for (int k = 0; k < n; k++) {
      ts[k] = T0 + k * 100L;
      Histogram h = new Histogram().schema(1);
      h.positive().setAbsolute(new int[] {0, 1, 2}, new long[] {k, 2L * k, 3L * k}, 3);
      protos[k] = HistogramProto.encode(ts[k], h.count(6L * k).sum(k * 1.5));
    }
    try (Head head = new Head()) {
      WriteBatch b = new WriteBatch();
      Batches.series(b, "__name__", "alloc");
      b.addSample(T0 - 1000, 1);
      HeadAppender app = new HeadAppender(head, 0, 0);
      app.prepare(b, wal);
      app.commit(b);
      MemSeries s = head.series(1);
      for (int k = 0; k < 2000; k++) { // warm up (and JIT)
        s.appendHistogram(head.chunks, head.histograms, ts[k], protos[k], 0, protos[k].length);
      }
      com.sun.management.ThreadMXBean mx =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long tid = Thread.currentThread().getId();
      long before = mx.getThreadAllocatedBytes(tid);
      for (int k = 2000; k < n; k++) {
        s.appendHistogram(head.chunks, head.histograms, ts[k], protos[k], 0, protos[k].length);
      }
      long perSample = (mx.getThreadAllocatedBytes(tid) - before) / (n - 2000);
      head.chunks.flush();
      // Only the finished chunk's copy when a chunk is cut (every 120 samples) allocates: about 2
      // bytes a sample measured.
      assertTrue(perSample < 16, "bytes allocated per histogram append: " + perSample);
    }
  }
}
