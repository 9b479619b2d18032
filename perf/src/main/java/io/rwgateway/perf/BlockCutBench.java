package io.rwgateway.perf;

import io.rwgateway.model.LabelBytes;
import io.rwgateway.model.XxHash64;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.block.Block;
import io.rwgateway.tsdb.db.TenantDb;
import io.rwgateway.tsdb.db.Tsdb;
import io.rwgateway.tsdb.db.TsdbOptions;
import io.rwgateway.wal.WalOptions;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * Head memory per active series, block write time and chunk bytes per sample, on data shaped like
 * what Prometheus scrapes from node exporters and applications. Every series is sampled each
 * interval; 9 timestamps in 10 land exactly on the interval and the rest 1 ms off (a scrape loop's
 * ticker jitter at millisecond resolution). Values, by series kind (see {@link #next}): 30%
 * constant (info metrics, flags, limits), 20% counters of events (+0..10 per scrape), 20% byte
 * counters (+0..1 MB), 15% memory gauges (random walk in 4 KiB pages), 15% CPU-seconds counters
 * (+0..15 with two decimals). Compression depends on data; this is a mix, not a promise. Samples
 * arrive as remote write sends them: batches of 2000 series with one sample each, through the real
 * append path (WAL included).
 *
 * <p>Usage: {@code java -Xmx12g -cp perf/target/benchmarks.jar io.rwgateway.perf.BlockCutBench
 * [--series 1000000] [--samples 480] [--interval-ms 15000] [--dir /tmp/blockcut]}. The default is
 * one full 2h block of 15s samples for a million series.
 */
public final class BlockCutBench {
  private BlockCutBench() {}

  public static void main(String[] args) throws Exception {
    int series = 1_000_000;
    int samples = 480;
    long interval = 15_000;
    Path dir = Path.of("/tmp/blockcut");
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--series":
          series = Integer.parseInt(args[i + 1]);
          break;
        case "--samples":
          samples = Integer.parseInt(args[i + 1]);
          break;
        case "--interval-ms":
          interval = Long.parseLong(args[i + 1]);
          break;
        case "--dir":
          dir = Path.of(args[i + 1]);
          break;
        default:
          throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    deleteTree(dir);
    // The block writer's and the truncations' own log lines split the flush time into its steps.
    for (String logger : new String[] {"io.rwgateway.tsdb", "io.rwgateway.wal"}) {
      ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(logger))
          .setLevel(ch.qos.logback.classic.Level.INFO);
    }
    long range = TsdbOptions.TWO_HOURS;
    long t0 = System.currentTimeMillis() / range * range - 4 * range;
    TsdbOptions opts =
        new TsdbOptions(dir, WalOptions.defaults(), 0)
            .withFlushOnShutdown(false)
            .withCompactionInterval(24 * 3_600_000L);
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    long heapBefore = usedAfterGc(mem);
    try (Tsdb tsdb = Tsdb.open(opts, null)) {
      TenantDb db = tsdb.tenant("bench");
      byte[][] labels = new byte[series][];
      for (int s = 0; s < series; s++) {
        labels[s] =
            LabelBytes.encode(
                "__name__",
                metricName(s),
                "instance",
                "host-" + (s / 1000) + ":9100",
                "job",
                "node",
                "series",
                Integer.toString(s));
      }
      double[] value = new double[series];
      SplittableRandom rnd = new SplittableRandom(42);
      WriteBatch batch = new WriteBatch();
      long appendStart = System.nanoTime();
      for (int k = 0; k < samples; k++) {
        long scrape = t0 + k * interval;
        for (int from = 0; from < series; from += 2000) {
          batch.reset();
          batch.tenant = "bench";
          for (int s = from; s < Math.min(series, from + 2000); s++) {
            byte[] l = labels[s];
            int off = batch.reserveBytes(l.length);
            System.arraycopy(l, 0, batch.bytes, off, l.length);
            batch.beginSeries(XxHash64.hash(batch.bytes, off, l.length, 0), off, l.length);
            value[s] = next(s, value[s], rnd);
            batch.addSample(scrape + (rnd.nextInt(10) == 0 ? 1 : 0), value[s]);
          }
          db.append(batch);
          if (batch.failure != null) {
            throw new IOException("append failed", batch.failure);
          }
        }
      }
      double appendSec = (System.nanoTime() - appendStart) / 1e9;
      labels = null; // only the head's copy counts
      long heapAfter = usedAfterGc(mem);
      long total = (long) series * samples;
      System.out.printf(
          Locale.ROOT,
          "appended %d samples of %d series in %.1f s (%.0f samples/s)%n",
          total,
          series,
          appendSec,
          total / appendSec);
      System.out.printf(
          Locale.ROOT,
          "head heap: %.0f MB, %.0f bytes per series (%d samples each)%n",
          (heapAfter - heapBefore) / 1e6,
          (heapAfter - heapBefore) / (double) series,
          samples);

      long cutStart = System.nanoTime();
      List<Path> blocks = db.compactor().flush();
      double cutSec = (System.nanoTime() - cutStart) / 1e9;
      long chunkBytes = 0;
      long indexBytes = 0;
      long blockSamples = 0;
      for (Block b : db.blocks()) {
        chunkBytes += sizeOf(b.dir().resolve("chunks"));
        indexBytes += Files.size(b.dir().resolve("index"));
        blockSamples += b.meta().numSamples();
      }
      System.out.printf(
          Locale.ROOT,
          "flushed head into %d block(s) in %.1f s (includes head and WAL truncation)%n",
          blocks.size(),
          cutSec);
      System.out.printf(
          Locale.ROOT,
          "chunks: %d bytes for %d samples = %.3f bytes/sample; index %.1f MB%n",
          chunkBytes,
          blockSamples,
          chunkBytes / (double) blockSamples,
          indexBytes / 1e6);
      System.out.printf(
          Locale.ROOT,
          "{\"series\":%d,\"samples_per_series\":%d,\"append_samples_per_sec\":%.0f,\"head_bytes_per_series\":%.0f,"
              + "\"block_write_seconds\":%.2f,\"chunk_bytes_per_sample\":%.3f,\"index_bytes\":%d}%n",
          series,
          samples,
          total / appendSec,
          (heapAfter - heapBefore) / (double) series,
          cutSec,
          chunkBytes / (double) blockSamples,
          indexBytes);
    }
  }

  private static final String[] NAMES = {
    "node_uname_info",
    "http_requests_total",
    "node_network_receive_bytes_total",
    "node_memory_active_bytes",
    "node_cpu_seconds_total",
  };

  private static String metricName(int s) {
    return NAMES[kind(s)];
  }

  /**
   * Per 20 series: 6 constant, 4 event counters, 4 byte counters, 3 memory gauges, 3 CPU counters.
   */
  private static int kind(int s) {
    int k = s % 20;
    return k < 6 ? 0 : k < 10 ? 1 : k < 14 ? 2 : k < 17 ? 3 : 4;
  }

  /** The next value of series {@code s}, by its kind. */
  private static double next(int s, double v, SplittableRandom rnd) {
    switch (kind(s)) {
      case 0:
        return v == 0 ? 1 + s % 7 : v;
      case 1:
        return v + rnd.nextInt(0, 11);
      case 2:
        return v + rnd.nextInt(0, 1_000_001);
      case 3:
        return Math.max(4096, (v == 0 ? 1e9 : v) + 4096.0 * rnd.nextInt(-100, 101));
      default:
        return Math.round((v + rnd.nextDouble(0, 15)) * 100) / 100.0;
    }
  }

  private static long usedAfterGc(MemoryMXBean mem) throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return mem.getHeapMemoryUsage().getUsed();
  }

  private static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
