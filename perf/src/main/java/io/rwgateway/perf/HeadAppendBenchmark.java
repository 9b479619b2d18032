package io.rwgateway.perf;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.model.LabelBytes;
import io.rwgateway.model.XxHash64;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.db.EncoderVisitor;
import io.rwgateway.tsdb.db.TenantDb;
import io.rwgateway.tsdb.db.Tsdb;
import io.rwgateway.tsdb.db.TsdbOptions;
import io.rwgateway.tsdb.head.Head;
import io.rwgateway.tsdb.head.HeadAppender;
import io.rwgateway.wal.RecordEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Steady-state head append: batches of 2000 series x 1 sample over 100k existing series, the shape
 * of a Prometheus remote-write shard. Scores are per sample ({@code OperationsPerInvocation}).
 *
 * <ul>
 *   <li>{@code head}: validate + encode the WAL record (real {@link RecordEncoder}) + apply, no WAL
 *       I/O;
 *   <li>{@code tenantDb}: the full {@link TenantDb#append} including the Chronicle WAL append (no
 *       fsync).
 * </ul>
 *
 * Run with {@code -prof gc}: B/op should be about 0; what remains is chunk storage growing (a
 * chunk's buffer grows by half until it fits 120 samples; every 120 samples the full chunk is
 * written to the head's chunk files, in a temporary directory for {@code head}, and the series'
 * arrays of chunk refs grow by doubling).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HeadAppendBenchmark extends BenchmarkBase {
  private static final int BATCH_SERIES = 2000;
  private static final long T0 = 1_700_000_000_000L;

  @Param({"100000"})
  int existingSeries;

  private WriteBatch[] batches;
  private long[] nextT;
  private int cursor;

  private HeadAppender appender;
  private RecordEncoder encoder;
  private EncoderVisitor log;

  private Path dir;
  private Tsdb tsdb;
  private TenantDb tenantDb;

  /**
   * Starts series {@code id} in {@code b}: five labels of a scraped service's metric {@code name}
   * (job {@code job}, an instance and a pod per id), as in a real remote-write request.
   */
  static void beginSeries(WriteBatch b, int id, String name, String job) {
    byte[] l =
        LabelBytes.encode(
            "__name__",
            name,
            "instance",
            "10.0." + (id >> 8 & 255) + "." + (id & 255) + ":9100",
            "job",
            job,
            "method",
            id % 2 == 0 ? "GET" : "POST",
            "pod",
            "api-" + id);
    int off = b.reserveBytes(l.length);
    System.arraycopy(l, 0, b.bytes, off, l.length);
    b.beginSeries(XxHash64.hash(b.bytes, off, l.length, 0), off, l.length);
  }

  @Setup(Level.Trial)
  public void setup() throws IOException {
    int n = existingSeries / BATCH_SERIES;
    batches = new WriteBatch[n];
    nextT = new long[n];
    for (int k = 0; k < n; k++) {
      WriteBatch b = new WriteBatch();
      b.tenant = "bench";
      for (int s = 0; s < BATCH_SERIES; s++) {
        beginSeries(b, k * BATCH_SERIES + s, "http_requests_total", "node");
        b.addSample(T0, 0);
      }
      batches[k] = b;
      nextT[k] = T0;
    }
    Head head = new Head();
    appender = new HeadAppender(head, 3_600_000L);
    encoder = new RecordEncoder();
    log = new EncoderVisitor(encoder);

    dir = Files.createTempDirectory("head-bench");
    tsdb = Tsdb.open(TsdbOptions.defaults(dir), new PrometheusRegistry());
    tenantDb = tsdb.tenant("bench");
    // Create every series once so the measured batches only append.
    for (int k = 0; k < n; k++) {
      appendHead(next());
      WriteBatch b = batches[cursor == 0 ? n - 1 : cursor - 1];
      b.samplesWritten = 0;
      tenantDb.append(b);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    // Guard against measuring rejections: every batch must have been appended in full.
    for (WriteBatch b : batches) {
      if (b.rejectedTotal() != 0 || b.failure != null) {
        throw new IllegalStateException(
            "benchmark batches were rejected: " + b.firstConflict + " " + b.failure);
      }
    }
    tsdb.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** The next batch with its timestamps moved one scrape interval on and counter values grown. */
  private WriteBatch next() {
    int k = cursor;
    cursor = k + 1 == batches.length ? 0 : k + 1;
    WriteBatch b = batches[k];
    long t = nextT[k] += 15_000;
    for (int i = 0; i < b.sampleCount; i++) {
      b.sampleT[i] = t + (i & 3); // a little jitter, as real scrapes have
      b.sampleV[i] += 1 + (i & 7);
    }
    b.samplesWritten = 0;
    return b;
  }

  private int appendHead(WriteBatch b) {
    encoder.reset();
    appender.prepare(b, log);
    encoder.finish();
    appender.commit(b);
    return b.samplesWritten;
  }

  @Benchmark
  @OperationsPerInvocation(BATCH_SERIES)
  public int head() {
    return appendHead(next());
  }

  @Benchmark
  @OperationsPerInvocation(BATCH_SERIES)
  public int tenantDb() {
    WriteBatch b = next();
    tenantDb.append(b);
    return b.samplesWritten;
  }
}
