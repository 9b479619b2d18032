package io.rwgateway.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.model.RejectReason;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.Querier;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.chunk.Histogram;
import io.rwgateway.tsdb.chunk.HistogramProto;
import io.rwgateway.tsdb.chunk.XorIterator;
import io.rwgateway.tsdb.db.Batches;
import io.rwgateway.tsdb.layout.BlockSeries;
import io.rwgateway.wal.RecordVisitor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Head to block series: range cut, re-chunking, order, special values, both entry points. */
class HeadBlockSourceTest {
  private static final long MIN = 7_200_000L * 200;
  private static final long MAX = MIN + 7_200_000L;
  private static final long STALE = 0x7ff0000000000002L;

  private static final RecordVisitor NO_WAL =
      new RecordVisitor() {
        @Override
        public void series(long ref, byte[] labels, int off, int len) {}

        @Override
        public void sample(long ref, long t, double v) {}

        @Override
        public void histogram(long ref, long t, byte[] proto, int off, int len) {}

        @Override
        public void exemplar(long ref, long t, double v, byte[] labels, int off, int len) {}

        @Override
        public void metadata(int type, byte[] b, int no, int nl, int ho, int hl, int uo, int ul) {}
      };

  /** Every series the source yields, collected. */
  private static List<BlockSeries> export(Head head, long mint, long maxtExclusive) {
    HeadBlockSource source = new HeadBlockSource(head, mint, maxtExclusive);
    List<BlockSeries> out = new ArrayList<>();
    for (BlockSeries s = source.next(); s != null; s = source.next()) {
      out.add(s);
    }
    return out;
  }

  /** The same series through a querier: decoded, then encoded like the source does. */
  private static List<BlockSeries> export(Querier querier, long mint, long maxtExclusive) {
    List<BlockSeries> out = new ArrayList<>();
    for (SeriesData d : querier.select(new Matcher[0], mint, maxtExclusive - 1)) {
      int n = d.sampleCount();
      if (n == 0) {
        continue;
      }
      long[] bits = new long[n];
      for (int i = 0; i < n; i++) {
        bits[i] = Double.doubleToRawLongBits(d.sampleV()[i]);
      }
      out.add(BlockSeries.encode(d.labels(), d.sampleT(), bits, n));
    }
    out.sort((a, b) -> LabelOrder.compareLabels(a.labels(), b.labels()));
    return out;
  }

  /** 15 s samples from 30 min before to 30 min after the range; the i-th is stale every 50th. */
  private static Head filledHead() {
    Head head = new Head();
    HeadAppender app = new HeadAppender(head, 0);
    for (long t = MIN - 1_800_000; t < MAX + 1_800_000; t += 15_000) {
      WriteBatch b = new WriteBatch();
      Batches.series(b, "__name__", "zeta", "i", "1");
      b.addSample(t, (t / 15_000) % 50 == 0 ? Double.longBitsToDouble(STALE) : t / 1000.0);
      Batches.series(b, "__name__", "alpha", "i", "2");
      b.addSample(t, -t / 7.0);
      if (t < MIN) {
        Batches.series(b, "__name__", "before");
        b.addSample(t, 1);
      }
      if (t == MIN + 60_000) {
        Batches.series(b, "__name__", "once", "x", "\uFF5E");
        b.addSample(t, 42);
        Batches.series(b, "__name__", "once", "x", "\uD83D\uDE00");
        b.addSample(t, 43);
      }
      app.prepare(b, NO_WAL);
      app.commit(b);
      assertEquals(b.seriesCount, b.samplesWritten);
    }
    return head;
  }

  @Test
  void cutsToTheRangeInChunksOfAtMost120Samples() {
    List<BlockSeries> out = export(filledHead(), MIN, MAX);
    List<Labels> names = new ArrayList<>();
    out.forEach(s -> names.add(s.labels()));
    // Sorted by UTF-8 bytes: U+FF5E before U+1F600, unlike String.compareTo. "before" is absent.
    assertEquals(
        List.of(
            Labels.of("__name__", "alpha", "i", "2"),
            Labels.of("__name__", "once", "x", "\uFF5E"),
            Labels.of("__name__", "once", "x", "\uD83D\uDE00"),
            Labels.of("__name__", "zeta", "i", "1")),
        names);

    for (BlockSeries s : out) {
      long expectedT = s.labels().get("__name__").equals("once") ? MIN + 60_000 : MIN;
      int total = 0;
      for (int c = 0; c < s.chunks().size(); c++) {
        byte[] chunk = s.chunks().get(c);
        int count = XorIterator.count(chunk);
        assertTrue(count > 0 && count <= 120, "chunk size " + count);
        XorIterator it = new XorIterator(chunk, chunk.length);
        long first = Long.MIN_VALUE;
        long last = Long.MIN_VALUE;
        while (it.next()) {
          assertEquals(expectedT, it.t(), "no sample missing or duplicated in " + s.labels());
          if (first == Long.MIN_VALUE) {
            first = it.t();
          }
          last = it.t();
          long bits = it.valueBits();
          if (s.labels().get("__name__").equals("zeta")) {
            long want =
                (it.t() / 15_000) % 50 == 0 ? STALE : Double.doubleToRawLongBits(it.t() / 1000.0);
            assertEquals(want, bits, "value bits at " + it.t());
          }
          expectedT += 15_000;
          total++;
        }
        assertEquals(first, s.chunkMinTimes()[c]);
        assertEquals(last, s.chunkMaxTimes()[c]);
      }
      if (!s.labels().get("__name__").equals("once")) {
        assertEquals(480, total);
        assertEquals(4, s.chunks().size(), "480 samples make 4 full chunks");
        assertEquals(MAX - 15_000, s.chunkMaxTimes()[3]);
      } else {
        assertEquals(1, total);
      }
    }
  }

