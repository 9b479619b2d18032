package io.rwgateway.tsdb.head;

import static io.rwgateway.tsdb.db.Batches.exemplar;
import static io.rwgateway.tsdb.db.Batches.histogram;
import static io.rwgateway.tsdb.db.Batches.metadata;
import static io.rwgateway.tsdb.db.Batches.samples;
import static io.rwgateway.tsdb.db.Batches.series;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.model.RejectReason;
import io.rwgateway.tsdb.ExemplarData;
import io.rwgateway.tsdb.MetricMetadata;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.chunk.Histogram;
import io.rwgateway.tsdb.chunk.HistogramProto;
import io.rwgateway.tsdb.chunk.XorIterator;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeadAppenderTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final long STALE = 0x7ff0000000000002L;
  private static final long WINDOW = 3_600_000L;

  private final Head head = new Head(1000);
  private final HeadAppender appender = new HeadAppender(head, WINDOW);
  private final Recorder wal = new Recorder();
  private final HeadQuerier querier = new HeadQuerier(head);

  private WriteBatch append(WriteBatch b) {
    appender.prepare(b, wal);
    wal.commit();
    appender.commit(b);
    return b;
  }

  private WriteBatch appendFailing(WriteBatch b) {
    appender.prepare(b, wal);
    wal.drop();
    appender.abort(b, new IOException("disk full"));
    return b;
  }

  private static WriteBatch batch() {
    WriteBatch b = new WriteBatch();
    b.tenant = "t";
    return b;
  }

  private static WriteBatch up(double... tv) {
    WriteBatch b = batch();
    series(b, "__name__", "up", "job", "x");
    samples(b, tv);
    return b;
  }

  private SeriesData only(String name) {
    List<SeriesData> r =
        querier.select(
            new Matcher[] {Matcher.eq("__name__", name)}, Long.MIN_VALUE, Long.MAX_VALUE);
    assertEquals(1, r.size(), "series named " + name);
    return r.get(0);
  }

  @Test
  void newSeriesIsCreatedLoggedAndQueryable() {
    WriteBatch b = append(up(T0, 1, T0 + 15_000, 2));
    assertEquals(2, b.samplesWritten);
    assertEquals(0, b.rejectedTotal());
    assertEquals(1, head.seriesCount());
    assertEquals(1, wal.count("series"));
    assertEquals(2, wal.count("sample"));
    SeriesData d = only("up");
    assertEquals(Labels.of("__name__", "up", "job", "x"), d.labels());
    assertArrayEquals(new long[] {T0, T0 + 15_000}, d.sampleT());
    assertArrayEquals(new double[] {1, 2}, d.sampleV());
    assertEquals(T0 + 15_000, head.maxTime());

    append(up(T0 + 30_000, 3));
    assertEquals(1, wal.count("series"), "an existing logged series is not logged again");
    assertEquals(3, only("up").sampleCount());
  }

  @Test
  void outOfOrderSampleIsAConflictWithAMessage() {
    append(up(T0 + 1000, 1));
    WriteBatch b = append(up(T0, 5));
    assertEquals(1, b.rejected[RejectReason.OUT_OF_ORDER.ordinal()]);
    assertEquals(0, b.samplesWritten);
    assertEquals(
        "out of order sample for {__name__=\"up\", job=\"x\"}: timestamp 1700000000000 is before "
            + "the series' latest 1700000001000",
        b.firstConflict);
    assertEquals(1, only("up").sampleCount());
  }

  @Test
  void sameTimestampDifferentValueIsDuplicate() {
    append(up(T0, 1));
    WriteBatch b = append(up(T0, 2));
    assertEquals(1, b.rejected[RejectReason.DUPLICATE_TIMESTAMP.ordinal()]);
    assertTrue(
        b.firstConflict.startsWith(
            "duplicate sample for {__name__=\"up\", job=\"x\"}: timestamp 1700000000000"),
        b.firstConflict);
    assertEquals(1.0, only("up").sampleV()[0]);
  }

  @Test
  void idempotentResendIsWrittenButNotLoggedOrAppendedAgain() {
    append(up(T0, 1, T0 + 10, Double.longBitsToDouble(STALE)));
    long logged = wal.count("sample");
    WriteBatch b = append(up(T0 + 10, Double.longBitsToDouble(STALE)));
    assertEquals(1, b.samplesWritten);
    assertEquals(0, b.rejectedTotal());
    assertEquals(logged, wal.count("sample"));
    assertEquals(2, only("up").sampleCount());
  }

  @Test
  void tooOldSampleIsRejectedAgainstTheTenantMaxTime() {
    append(up(T0, 1));
    WriteBatch b = batch();
    series(b, "__name__", "other");
    samples(b, T0 - WINDOW - 1, 1);
    append(b);
    assertEquals(1, b.rejected[RejectReason.TOO_OLD.ordinal()]);
    assertTrue(
        b.firstConflict.startsWith("too old sample for {__name__=\"other\"}"), b.firstConflict);
    assertEquals(1, head.seriesCount(), "no series is created when all its samples are too old");

    WriteBatch edge = batch();
    series(edge, "__name__", "other");
    samples(edge, T0 - WINDOW, 1, T0 - WINDOW - 5, 2);
    append(edge);
    assertEquals(1, edge.samplesWritten, "the window's first millisecond is still accepted");
    assertEquals(1, edge.rejected[RejectReason.TOO_OLD.ordinal()]);
    assertEquals(2, head.seriesCount());
  }

  @Test
  void sameSeriesTwiceInABatchIsCheckedAgainstThePendingMax() {
    WriteBatch b = batch();
    series(b, "__name__", "up", "job", "x");
    samples(b, T0 + 10, 1, T0 + 20, 2);
    series(b, "job", "x", "__name__", "up");
    samples(b, T0 + 15, 9, T0 + 20, 2, T0 + 20, 3, T0 + 30, 4);
    append(b);
    assertEquals(1, b.rejected[RejectReason.OUT_OF_ORDER.ordinal()]);
    assertEquals(1, b.rejected[RejectReason.DUPLICATE_TIMESTAMP.ordinal()]);
    assertEquals(4, b.samplesWritten, "3 new samples and 1 resend");
    assertEquals(1, head.seriesCount());
    assertEquals(1, wal.count("series"));
    assertEquals(3, wal.count("sample"));
    assertArrayEquals(new long[] {T0 + 10, T0 + 20, T0 + 30}, only("up").sampleT());
  }

  @Test
  void specialValuesRoundTripBitExactThroughTheHead() {
    long[] bits = {
      Double.doubleToRawLongBits(Double.NaN),
      STALE,
      Double.doubleToRawLongBits(Double.POSITIVE_INFINITY),
      Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY),
      Double.doubleToRawLongBits(-0.0),
      0L,
      0x7ff8000000000123L
    };
    WriteBatch b = batch();
    series(b, "__name__", "special");
    for (int i = 0; i < bits.length; i++) {
      b.addSample(T0 + i, Double.longBitsToDouble(bits[i]));
    }
    append(b);
    SeriesData d = only("special");
    for (int i = 0; i < bits.length; i++) {
      assertEquals(bits[i], Double.doubleToRawLongBits(d.sampleV()[i]), "sample " + i);
    }
  }

  @Test
  void failedWalAppendLeavesTheHeadUnchangedAndRelogsTheSeries() {
    WriteBatch failed = appendFailing(up(T0, 1));
    assertNotNull(failed.failure);
    assertEquals(0, failed.samplesWritten);
    assertEquals(1, head.seriesCount(), "the series stays, unlogged");
    assertTrue(
        querier
            .select(new Matcher[] {Matcher.eq("job", "x")}, Long.MIN_VALUE, Long.MAX_VALUE)
            .isEmpty());
    assertTrue(querier.series(List.of(), Long.MIN_VALUE, Long.MAX_VALUE).isEmpty());
    assertEquals(Long.MIN_VALUE, head.maxTime());

    WriteBatch retry = append(up(T0, 1));
    assertEquals(1, retry.samplesWritten, "the same sample is new, not an idempotent resend");
    assertEquals(1, wal.count("series"), "logged by the batch that succeeded");
    assertEquals(1, wal.count("sample"));

    // The WAL's view rebuilds the same head.
    Head replayed = new Head(1000);
    HeadReplayer r = new HeadReplayer(replayed);
    wal.replayInto(r);
    r.finish();
    assertEquals(1, replayed.seriesCount());
    assertEquals(0, r.unknownRefs());
  }

  private static byte[] chunkAt(FinishedChunks f, int c) {
    return Arrays.copyOfRange(f.bytes(), f.offset(c), f.offset(c) + f.length(c));
  }

  @Test
  void chunksAreCutAt120SamplesOrBySizeAndReadBackInOrder() {
    WriteBatch b = batch();
    series(b, "__name__", "steady");
    for (int i = 0; i < 1000; i++) {
      b.addSample(T0 + i * 15_000L, i / 100); // ~2 bits a sample: cut at 120 samples
    }
    series(b, "__name__", "long");
    for (int i = 0; i < 1000; i++) {
      b.addSample(T0 + i * 15_000L, i % 7 == 0 ? i : i * 0.5); // several bytes a sample
    }
    append(b);
    FinishedChunks finished = new FinishedChunks(head.chunks);
    MemSeries steady = head.series(1);
    int k = finished.load(steady.snapshot(head.lock, head.chunks), Long.MIN_VALUE, Long.MAX_VALUE);
    assertEquals(1000 / 120, k);
    for (int c = 0; c < k; c++) {
      assertEquals(120, XorIterator.count(chunkAt(finished, c)));
    }

    MemSeries s = head.series(2);
    k = finished.load(s.snapshot(head.lock, head.chunks), Long.MIN_VALUE, Long.MAX_VALUE);
    assertTrue(k > 1000 / 120, k + " chunks");
    int samples = s.count();
    for (int c = 0; c < k; c++) {
      int n = XorIterator.count(chunkAt(finished, c));
      assertTrue(n < 120 && finished.length(c) >= MemSeries.CHUNK_MAX_BYTES, "cut by size");
      samples += n;
    }
    assertEquals(1000, samples);
    SeriesData d = only("long");
    assertEquals(1000, d.sampleCount());
    for (int i = 0; i < 1000; i++) {
      assertEquals(T0 + i * 15_000L, d.sampleT()[i]);
      assertEquals(i % 7 == 0 ? i : i * 0.5, d.sampleV()[i]);
    }
    List<SeriesData> range =
        querier.select(
            new Matcher[] {Matcher.eq("__name__", "long")}, T0 + 130 * 15_000L, T0 + 250 * 15_000L);
    assertEquals(121, range.get(0).sampleCount());
    assertEquals(T0 + 130 * 15_000L, range.get(0).sampleT()[0]);
  }

  @Test
  void histogramsFollowTheFloatOrderingRules() {
    // count_int (field 1) and sum (field 3): integer histograms without buckets. (They held
    // count_float before, field 2: mixed counts, which no chunk can hold now that the head keeps
    // histograms in chunks.)
    byte[] h1 = {8, 1, 25, 0, 0, 0, 0, 0, 0, -16, 63};
    byte[] h2 = {8, 2, 25, 0, 0, 0, 0, 0, 0, 0, 64};
    WriteBatch b = batch();
    series(b, "__name__", "h");
    histogram(b, T0, h1);
    histogram(b, T0 + 10, h2);
    append(b);
    assertEquals(2, b.histogramsWritten);

    WriteBatch again = batch();
    series(again, "__name__", "h");
    histogram(again, T0 + 10, h2); // resend
    histogram(again, T0 + 5, h1); // out of order
    histogram(again, T0 + 10, h1); // duplicate timestamp
    histogram(again, T0 + 20, h1);
    append(again);
    assertEquals(2, again.histogramsWritten);
    assertEquals(1, again.rejected[RejectReason.OUT_OF_ORDER.ordinal()]);
    assertEquals(1, again.rejected[RejectReason.DUPLICATE_TIMESTAMP.ordinal()]);
    assertEquals(3, wal.count("histogram"));

    SeriesData d = only("h");
    assertEquals(0, d.sampleCount());
    assertArrayEquals(new long[] {T0, T0 + 10, T0 + 20}, d.histT());
    // Decoded from the head's histogram chunk, as a block's list querier returns it: the message is
    // re-encoded (with its timestamp), not the bytes sent.
    Histogram got = new Histogram();
    byte[] m = d.histograms()[1];
    assertTrue(new HistogramProto().readInteger(m, 0, m.length, got));
    assertEquals(2, got.count());
    assertEquals(2.0, got.sum());
    List<SeriesData> r =
        querier.select(new Matcher[] {Matcher.eq("__name__", "h")}, T0 + 1, T0 + 15);
    assertArrayEquals(new long[] {T0 + 10}, r.get(0).histT());
  }

  @Test
  void aFloatAndAHistogramAtTheSameTimeAreRefusedAsDuplicates() {
    byte[] h = {8, 1, 25, 0, 0, 0, 0, 0, 0, -16, 63};
    WriteBatch b = batch();
    series(b, "__name__", "mixed");
    samples(b, T0, 1);
    histogram(b, T0, h); // same time as the float just appended
    histogram(b, T0 + 10, h);
    append(b);
    assertEquals(1, b.samplesWritten);
    assertEquals(1, b.histogramsWritten);
    assertEquals(1, b.rejected[RejectReason.DUPLICATE_TIMESTAMP.ordinal()]);
    assertTrue(b.firstConflict.contains("already has a float sample"), b.firstConflict);

    WriteBatch again = batch();
    series(again, "__name__", "mixed");
    samples(again, T0 + 10, 2, T0 + 20, 3); // the first where the histogram is
    append(again);
    assertEquals(1, again.samplesWritten);
    assertEquals(1, again.rejected[RejectReason.DUPLICATE_TIMESTAMP.ordinal()]);
    assertTrue(again.firstConflict.contains("already has a histogram"), again.firstConflict);
    SeriesData d = only("mixed");
    assertArrayEquals(new long[] {T0, T0 + 20}, d.sampleT());
    assertArrayEquals(new long[] {T0 + 10}, d.histT());
  }

  @Test
  void exemplarsAreOrderedPerSeriesAndDuplicatesIgnored() {
    WriteBatch b = up(T0, 1);
    exemplar(b, T0, 0.5, "trace_id", "a");
    exemplar(b, T0, 0.5, "trace_id", "a"); // exact duplicate
    exemplar(b, T0 - 1, 0.7, "trace_id", "b"); // older: soft reject
    exemplar(b, T0 + 5, 0.9, "trace_id", "c");
    append(b);
    assertEquals(3, b.exemplarsWritten);
    assertEquals(1, b.rejected[RejectReason.EXEMPLAR_OUT_OF_ORDER.ordinal()]);
    assertEquals(0, b.rejectedTotal(), "exemplar rejections are soft");
    assertNull(b.firstConflict);
    assertEquals(2, wal.count("exemplar"));

    WriteBatch again = up(T0 + 10, 2);
    exemplar(again, T0 + 5, 0.9, "trace_id", "c"); // same as the stored last one
    append(again);
    assertEquals(1, again.exemplarsWritten);
    assertEquals(2, wal.count("exemplar"));

    List<ExemplarData> ex =
        querier.exemplars(new Matcher[] {Matcher.eq("job", "x")}, Long.MIN_VALUE, Long.MAX_VALUE);
    assertEquals(2, ex.size());
    assertEquals(Labels.of("trace_id", "a"), ex.get(0).labels());
    assertEquals(Labels.of("__name__", "up", "job", "x"), ex.get(1).series());
    assertEquals(0.9, ex.get(1).v());
  }

  @Test
  void exemplarRingIsBounded() {
    Head small = new Head(3);
    HeadAppender a = new HeadAppender(small, WINDOW);
    for (int i = 0; i < 5; i++) {
      WriteBatch b = up(T0 + i, i);
      exemplar(b, T0 + i, i, "trace_id", "t" + i);
      a.prepare(b, wal);
      a.commit(b);
    }
    List<ExemplarData> ex =
        new HeadQuerier(small)
            .exemplars(new Matcher[] {Matcher.eq("job", "x")}, Long.MIN_VALUE, Long.MAX_VALUE);
    assertEquals(3, ex.size());
    assertEquals(T0 + 2, ex.get(0).t());
    assertEquals(T0 + 4, ex.get(2).t());
  }

  @Test
  void metadataIsLoggedOnlyWhenItChanges() {
    WriteBatch b = batch();
    metadata(b, 1, "http_requests", "Requests served", "");
    metadata(b, 1, "http_requests", "Requests served", "");
    append(b);
    assertEquals(2, b.metadataWritten);
    assertEquals(1, wal.count("metadata"));
    assertEquals(new MetricMetadata(1, "Requests served", ""), head.metadata("http_requests"));

    WriteBatch same = batch();
    metadata(same, 1, "http_requests", "Requests served", "");
    append(same);
    assertEquals(1, wal.count("metadata"));

    WriteBatch changed = batch();
    metadata(changed, 2, "http_requests", "Requests in flight", "requests");
    append(changed);
    assertEquals(2, wal.count("metadata"));
    assertEquals(
        new MetricMetadata(2, "Requests in flight", "requests"), head.metadata("http_requests"));
  }

  @Test
  void replayOfTheLoggedEntriesRebuildsTheSameHead() {
    for (int round = 0; round < 300; round++) {
      WriteBatch b = batch();
      for (int s = 0; s < 20; s++) {
        series(b, "__name__", "m" + (s % 4), "instance", "i" + s);
        samples(b, T0 + round * 1000L, round * s, T0 + round * 1000L, round * s);
        if (s == 3) {
          histogram(b, T0 + round * 1000L, new byte[] {8, (byte) round});
          exemplar(b, T0 + round * 1000L, round, "trace_id", "r" + round);
        }
      }
      metadata(b, 1, "m0", "help " + (round / 100), "");
      append(b);
    }
    Head replayed = new Head(1000);
    HeadReplayer r = new HeadReplayer(replayed);
    wal.replayInto(r);
    r.finish();
    assertEquals(0, r.skipped());
    assertEquals(head.seriesCount(), replayed.seriesCount());
    assertEquals(head.maxTime(), replayed.maxTime());
    assertEquals(head.minTime(), replayed.minTime());
    assertEquals(head.metadata("m0"), replayed.metadata("m0"));
    assertSameData(querier, new HeadQuerier(replayed));
    for (int ref = 1; ref <= head.maxRef(); ref++) {
      assertArrayEquals(
          head.labelBytes(head.series(ref)),
          replayed.labelBytes(replayed.series(ref)),
          "ref " + ref);
    }
    // Appends continue with fresh refs after the replayed ones.
    HeadAppender next = new HeadAppender(replayed, WINDOW);
    WriteBatch b = batch();
    series(b, "__name__", "brand_new");
    samples(b, T0 + 300_000, 1);
    next.prepare(b, new Recorder());
    next.commit(b);
    assertEquals(head.maxRef() + 1, replayed.maxRef());
    assertSame(
        replayed.lookup(b.seriesHash[0], b.bytes, b.seriesLabelsOff[0], b.seriesLabelsLen[0]),
        replayed.series(replayed.maxRef()));
  }

  static void assertSameData(HeadQuerier a, HeadQuerier b) {
    List<SeriesData> x = a.select(new Matcher[0], Long.MIN_VALUE, Long.MAX_VALUE);
    List<SeriesData> y = b.select(new Matcher[0], Long.MIN_VALUE, Long.MAX_VALUE);
    assertEquals(x.size(), y.size());
    for (int i = 0; i < x.size(); i++) {
      assertEquals(x.get(i).labels(), y.get(i).labels());
      assertArrayEquals(x.get(i).sampleT(), y.get(i).sampleT());
      assertArrayEquals(x.get(i).sampleV(), y.get(i).sampleV());
      assertArrayEquals(x.get(i).histT(), y.get(i).histT());
      assertEquals(x.get(i).histograms().length, y.get(i).histograms().length);
      for (int h = 0; h < x.get(i).histograms().length; h++) {
        assertArrayEquals(x.get(i).histograms()[h], y.get(i).histograms()[h]);
      }
    }
    Matcher[] all = new Matcher[0];
    assertEquals(
        a.exemplars(all, Long.MIN_VALUE, Long.MAX_VALUE),
        b.exemplars(all, Long.MIN_VALUE, Long.MAX_VALUE));
  }
}
