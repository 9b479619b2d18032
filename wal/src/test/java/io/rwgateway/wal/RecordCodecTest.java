package io.rwgateway.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.LabelBytes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordCodecTest {
  private static final double STALE_NAN = Double.longBitsToDouble(0x7ff0000000000002L);

  private static List<String> decode(ByteBuffer payload) throws CorruptRecordException {
    Recorder r = new Recorder();
    RecordDecoder.decode(payload, r);
    return r.lines;
  }

  @Test
  void everyEntryTypeRoundTripsInReplayOrder() throws Exception {
    byte[] a = LabelBytes.encode("__name__", "up", "job", "node");
    byte[] b = LabelBytes.encode("__name__", "http_requests_total", "code", "200", "job", "api");
    byte[] exLabels = LabelBytes.encode("trace_id", "abc123");
    byte[] hist = {0x08, 0x05, 0x11, 0, 0, 0, 0, 0, 0, (byte) 0xf0, 0x3f};
    byte[] meta =
        "http_requests_totalTotal HTTP requests.requests".getBytes(StandardCharsets.UTF_8);

    RecordEncoder enc = new RecordEncoder();
    enc.reset();
    assertTrue(enc.isEmpty());
    // Added out of order on purpose: the record must still put series first.
    enc.addMetadata(1, meta, 0, 19, 19, 20, 39, 8);
    enc.addSample(7, 1_700_000_000_000L, 1.0);
    enc.addExemplar(8, 1_700_000_000_123L, 0.25, exLabels, 0, exLabels.length);
    enc.addHistogram(8, 1_700_000_000_000L, hist, 0, hist.length);
    enc.addSeries(7, a, 0, a.length);
    enc.addSeries(8, b, 0, b.length);
    enc.addSample(8, 1_700_000_000_000L, 2.5);
    assertFalse(enc.isEmpty());

    List<String> got = decode(enc.finish());
    List<String> want =
        List.of(
            Recorder.seriesLine(7, a),
            Recorder.seriesLine(8, b),
            Recorder.sampleLine(7, 1_700_000_000_000L, 1.0),
            Recorder.sampleLine(8, 1_700_000_000_000L, 2.5),
            Recorder.histogramLine(8, 1_700_000_000_000L, hist),
            Recorder.exemplarLine(8, 1_700_000_000_123L, 0.25, exLabels),
            Recorder.metadataLine(
                1,
                "http_requests_total".getBytes(StandardCharsets.UTF_8),
                "Total HTTP requests.".getBytes(StandardCharsets.UTF_8),
                "requests".getBytes(StandardCharsets.UTF_8)));
    assertEquals(want, got);
  }

  @Test
  void specialValuesAndExtremeTimestampsAreBitExact() throws Exception {
    double[] values = {
      Double.NaN,
      STALE_NAN,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      -0.0,
      0.0,
      Double.MIN_VALUE,
      Double.MAX_VALUE,
      Double.longBitsToDouble(0xfff8000000000001L)
    };
    long[] times = {
      0,
      -1,
      Long.MIN_VALUE,
      Long.MAX_VALUE,
      -1_000_000_000_000L,
      1_700_000_000_000L,
      Long.MIN_VALUE + 1,
      42
    };
    long[] refs = {0, 1, Long.MAX_VALUE, Long.MIN_VALUE, -5, 1L << 40};
    RecordEncoder enc = new RecordEncoder();
    enc.reset();
    List<String> want = new ArrayList<>();
    byte[] labels = LabelBytes.encode("a", "b");
    int k = 0;
    for (long ref : refs) {
      for (long t : times) {
        double v = values[k++ % values.length];
        enc.addSample(ref, t, v);
        want.add(Recorder.sampleLine(ref, t, v));
      }
    }
    List<String> wantTail = new ArrayList<>();
    for (long t : times) {
      enc.addExemplar(t, t, STALE_NAN, labels, 0, labels.length);
      wantTail.add(Recorder.exemplarLine(t, t, STALE_NAN, labels));
    }
    want.addAll(wantTail);
    List<String> got = decode(enc.finish());
    assertEquals(want, got);
    assertTrue(
        got.contains(Recorder.sampleLine(0, 0, STALE_NAN))
            || got.stream().anyMatch(s -> s.endsWith(" 7ff0000000000002")),
        "the staleness marker keeps its payload bits");
  }

  @Test
  void samplesOfOneSeriesFormRunsAndInterleavingIsKept() throws Exception {
    RecordEncoder enc = new RecordEncoder();
    enc.reset();
    List<String> want = new ArrayList<>();
    long[] order = {3, 3, 3, 9, 3, 9, 9, 1};
    long t = 1_000;
    for (long ref : order) {
      t += 15_000;
      enc.addSample(ref, t, ref * 1.5);
      want.add(Recorder.sampleLine(ref, t, ref * 1.5));
    }
    assertEquals(want, decode(enc.finish()));
  }

  @Test
  void encoderIsReusableAfterResetAndEmptyRecordDecodes() throws Exception {
    RecordEncoder enc = new RecordEncoder();
    enc.reset();
    for (int i = 0; i < 10_000; i++) {
      enc.addSample(i, i, i);
    }
    assertEquals(10_000, decode(enc.finish()).size());
    enc.reset();
    assertTrue(enc.isEmpty());
    ByteBuffer empty = enc.finish();
    assertEquals(0, empty.remaining());
    assertEquals(List.of(), decode(empty));
    enc.addSample(1, 2, 3);
    assertEquals(List.of(Recorder.sampleLine(1, 2, 3)), decode(enc.finish()));
  }

  @Test
  void directAndOffsetBuffersDecodeLikeHeapOnes() throws Exception {
    RecordEncoder enc = new RecordEncoder();
    enc.reset();
    byte[] labels = LabelBytes.encode("x", "y");
    enc.addSeries(5, labels, 0, labels.length);
    enc.addSample(5, 100, STALE_NAN);
    ByteBuffer heap = enc.finish();
    List<String> want = decode(heap.duplicate());

    ByteBuffer direct = ByteBuffer.allocateDirect(heap.remaining());
    direct.put(heap.duplicate()).flip();
    assertEquals(want, decode(direct));
    assertEquals(0, direct.position(), "decode leaves the position alone");

    byte[] padded = new byte[heap.remaining() + 7];
    heap.duplicate().get(padded, 3, heap.remaining());
    ByteBuffer sliced = ByteBuffer.wrap(padded, 3, heap.remaining()).slice();
    assertEquals(want, decode(sliced));
  }

  /** Prints and bounds the WAL size per sample for the two remote-write batch shapes. */
  @Test
  void bytesPerSample() throws Exception {
    RecordEncoder enc = new RecordEncoder();
    enc.reset();
    // Scrape-shaped: 2000 series, one sample each, one timestamp, refs in creation order.
    for (int i = 0; i < 2000; i++) {
      enc.addSample(100_000 + i, 1_700_000_000_000L, i * 0.5);
    }
    double scrape = (double) enc.finish().remaining() / 2000;
    enc.reset();
    // Backfill-shaped: 20 series with 100 samples each, 15 s apart, jittered by a few ms.
    for (int s = 0; s < 20; s++) {
      for (int i = 0; i < 100; i++) {
        enc.addSample(100_000 + s * 37, 1_700_000_000_000L + i * 15_000L + (i % 3), i);
      }
    }
    double backfill = (double) enc.finish().remaining() / 2000;
    System.out.printf(
        "WAL bytes per float sample: scrape-shaped %.2f, backfill-shaped %.2f%n", scrape, backfill);
    assertTrue(scrape <= 10.05, "scrape-shaped " + scrape);
    assertTrue(backfill <= 9.1, "backfill-shaped " + backfill);
  }
}
