package io.rwgateway.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.chunk.HistogramProto;
import io.rwgateway.tsdb.db.Batches;
import org.junit.jupiter.api.Test;

/**
 * Heap the head retains per native histogram sample: 2,000 series × 720 histograms (3h at 15 s),
 * measured as the live heap after full collections. Before the head kept histograms as chunks (it
 * kept each message in a per-series byte arena) this was ~111 bytes per sample (~80 KB per series
 * after 3h, for ~50-byte messages); with the open chunk on the heap and finished ones in {@code
 * chunks_head/}, ~2.5 bytes per sample (~1.8 KB per series, whatever the head's length). The bound
 * is loose: the point is that it no longer grows with the samples. The head's own estimate of that
 * state ({@link Head.Memory#extras}) is checked against the same measurement.
 */
class HeadHistogramMemoryTest {
  private static long used() {
    for (int i = 0; i < 4; i++) {
      System.gc();
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  @Test
  void histogramSamplesCostTheHeapAFewBytesEach() {
    int series = 2000;
    int samples = 720;
    long t0 = 1_700_000_000_000L - 800_000L + 60_000; // just after a 2h boundary
    try (Head head = new Head()) {
      HeadAppender app = new HeadAppender(head, 0, 0);
      // The series are created first (by a float sample each, before the histograms), so that what
      // is measured below is what histograms add, not the series themselves.
      WriteBatch b0 = new WriteBatch();
      for (int s = 0; s < series; s++) {
        Batches.series(b0, "__name__", "h", "i", Integer.toString(s));
        Batches.samples(b0, t0 - 15_000L, 1);
      }
      app.prepare(b0, new Recorder());
      app.commit(b0);
      long before = used();
      for (int k = 0; k < samples; k++) {
        WriteBatch b = new WriteBatch();
        for (int s = 0; s < series; s++) {
          Batches.series(b, "__name__", "h", "i", Integer.toString(s));
          long t = t0 + k * 15_000L;
          Batches.histogram(
              b, t, HistogramProto.encode(t, HeadChunkQuerierHistogramTest.counter(k % 200 + 1)));
        }
        app.prepare(b, new Recorder());
        app.commit(b);
      }
      long retained = used() - before;
      double perSample = retained / ((double) series * samples);
      System.out.println("heap bytes per histogram sample: " + perSample);
      assertTrue(perSample < 40, "heap bytes per histogram sample: " + perSample);
      // The head's accounting (rwgateway_head_memory_bytes{part="extras"}) estimates the same
      // state from the encoders' array sizes: it must be near what the JVM says is retained.
      long accounted = head.memory().extras();
      double ratio = accounted / (double) retained;
      System.out.printf(
          "histogram state per series: accounted %d B, retained %d B (%.2f)%n",
          accounted / series, retained / series, ratio);
      assertTrue(ratio > 0.7 && ratio < 1.3, "accounted/retained " + ratio);
    }
  }
}
