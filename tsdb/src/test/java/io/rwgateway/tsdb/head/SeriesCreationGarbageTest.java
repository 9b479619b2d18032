package io.rwgateway.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import io.rwgateway.model.LabelBytes;
import io.rwgateway.model.XxHash64;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.wal.RecordVisitor;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * Creating a series allocates little more than what the head keeps of it. A million new series
 * arrive in seconds when a gateway starts or a fleet rolls; every byte of garbage per series is
 * then a young collection more, and G1 answers a burst of collections by growing the heap, which
 * the process keeps (docs/memory.md: decoding every label pair into two Strings to find its
 * postings made ~2.7 KB of garbage per new series and raised the peak RSS at 1M series by ~200 MB).
 */
class SeriesCreationGarbageTest {
  private static final int SERIES = 100_000;
  private static final int PER_BATCH = 1_000;

  /** The appender's WAL sink, allocating nothing (a recorder would copy every entry). */
  private static final class NoSink implements RecordVisitor {
    @Override
    public void series(long ref, byte[] labels, int off, int len) {}

    @Override
    public void sample(long ref, long t, double v) {}

    @Override
    public void histogram(long ref, long t, byte[] proto, int off, int len) {}

    @Override
    public void exemplar(long ref, long t, double v, byte[] labels, int off, int len) {}

    @Override
    public void metadata(
        int type,
        byte[] b,
        int nameOff,
        int nameLen,
        int helpOff,
        int helpLen,
        int unitOff,
        int unitLen) {}
  }

  /** Thirteen labels as the load generator sends them: twelve shared values, one unique. */
  private static byte[] labels(int id) {
    return LabelBytes.encode(
        "__name__",
        "metric_" + id % 200,
        "cluster",
        "eu-" + id % 3,
        "container",
        "app",
        "endpoint",
        "http",
        "env",
        id % 2 == 0 ? "prod" : "staging",
        "instance",
        "10.0." + (id >> 8 & 255) + "." + (id & 255) + ":9100",
        "job",
        "node",
        "method",
        id % 4 == 0 ? "GET" : "POST",
        "namespace",
        "ns-" + id % 10,
        "path",
        "/api/v" + id % 5,
        "region",
        "eu-west-1",
        "service",
        "svc-" + id % 50,
        "series_id",
        "s" + id);
  }

  @Test
  void creatingASeriesAllocatesLittleMoreThanTheHeadKeeps() {
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    Head head = new Head();
    HeadAppender appender = new HeadAppender(head, 3_600_000L);
    NoSink sink = new NoSink();
    WriteBatch b = new WriteBatch();
    long allocated = 0;
    for (int k = 0; k < SERIES / PER_BATCH; k++) {
      b.reset();
      for (int s = 0; s < PER_BATCH; s++) {
        int id = k * PER_BATCH + s;
        byte[] l = labels(id);
        int off = b.reserveBytes(l.length);
        System.arraycopy(l, 0, b.bytes, off, l.length);
        b.beginSeries(XxHash64.hash(b.bytes, off, l.length, 0), off, l.length);
        b.addSample(1_700_000_000_000L, id);
      }
      long before = threads.getCurrentThreadAllocatedBytes();
      appender.prepare(b, sink);
      appender.commit(b);
      allocated += threads.getCurrentThreadAllocatedBytes() - before;
    }
    assertEquals(SERIES, head.seriesCount());
    long perSeries = allocated / SERIES;
    System.out.printf("series creation: %d bytes allocated per new series%n", perSeries);
    // ~800 B, most of which stays: the series object (88 B), its label ids, its open chunk's first
    // piece, table and postings growth, and for each of its two unique pairs (instance, series_id)
    // two strings, a map entry and a postings list (~250 B). Before pairs were found by symbol id:
    // 2,800 B.
    assertTrue(perSeries < 1200, "bytes allocated per new series: " + perSeries);
  }
}
