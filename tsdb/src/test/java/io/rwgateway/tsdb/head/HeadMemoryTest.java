package io.rwgateway.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.LabelBytes;
import io.rwgateway.model.XxHash64;
import io.rwgateway.tsdb.WriteBatch;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Heap per series with 1M series of five labels and one sample each (the figure to beat is
 * Prometheus' ~5 KB per active series). Prints the measurement; fails above a generous bound so a
 * regression that doubles it is caught.
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
    long accounted = m.series() + m.labels() + m.postings() + m.openChunks() + m.chunkPool();
    System.out.printf("head accounting: %s, sum %d, measured %d%n", m, accounted, after - before);
    assertTrue(
        Math.abs(accounted - (after - before)) < (after - before) / 5,
        "accounted " + accounted + " against " + (after - before) + " measured: " + m);
    assertTrue(
        m.series() > 0 && m.labels() > 0 && m.postings() > 0 && m.openChunks() > 0, m.toString());
    assertEquals(1, head.series(SERIES).count()); // keep the head reachable until here
  }
}
