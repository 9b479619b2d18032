package io.rwgateway.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.LabelBytes;
import io.rwgateway.model.XxHash64;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.chunk.XorIterator;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Heap per series with 1M series of five labels and one sample each (the figure to beat is
 * Prometheus' ~5 KB per active series). Prints the measurement; fails above a generous bound so a
 * regression that doubles it is caught. And the heap a series takes does not grow with the samples
 * it holds: its finished chunks are chained in the chunk files, not referenced from the heap.
 */
class HeadMemoryTest {
  private static final int SERIES = 1_000_000;
  private static final int PER_BATCH = 10_000;

  private static long usedHeapAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  @Test
  void oneMillionSeriesFitInASmallHeapPerSeries() throws InterruptedException {
    WriteBatch b = new WriteBatch();
    long before = usedHeapAfterGc();
    Head head = new Head();
    HeadAppender appender = new HeadAppender(head, 3_600_000L);
    Recorder sink = new Recorder();
    long labelBytes = 0;
    for (int k = 0; k < SERIES / PER_BATCH; k++) {
      b.reset();
      for (int s = 0; s < PER_BATCH; s++) {
        int id = k * PER_BATCH + s;
        byte[] l =
            LabelBytes.encode(
                "__name__",
                "http_requests_total",
                "instance",
                "10." + (id >> 16 & 255) + "." + (id >> 8 & 255) + "." + (id & 255) + ":9100",
                "job",
                "node",
                "method",
                id % 2 == 0 ? "GET" : "POST",
                "pod",
                "api-" + id);
        labelBytes += l.length;
        int off = b.reserveBytes(l.length);
        System.arraycopy(l, 0, b.bytes, off, l.length);
        b.beginSeries(XxHash64.hash(b.bytes, off, l.length, 0), off, l.length);
        b.addSample(1_700_000_000_000L, id);
      }
      appender.prepare(b, sink);
      sink.pending.clear();
      appender.commit(b);
    }
    b = null;
    long after = usedHeapAfterGc();
    assertEquals(SERIES, head.seriesCount());
    long perSeries = (after - before) / SERIES;
    System.out.printf(
        "head heap: %d bytes/series for %d series (label bytes alone: %d bytes/series)%n",
        perSeries, SERIES, labelBytes / SERIES);
    assertTrue(perSeries < 1200, "bytes per series: " + perSeries);

    // The head's own accounting (rwgateway_head_memory_bytes) agrees with the heap it took.
    Head.Memory m = head.memory();
    long accounted =
        m.series() + m.labels() + m.postings() + m.openChunks() + m.chunkPool() + m.extras();
    System.out.printf("head accounting: %s, sum %d, measured %d%n", m, accounted, after - before);
    assertTrue(
        Math.abs(accounted - (after - before)) < (after - before) / 5,
        "accounted " + accounted + " against " + (after - before) + " measured: " + m);
    assertTrue(
        m.series() > 0 && m.labels() > 0 && m.postings() > 0 && m.openChunks() > 0, m.toString());
    assertEquals(1, head.series(SERIES).count()); // keep the head reachable until here
  }

  /** Appends samples [from, to) of series 0..n-1: noisy values, ~4 bytes a sample. */
  private static void appendNoisy(HeadAppender app, int n, int from, int to) {
    WriteBatch b = new WriteBatch();
    for (int i = from; i < to; i += 50) {
      b.reset();
      for (int s = 0; s < n; s++) {
        byte[] l = LabelBytes.encode("__name__", "noisy", "s", Integer.toString(s));
        int off = b.reserveBytes(l.length);
        System.arraycopy(l, 0, b.bytes, off, l.length);
        b.beginSeries(XxHash64.hash(b.bytes, off, l.length, 0), off, l.length);
        for (int k = i; k < Math.min(to, i + 50); k++) {
          // Jittered times and random mantissas: like the load generator's data, ~4 bytes each.
          long t = 1_700_000_000_000L + k * 1000L + (k * 7919L + s) % 97;
          b.addSample(t, Math.sin(k * 0.37 + s) * 1e3);
        }
      }
      app.prepare(b, new Recorder());
      app.commit(b);
    }
  }

  @Test
  void theHeapDoesNotGrowWithTheSamplesASeriesHolds() throws InterruptedException {
    int n = 20_000;
    Head head = new Head();
    HeadAppender app = new HeadAppender(head, 3_600_000L);
    appendNoisy(app, n, 0, 200);
    long at200 = usedHeapAfterGc();
    appendNoisy(app, n, 200, 2000);
    long at2000 = usedHeapAfterGc();
    long growth = (at2000 - at200) / n;
    System.out.printf(
        "heap per series: %d bytes more with 2000 samples than with 200 (%d finished chunks each)%n",
        growth,
        new FinishedChunks(head.chunks)
            .load(head.series(1).snapshot(head.lock, head.chunks), Long.MIN_VALUE, Long.MAX_VALUE));
    // Finished chunks are chained in the chunk files: only the open chunk varies (at most 128 bytes
    // and a piece). Refs on the heap would add 16 bytes for each of the ~55 chunks cut meanwhile.
    assertTrue(growth < 200, growth + " bytes per series more");
    assertEquals(2000, head.series(1).count() + countFinished(head, head.series(1)));
  }

  private static int countFinished(Head head, MemSeries s) {
    FinishedChunks f = new FinishedChunks(head.chunks);
    int k = f.load(s.snapshot(head.lock, head.chunks), Long.MIN_VALUE, Long.MAX_VALUE);
    int samples = 0;
    for (int c = 0; c < k; c++) {
      samples += XorIterator.count(Arrays.copyOfRange(f.bytes(), f.offset(c), f.offset(c) + 2));
    }
    return samples;
  }
}