  @Test
  void headAndQuerierPathsAgreeByteForByte() {
    Head head = filledHead();
    List<BlockSeries> a = export(head, MIN + 1, MAX - 7);
    List<BlockSeries> b = export(new HeadQuerier(head), MIN + 1, MAX - 7);
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      assertEquals(a.get(i).labels(), b.get(i).labels());
      assertArrayEquals(a.get(i).chunkMinTimes(), b.get(i).chunkMinTimes());
      assertArrayEquals(a.get(i).chunkMaxTimes(), b.get(i).chunkMaxTimes());
      assertEquals(a.get(i).chunks().size(), b.get(i).chunks().size());
      for (int c = 0; c < a.get(i).chunks().size(); c++) {
        assertArrayEquals(a.get(i).chunks().get(c), b.get(i).chunks().get(c));
      }
    }
    assertEquals(MIN + 15_000, a.get(0).chunkMinTimes()[0], "first sample after MIN + 1");
  }

  @Test
  void histogramsBecomeHistogramChunksOfTheirKind() {
    Head head = new Head();
    HeadAppender app = new HeadAppender(head, 0);
    WriteBatch b = new WriteBatch();
    Histogram h = new Histogram().count(3).zeroCount(3);
    Batches.series(b, "__name__", "float_hist");
    // count_float = 1.0 (field 2, fixed64): a float histogram.
    Batches.histogram(b, MIN + 1000, new byte[] {0x11, 0, 0, 0, 0, 0, 0, (byte) 0xf0, 0x3f});
    Batches.series(b, "__name__", "hist_only");
    Batches.histogram(b, MIN + 1000, HistogramProto.encode(MIN + 1000, h));
    Batches.series(b, "__name__", "mixed");
    Batches.histogram(b, MIN + 1000, HistogramProto.encode(MIN + 1000, h));
    app.prepare(b, NO_WAL);
    app.commit(b);
    assertEquals(3, b.histogramsWritten);
    // The float after the histogram in a later request (in one, floats are taken first, as
    // Prometheus' handler does, and the histogram would be out of order behind them).
    WriteBatch later = new WriteBatch();
    Batches.series(later, "__name__", "mixed");
    later.addSample(MIN + 2000, 5);
    app.prepare(later, NO_WAL);
    app.commit(later);
    assertEquals(1, later.samplesWritten);

    HeadBlockSource source = new HeadBlockSource(head, MIN, MAX);
    assertEquals(3, source.candidateCount());
    List<String> seen = new ArrayList<>();
    for (BlockSeries s = source.next(); s != null; s = source.next()) {
      StringBuilder enc = new StringBuilder();
      for (byte e : s.encodings()) {
        enc.append(ChunkEncoding.name(e)).append(' ');
      }
      seen.add(s.labels() + ": " + enc.toString().trim());
    }
    assertEquals(
        List.of(
            "{__name__=\"float_hist\"}: float histogram",
            "{__name__=\"hist_only\"}: histogram",
            "{__name__=\"mixed\"}: histogram XOR"),
        seen);
    assertEquals(0, source.histogramsSkipped());
  }

  @Test
  void aHistogramOnItsSeriesFloatTimeLineIsRefusedAndNothingIsLeftOut() {
    Head head = new Head();
    HeadAppender app = new HeadAppender(head, 0);
    WriteBatch b = new WriteBatch();
    Histogram h = new Histogram().count(1).zeroCount(1);
    Batches.series(b, "__name__", "both");
    b.addSample(MIN + 1000, 1);
    b.addSample(MIN + 3000, 3);
    Batches.histogram(b, MIN + 1000, HistogramProto.encode(MIN + 1000, h)); // a float's time
    Batches.histogram(b, MIN + 2000, HistogramProto.encode(MIN + 2000, h)); // before the newest
    app.prepare(b, NO_WAL);
    app.commit(b);
    assertEquals(2, b.samplesWritten);
    assertEquals(0, b.histogramsWritten, "one time line per series, as in Prometheus");
    // Both behind the newest float (3000): out of order, as Prometheus says.
    assertEquals(2, b.rejected[RejectReason.OUT_OF_ORDER.ordinal()]);
    // A float before the newest histogram is refused the same way.
    WriteBatch c = new WriteBatch();
    Batches.series(c, "__name__", "both");
    Batches.histogram(c, MIN + 5000, HistogramProto.encode(MIN + 5000, h));
    app.prepare(c, NO_WAL);
    app.commit(c);
    WriteBatch d = new WriteBatch();
    Batches.series(d, "__name__", "both");
    d.addSample(MIN + 4000, 4);
    app.prepare(d, NO_WAL);
    app.commit(d);
    assertEquals(0, d.samplesWritten);
    assertEquals(1, d.rejected[RejectReason.OUT_OF_ORDER.ordinal()]);

    HeadBlockSource source = new HeadBlockSource(head, MIN, MAX);
    BlockSeries s = source.next();
    assertEquals(
        List.of(ChunkEncoding.XOR, ChunkEncoding.HISTOGRAM),
        List.of((int) s.encodings()[0], (int) s.encodings()[1]));
    assertEquals(null, source.next());
    assertEquals(0, source.histogramsSkipped());
  }

  @Test
  void anEmptyRangeGivesNoSeries() {
    assertEquals(List.of(), export(filledHead(), MAX + 7_200_000, MAX + 2 * 7_200_000));
  }
}
