package io.rwgateway.perf;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.sun.management.GarbageCollectionNotificationInfo;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.model.LabelBytes;
import io.rwgateway.model.XxHash64;
import io.rwgateway.proto.prompb.ChunkedReadResponse;
import io.rwgateway.proto.prompb.ChunkedSeries;
import io.rwgateway.proto.prompb.Query;
import io.rwgateway.proto.prompb.ReadRequest;
import io.rwgateway.proto.thanos.labelpb.Label;
import io.rwgateway.proto.thanos.storepb.AggrChunk;
import io.rwgateway.proto.thanos.storepb.LabelMatcher;
import io.rwgateway.proto.thanos.storepb.Series;
import io.rwgateway.proto.thanos.storepb.SeriesRequest;
import io.rwgateway.proto.thanos.storepb.SeriesResponse;
import io.rwgateway.proto.thanos.storepb.StoreGrpc;
import io.rwgateway.queryapi.store.StoreApi;
import io.rwgateway.queryapi.store.StoreApiOptions;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.block.Block;
import io.rwgateway.tsdb.db.TenantDb;
import io.rwgateway.tsdb.db.Tsdb;
import io.rwgateway.tsdb.db.TsdbOptions;
import io.rwgateway.tsdb.db.TsdbReader;
import io.rwgateway.wal.WalOptions;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadInfo;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.slf4j.LoggerFactory;
import org.xerial.snappy.Snappy;

/**
 * Read path: a full StoreAPI {@code Series} call over one tenant's 2h of data, from the head and
 * from the block cut from it, against Prometheus' streamed remote read ({@code
 * STREAMED_XOR_CHUNKS}) of the same block.
 *
 * <ol>
 *   <li>Fills a {@link Tsdb} through the real append path with {@code --series} series of {@code
 *       --samples} samples {@code --interval-ms} apart (the data of {@link BlockCutBench}: label
 *       set, value kinds, 1 timestamp in 10 one millisecond late), starting at a 2h boundary four
 *       ranges in the past, so one 2h block holds it all.
 *   <li>Serves {@link StoreApi} over {@link TsdbReader} on a grpc-netty server on 127.0.0.1 (epoll
 *       when available, a fixed pool of one thread per core, as the gateway's gRPC server) and
 *       reads everything ({@code __name__=~".+"} over the data's range) with each client of {@code
 *       --clients}, {@code --runs} times each: series, frames, chunks, chunk bytes, samples (from
 *       the chunk headers) and a CRC32C of all chunk bytes in order. {@code blocking} is the
 *       generated blocking stub (its iterator wakes the calling thread for every message and asks
 *       the transport for the next one from there); {@code async} is the async stub with a direct
 *       executor, which parses and counts each message on the client's event loop.
 *   <li>Flushes the head into a block and reads it the same way.
 *   <li>Copies that block into an empty Prometheus data directory, starts {@code --prometheus} on
 *       127.0.0.1 and reads the same series and range with one streamed remote-read request, {@code
 *       --runs} times, over a plain socket read by one thread (HTTP/1.1, chunked), each frame's
 *       CRC32C checked and its {@code ChunkedReadResponse} parsed.
 * </ol>
 *
 * <p>Per call: wall time; CPU of the server's threads (gRPC executor and event loops; for
 * Prometheus its process CPU from /proc) and of the client's; bytes allocated by the server's and
 * the client's threads; heap: used after three {@code System.gc()} before the call, then the
 * largest used heap sampled every {@code --sample-ms} during the call (garbage included, so this is
 * mostly the young generation's size), and the largest heap left after a collection during the call
 * (live data and old garbage; none when no collection ran), both minus the before figure; young and
 * full collections. The client runs in the same JVM as the server (its allocations are counted
 * apart); Prometheus' RSS before and at its peak during the call. The CPU of the whole JVM (GC and
 * JIT included) and of every other process on the machine during the call (/proc/stat minus this
 * JVM and Prometheus) tell how much else competed for the cores.
 *
 * <p>Usage: {@code java -Xms4g -Xmx4g -XX:+UseG1GC -XX:+AlwaysPreTouch <chronicle flags> -cp
 * perf/target/benchmarks.jar io.rwgateway.perf.SeriesReadBench [--series 100000] [--samples 480]
 * [--interval-ms 15000] [--runs 2] [--phases head,block,prometheus] [--clients blocking,async]
 * [--prometheus /usr/bin/prometheus] [--metric NAME] [--sample-ms 10] [--live-gc-ms 0] [--dir
 * /tmp/seriesread] [--keep] [--jfr DIR]}. {@code --metric} selects one metric with {@code =}
 * instead of every series; {@code --live-gc-ms N} runs a full collection every N ms during each
 * StoreAPI call and reports the largest heap left by one (the live heap at that moment; it slows
 * the call, so time other runs); {@code --keep} leaves the data directories behind; {@code --jfr}
 * writes a JFR recording (profile settings) of each StoreAPI call into DIR.
 */
public final class SeriesReadBench {
  private SeriesReadBench() {}

  private static final String TENANT = "bench";
  private static final String SERVER_THREADS = "store-srv-";
  private static final String CLIENT_THREADS = "store-cli-";
  private static final String PROMETHEUS = "Prometheus remote read (streamed), block";
  private static final String PROMETHEUS_HEAD = "Prometheus remote read (streamed), head";

  private static final class Config {
    int series = 100_000;
    int samples = 480;
    long interval = 15_000;
    int runs = 2;
    Set<String> phases =
        new LinkedHashSet<>(List.of("head", "block", "prometheus", "prometheus-head"));
    String prometheus = "/usr/bin/prometheus";
    String metric;
    long sampleMs = 10;
    long liveGcMs;
    Path dir = Path.of("/tmp/seriesread");
    boolean keep;
    List<String> clients = List.of("blocking", "async");
    Path jfr;
  }

  public static void main(String[] args) throws Exception {
    Config c = new Config();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--series":
          c.series = Integer.parseInt(args[++i]);
          break;
        case "--samples":
          c.samples = Integer.parseInt(args[++i]);
          break;
        case "--interval-ms":
          c.interval = Long.parseLong(args[++i]);
          break;
        case "--runs":
          c.runs = Integer.parseInt(args[++i]);
          break;
        case "--phases":
          c.phases = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
          break;
        case "--prometheus":
          c.prometheus = args[++i];
          break;
        case "--metric":
          c.metric = args[++i];
          break;
        case "--sample-ms":
          c.sampleMs = Long.parseLong(args[++i]);
          break;
        case "--live-gc-ms":
          c.liveGcMs = Long.parseLong(args[++i]);
          break;
        case "--dir":
          c.dir = Path.of(args[++i]);
          break;
        case "--keep":
          c.keep = true;
          break;
        case "--clients":
          c.clients = List.of(args[++i].split(","));
          for (String k : c.clients) {
            if (!k.equals("blocking") && !k.equals("async")) {
              throw new IllegalArgumentException("--clients takes blocking and/or async, not " + k);
            }
          }
          break;
        case "--jfr":
          c.jfr = Path.of(args[++i]);
          break;
        default:
          throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    for (String p : c.phases) {
      if (!List.of("head", "block", "prometheus", "prometheus-head").contains(p)) {
        throw new IllegalArgumentException("unknown phase " + p);
      }
    }
    run(c);
  }

  private static void run(Config c) throws Exception {
    deleteTree(c.dir);
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("io.rwgateway.tsdb"))
        .setLevel(ch.qos.logback.classic.Level.INFO);
    long range = TsdbOptions.TWO_HOURS;
    long t0 = System.currentTimeMillis() / range * range - 4 * range;
    long mint = t0;
    long maxt = Math.max(t0 + range - 1, t0 + (c.samples - 1) * c.interval + 1);
    System.out.printf(
        Locale.ROOT,
        "JVM: %s %s, heap max %d MB, %d cores; args %s%n",
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20,
        Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> !a.startsWith("--add-"))
            .toList());
    HeapProbe probe = new HeapProbe(c.sampleMs, c.liveGcMs);
    List<Result> results = new ArrayList<>();
    Path blockCopy = null;
    TsdbOptions opts =
        new TsdbOptions(c.dir.resolve("tsdb"), WalOptions.defaults(), 0)
            .withFlushOnShutdown(false)
            .withCompactionInterval(24 * 3_600_000L);
    long heapEmpty = probe.usedAfterGc();
    try (Tsdb tsdb = Tsdb.open(opts, null)) {
      TenantDb db = tsdb.tenant(TENANT);
      fill(db, c, t0);
      long heapFilled = probe.usedAfterGc();
      System.out.printf(
          Locale.ROOT,
          "head heap: %.0f MB (%.0f B per series)%n",
          (heapFilled - heapEmpty) / 1e6,
          (heapFilled - heapEmpty) / (double) c.series);
      try (StoreServer server = new StoreServer(new TsdbReader(tsdb))) {
        if (c.phases.contains("head")) {
          for (String client : c.clients) {
            for (int r = 1; r <= c.runs; r++) {
              results.add(server.read("head", client, r, mint, maxt, c, probe));
            }
          }
        }
        if (c.phases.contains("block") || c.phases.contains("prometheus")) {
          long start = System.nanoTime();
          List<Path> written = db.compactor().flush();
          System.out.printf(
              Locale.ROOT,
              "flushed the head into %s in %.1f s%n",
              written,
              (System.nanoTime() - start) / 1e9);
          if (db.blocks().size() != 1) {
            throw new IllegalStateException("expected one block, got " + db.blocks());
          }
          Block b = db.blocks().get(0);
          System.out.printf(
              Locale.ROOT,
              "block %s: [%d, %d), %d series, %d chunks, %d samples; chunk files %d bytes%n",
              b.ulid(),
              b.minTime(),
              b.maxTime(),
              b.meta().numSeries(),
              b.meta().numChunks(),
              b.meta().numSamples(),
              sizeOf(b.dir().resolve("chunks")));
          if (c.phases.contains("block")) {
            for (String client : c.clients) {
              for (int r = 1; r <= c.runs; r++) {
                results.add(server.read("block", client, r, mint, maxt, c, probe));
              }
            }
          }
          if (c.phases.contains("prometheus")) {
            Path data = c.dir.resolve("prometheus").resolve("data");
            blockCopy = data.resolve(b.dir().getFileName());
            copyTree(b.dir(), blockCopy);
          }
        }
      }
    }
    if (blockCopy != null) {
      probe.usedAfterGc(); // our JVM idles while Prometheus answers
      try (PrometheusProcess prom =
          new PrometheusProcess(c.prometheus, blockCopy.getParent().getParent())) {
        for (int r = 1; r <= c.runs; r++) {
          results.add(prom.read(PROMETHEUS, r, mint, maxt, c));
        }
      }
    }
    if (c.phases.contains("prometheus-head")) {
      // The same samples remote-written into an empty Prometheus: read from its head, as ours.
      Path home = c.dir.resolve("prometheus-head");
      Files.createDirectories(home.resolve("data"));
      probe.usedAfterGc();
      try (PrometheusProcess prom =
          new PrometheusProcess(c.prometheus, home, "--web.enable-remote-write-receiver")) {
        prom.remoteWrite(c, t0);
        for (int r = 1; r <= c.runs; r++) {
          results.add(prom.read(PROMETHEUS_HEAD, r, mint, maxt, c));
        }
      }
    }
    report(c, results);
    if (!c.keep) {
      deleteTree(c.dir);
    }
  }

  // ---- data -------------------------------------------------------------------------------

  /** Receives the data set's samples, scrape by scrape (time-major), series in order. */
  private interface SampleSink {
    void sample(int series, long t, double v) throws IOException, InterruptedException;
  }

  /** The labels of series {@code s}, as name/value pairs. */
  private static String[] seriesLabels(int s) {
    return new String[] {
      "__name__",
      metricName(s),
      "instance",
      "host-" + (s / 1000) + ":9100",
      "job",
      "node",
      "series",
      Integer.toString(s)
    };
  }

  /**
   * Every sample of the data set, always the same ones in the same order (one seeded generator), so
   * that the head and a Prometheus that ingests them hold the same data.
   */
  private static void generate(Config c, long t0, SampleSink out)
      throws IOException, InterruptedException {
    double[] value = new double[c.series];
    SplittableRandom rnd = new SplittableRandom(42);
    for (int k = 0; k < c.samples; k++) {
      long scrape = t0 + k * c.interval;
      for (int s = 0; s < c.series; s++) {
        value[s] = next(s, value[s], rnd);
        out.sample(s, scrape + (rnd.nextInt(10) == 0 ? 1 : 0), value[s]);
      }
    }
  }

  private static void fill(TenantDb db, Config c, long t0)
      throws IOException, InterruptedException {
    int series = c.series;
    byte[][] labels = new byte[series][];
    for (int s = 0; s < series; s++) {
      labels[s] = LabelBytes.encode(seriesLabels(s));
    }
    WriteBatch batch = new WriteBatch();
    batch.tenant = TENANT;
    long start = System.nanoTime();
    generate(
        c,
        t0,
        (s, t, v) -> {
          byte[] l = labels[s];
          int off = batch.reserveBytes(l.length);
          System.arraycopy(l, 0, batch.bytes, off, l.length);
          batch.beginSeries(XxHash64.hash(batch.bytes, off, l.length, 0), off, l.length);
          batch.addSample(t, v);
          if (s % 2000 == 1999 || s == series - 1) {
            db.append(batch);
            if (batch.failure != null) {
              throw new IOException("append failed", batch.failure);
            }
            batch.reset();
            batch.tenant = TENANT;
          }
        });
    double sec = (System.nanoTime() - start) / 1e9;
    long total = (long) series * c.samples;
    System.out.printf(
        Locale.ROOT,
        "appended %d samples of %d series (%d each, %d ms apart, from %d) in %.1f s%n",
        total,
        series,
        c.samples,
        c.interval,
        t0,
        sec);
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

  /** As {@link BlockCutBench}: per 20 series 6 constant, 4+4 counters, 3 gauges, 3 CPU counters. */
  private static int kind(int s) {
    int k = s % 20;
    return k < 6 ? 0 : k < 10 ? 1 : k < 14 ? 2 : k < 17 ? 3 : 4;
  }

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

  // ---- results ----------------------------------------------------------------------------

  /** One read call. Heap figures are -1 where they do not apply (Prometheus). */
  private static final class Result {
    String what;
    int run;
    double seconds;
    long series;
    long frames;
    long chunks;
    long chunkBytes;
    long samples;
    long digest;
    double serverCpu;
    double clientCpu;
    double jvmCpu;
    double otherCpu;
    long serverAlloc = -1;
    long clientAlloc = -1;
    long heapBefore = -1;
    long maxUsed = -1;
    long maxAfterGc = -1;
    long maxLive = -1;
    int youngGcs = -1;
    int fullGcs = -1;
    long gcPauseMs = -1;
    long rssBefore = -1;
    long rssPeak = -1;

    double seriesPerSec() {
      return series / seconds;
    }

    String name() {
      return what + " #" + run + (run == 1 ? " (cold)" : " (warm)");
    }
  }

  /** The answer's totals, counted as the frames arrive. */
  private static final class Tally {
    long series;
    long frames;
    long chunks;
    long bytes;
    long samples;
    final CRC32C crc = new CRC32C();
    private List<Label> previous;

    /** A StoreAPI frame: a series (or the next part of one), a warning or hints. */
    void add(SeriesResponse resp) {
      if (!resp.hasSeries()) {
        return;
      }
      Series s = resp.getSeries();
      frames++;
      List<Label> labels = s.getLabelsList();
      if (!labels.equals(previous)) {
        series++;
        previous = labels;
      }
      for (AggrChunk ch : s.getChunksList()) {
        chunk(ch.getRaw().getData());
      }
    }

    void chunk(ByteString data) {
      chunks++;
      bytes += data.size();
      if (data.size() >= 2) {
        samples += ((data.byteAt(0) & 0xff) << 8) | (data.byteAt(1) & 0xff);
      }
      for (java.nio.ByteBuffer b : data.asReadOnlyByteBufferList()) {
        crc.update(b);
      }
    }

    void into(Result r) {
      r.series = series;
      r.frames = frames;
      r.chunks = chunks;
      r.chunkBytes = bytes;
      r.samples = samples;
      r.digest = crc.getValue();
    }
  }

  private static void report(Config c, List<Result> results) {
    System.out.println();
    System.out.printf(
        Locale.ROOT,
        "%d series x %d samples (%d ms apart), selector %s, one request per call%n%n",
        c.series,
        c.samples,
        c.interval,
        c.metric == null ? "{__name__=~\".+\"}" : "{__name__=\"" + c.metric + "\"}");
    System.out.println(
        "| call | s | series/s | chunks/s | chunk MB/s | samples/s | server CPU s | client CPU s"
            + " | JVM CPU s | other CPU s"
            + " | server alloc MB | max used - before MB | max after GC - before MB | max live"
            + " (full GC) - before MB | young GCs (pause ms) |");
    System.out.println(
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (Result r : results) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %.2f | %,.0f | %,.0f | %.1f | %,.0f | %.2f | %.2f | %.2f | %.2f | %s | %s | %s | %s"
              + " | %s |%n",
          r.name(),
          r.seconds,
          r.seriesPerSec(),
          r.chunks / r.seconds,
          r.chunkBytes / r.seconds / 1e6,
          r.samples / r.seconds,
          r.serverCpu,
          r.clientCpu,
          r.jvmCpu,
          r.otherCpu,
          r.serverAlloc < 0 ? "-" : String.format(Locale.ROOT, "%,.0f", r.serverAlloc / 1e6),
          r.maxUsed < 0 ? "-" : mb(r.maxUsed - r.heapBefore),
          r.heapBefore < 0 ? "-" : r.maxAfterGc < 0 ? "no GC" : mb(r.maxAfterGc - r.heapBefore),
          r.maxLive < 0 ? "-" : mb(r.maxLive - r.heapBefore),
          r.youngGcs < 0
              ? "-"
              : r.youngGcs
                  + (r.fullGcs > 0 ? " + " + r.fullGcs + " full" : "")
                  + " ("
                  + r.gcPauseMs
                  + ")");
    }
    System.out.println();
    System.out.println(
        "| call | series | frames | chunks | chunk bytes | samples | chunk CRC32C | notes |");
    System.out.println("|---|---:|---:|---:|---:|---:|---|---|");
    for (Result r : results) {
      String notes;
      if (r.rssBefore >= 0) {
        notes =
            String.format(
                Locale.ROOT,
                "Prometheus RSS %.0f MB before, peak %.0f MB",
                r.rssBefore / 1e6,
                r.rssPeak / 1e6);
      } else {
        notes =
            String.format(
                Locale.ROOT,
                "heap before %.0f MB; client alloc %.0f MB",
                r.heapBefore / 1e6,
                r.clientAlloc / 1e6);
      }
      System.out.printf(
          Locale.ROOT,
          "| %s | %,d | %,d | %,d | %,d | %,d | %08x | %s |%n",
          r.name(),
          r.series,
          r.frames,
          r.chunks,
          r.chunkBytes,
          r.samples,
          r.digest,
          notes);
    }
    Map<String, Result> best = new HashMap<>();
    for (Result r : results) {
      best.merge(r.what, r, (a, b) -> a.seriesPerSec() >= b.seriesPerSec() ? a : b);
    }
    // Each of our readers against each Prometheus reader of the same data (its block, its head).
    System.out.println();
    for (String promName : List.of(PROMETHEUS, PROMETHEUS_HEAD)) {
      Result prom = best.get(promName);
      if (prom == null) {
        continue;
      }
      for (Result r : best.values()) {
        if (!r.what.startsWith("Prometheus")) {
          System.out.printf(
              Locale.ROOT,
              "%s: %.2fx %s series/s (best runs); same chunk bytes: %s%n",
              r.what,
              r.seriesPerSec() / prom.seriesPerSec(),
              promName,
              r.digest == prom.digest && r.chunkBytes == prom.chunkBytes);
        }
      }
    }
    for (Result r : results) {
      System.out.printf(
          Locale.ROOT,
          "{\"call\":\"%s\",\"run\":%d,\"series_total\":%d,\"seconds\":%.3f,\"series\":%d,\"frames\":%d,"
              + "\"chunks\":%d,\"chunk_bytes\":%d,\"samples\":%d,\"server_cpu_sec\":%.3f,"
              + "\"client_cpu_sec\":%.3f,\"jvm_cpu_sec\":%.3f,\"other_cpu_sec\":%.3f,"
              + "\"server_alloc_bytes\":%d,\"client_alloc_bytes\":%d,"
              + "\"heap_before\":%d,\"heap_max_used\":%d,\"heap_max_after_gc\":%d,\"heap_max_live\":%d,"
              + "\"young_gcs\":%d,\"full_gcs\":%d,\"gc_pause_ms\":%d,\"rss_before\":%d,\"rss_peak\":%d}%n",
          r.what,
          r.run,
          c.series,
          r.seconds,
          r.series,
          r.frames,
          r.chunks,
          r.chunkBytes,
          r.samples,
          r.serverCpu,
          r.clientCpu,
          r.jvmCpu,
          r.otherCpu,
          r.serverAlloc,
          r.clientAlloc,
          r.heapBefore,
          r.maxUsed,
          r.maxAfterGc,
          r.maxLive,
          r.youngGcs,
          r.fullGcs,
          r.gcPauseMs,
          r.rssBefore,
          r.rssPeak);
    }
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%,.1f", bytes / 1e6);
  }

  // ---- heap -------------------------------------------------------------------------------

  /**
   * Heap during a call: a sampler thread (used heap every few ms; with {@code liveGcMs}, also a
   * full collection that often, whose result is the live heap) and the collectors' notifications
   * (heap left after each collection, counts and pauses).
   */
  private static final class HeapProbe {
    private final MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    private final long sampleMs;
    private final long liveGcMs;
    private final Set<String> heapPools = new HashSet<>();
    private volatile boolean recording;
    private volatile boolean sampling;
    private final AtomicLong maxUsed = new AtomicLong();
    private final AtomicLong maxAfterGc = new AtomicLong();
    private final AtomicLong maxAfterFull = new AtomicLong();
    private final AtomicInteger young = new AtomicInteger();
    private final AtomicInteger full = new AtomicInteger();
    private final AtomicLong pauseMs = new AtomicLong();
    private Thread sampler;

    HeapProbe(long sampleMs, long liveGcMs) {
      this.sampleMs = sampleMs;
      this.liveGcMs = liveGcMs;
      for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
        if (p.getType() == MemoryType.HEAP) {
          heapPools.add(p.getName());
        }
      }
      NotificationListener listener = this::onGc;
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
      }
    }

    private void onGc(Notification n, Object handback) {
      if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
        return;
      }
      if (!recording) {
        return;
      }
      GarbageCollectionNotificationInfo info =
          GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
      long used = 0;
      for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
        if (heapPools.contains(e.getKey())) {
          used += e.getValue().getUsed();
        }
      }
      maxAfterGc.accumulateAndGet(used, Math::max);
      if (info.getGcAction().contains("major")) {
        maxAfterFull.accumulateAndGet(used, Math::max);
        full.incrementAndGet();
      } else {
        young.incrementAndGet();
      }
      pauseMs.addAndGet(info.getGcInfo().getDuration());
    }

    /** Used heap after three full collections (and their notifications delivered). */
    long usedAfterGc() throws InterruptedException {
      for (int i = 0; i < 3; i++) {
        System.gc();
        Thread.sleep(200);
      }
      return mem.getHeapMemoryUsage().getUsed();
    }

    void start(Result r) throws InterruptedException {
      r.heapBefore = usedAfterGc();
      maxUsed.set(mem.getHeapMemoryUsage().getUsed());
      maxAfterGc.set(0);
      maxAfterFull.set(0);
      young.set(0);
      full.set(0);
      pauseMs.set(0);
      recording = true;
      sampling = true;
      long startNanos = System.nanoTime();
      sampler =
          new Thread(
              () -> {
                long nextGc = startNanos + TimeUnit.MILLISECONDS.toNanos(liveGcMs);
                while (sampling) {
                  maxUsed.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
                  if (liveGcMs > 0 && System.nanoTime() >= nextGc) {
                    System.gc();
                    nextGc = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(liveGcMs);
                  }
                  try {
                    Thread.sleep(sampleMs);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "heap-sampler");
      sampler.setDaemon(true);
      sampler.start();
    }

    void stop(Result r) throws InterruptedException {
      maxUsed.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
      sampling = false;
      sampler.join();
      Thread.sleep(300); // notifications of collections during the call arrive asynchronously
      recording = false;
      r.maxUsed = maxUsed.get();
      // Without a collection during the call there is no after-GC figure (-1), not a zero.
      r.maxAfterGc = young.get() + full.get() == 0 ? -1 : maxAfterGc.get();
      r.maxLive = full.get() == 0 ? -1 : maxAfterFull.get();
      r.youngGcs = young.get();
      r.fullGcs = full.get();
      r.gcPauseMs = pauseMs.get();
    }
  }

  /**
   * CPU seconds used so far by the whole machine (/proc/stat: user, nice, system, irq, softirq; not
   * steal), by this JVM, and by a Prometheus process: what else ran during a call is the machine's
   * share minus ours and Prometheus'.
   */
  private record MachineCpu(double machine, double jvm, double prometheus) {
    static MachineCpu now(long prometheusPid) throws IOException {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7}) {
        busy += Long.parseLong(f[i]);
      }
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      return new MachineCpu(
          busy / 100.0,
          os.getProcessCpuTime() / 1e9,
          prometheusPid < 0 ? 0 : PrometheusProcess.cpuSeconds(prometheusPid));
    }

    void since(MachineCpu before, Result r) {
      r.jvmCpu = jvm - before.jvm;
      r.otherCpu =
          Math.max(0, (machine - before.machine) - r.jvmCpu - (prometheus - before.prometheus));
    }
  }

  /** Allocated bytes and CPU ns of the live threads whose names pass {@code which}, by id. */
  private static Map<Long, long[]> threadUsage(Predicate<String> which) {
    com.sun.management.ThreadMXBean tmx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long[] ids = tmx.getAllThreadIds();
    ThreadInfo[] infos = tmx.getThreadInfo(ids);
    Map<Long, long[]> out = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] != null && which.test(infos[i].getThreadName())) {
        out.put(
            ids[i], new long[] {tmx.getThreadAllocatedBytes(ids[i]), tmx.getThreadCpuTime(ids[i])});
      }
    }
    return out;
  }

  /** Sum over the threads in {@code after} of (after - before): {allocated bytes, CPU ns}. */
  private static long[] delta(Map<Long, long[]> before, Map<Long, long[]> after) {
    long[] d = new long[2];
    for (Map.Entry<Long, long[]> e : after.entrySet()) {
      long[] b = before.getOrDefault(e.getKey(), new long[2]);
      d[0] += e.getValue()[0] - b[0];
      d[1] += e.getValue()[1] - b[1];
    }
    return d;
  }

  // ---- StoreAPI ---------------------------------------------------------------------------

  /** The StoreAPI on a grpc-netty server on 127.0.0.1 and a channel to it, with named threads. */
  private static final class StoreServer implements AutoCloseable {
    private final ExecutorService executor;
    private final ExecutorService clientExecutor;
    private final EventLoopGroup serverBoss;
    private final EventLoopGroup serverWorkers;
    private final EventLoopGroup clientLoop;
    private final Server server;
    private final ManagedChannel channel;

    StoreServer(TsdbReader data) throws IOException {
      boolean epoll = Epoll.isAvailable();
      IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
      // As the gateway's gRPC server: a fixed pool of one thread per core answers the calls.
      executor =
          Executors.newFixedThreadPool(
              Runtime.getRuntime().availableProcessors(), named(SERVER_THREADS + "exec-"));
      serverBoss = new MultiThreadIoEventLoopGroup(1, named(SERVER_THREADS + "boss-"), io);
      serverWorkers = new MultiThreadIoEventLoopGroup(1, named(SERVER_THREADS + "elg-"), io);
      clientLoop = new MultiThreadIoEventLoopGroup(1, named(CLIENT_THREADS + "elg-"), io);
      // The channel's own executor too, so that all of the client's threads are counted.
      clientExecutor = Executors.newCachedThreadPool(named(CLIENT_THREADS + "exec-"));
      Class<? extends ServerChannel> serverChannel =
          epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
      StoreApi api =
          new StoreApi(data, () -> true, StoreApiOptions.defaults(), new PrometheusRegistry());
      NettyServerBuilder b =
          NettyServerBuilder.forAddress(new java.net.InetSocketAddress("127.0.0.1", 0))
              .channelType(serverChannel)
              .bossEventLoopGroup(serverBoss)
              .workerEventLoopGroup(serverWorkers)
              .executor(executor);
      for (ServerServiceDefinition d : api.definitions()) {
        b.addService(d);
      }
      server = b.build().start();
      channel =
          NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
              .channelType(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
              .eventLoopGroup(clientLoop)
              .executor(clientExecutor)
              .offloadExecutor(clientExecutor)
              .usePlaintext()
              .maxInboundMessageSize(256 << 20)
              .build();
      System.out.printf(
          Locale.ROOT,
          "StoreAPI on 127.0.0.1:%d (%s)%n",
          server.getPort(),
          epoll ? "epoll" : "nio");
    }

    Result read(
        String source, String client, int run, long mint, long maxt, Config c, HeapProbe probe)
        throws InterruptedException, IOException {
      String what =
          "StoreAPI Series, "
              + source
              + (client.equals("async") ? ", async stub" : ", blocking stub");
      String metric = c.metric;
      LabelMatcher m =
          metric == null
              ? LabelMatcher.newBuilder()
                  .setType(LabelMatcher.Type.RE)
                  .setName("__name__")
                  .setValue(".+")
                  .build()
              : LabelMatcher.newBuilder()
                  .setType(LabelMatcher.Type.EQ)
                  .setName("__name__")
                  .setValue(metric)
                  .build();
      SeriesRequest req =
          SeriesRequest.newBuilder().setMinTime(mint).setMaxTime(maxt).addMatchers(m).build();
      Result r = new Result();
      r.what = what;
      r.run = run;
      String me = Thread.currentThread().getName();
      Predicate<String> serverThreads = n -> n.startsWith(SERVER_THREADS);
      Predicate<String> clientThreads = n -> n.startsWith(CLIENT_THREADS) || n.equals(me);
      Recording jfr = startJfr(c);
      probe.start(r);
      Map<Long, long[]> s0 = threadUsage(serverThreads);
      Map<Long, long[]> c0 = threadUsage(clientThreads);
      MachineCpu m0 = MachineCpu.now(-1);
      Tally t = new Tally();
      long start = System.nanoTime();
      if (client.equals("async")) {
        readAsync(req, t);
      } else {
        Iterator<SeriesResponse> it = StoreGrpc.newBlockingStub(channel).series(req);
        while (it.hasNext()) {
          t.add(it.next());
        }
      }
      r.seconds = (System.nanoTime() - start) / 1e9;
      MachineCpu.now(-1).since(m0, r);
      long[] sd = delta(s0, threadUsage(serverThreads));
      long[] cd = delta(c0, threadUsage(clientThreads));
      probe.stop(r);
      stopJfr(jfr, c, what, run);
      t.into(r);
      r.serverAlloc = sd[0];
      r.serverCpu = sd[1] / 1e9;
      r.clientAlloc = cd[0];
      r.clientCpu = cd[1] / 1e9;
      printRun(r);
      return r;
    }

    /**
     * The async stub with a direct executor: each message is parsed and counted on the client's
     * event loop as it arrives, with no hand-off to the calling thread (the blocking stub wakes the
     * caller for every message).
     */
    private void readAsync(SeriesRequest req, Tally t) throws InterruptedException, IOException {
      CountDownLatch done = new CountDownLatch(1);
      Throwable[] failure = new Throwable[1];
      StoreGrpc.newStub(channel)
          .withExecutor(Runnable::run)
          .series(
              req,
              new StreamObserver<SeriesResponse>() {
                @Override
                public void onNext(SeriesResponse resp) {
                  t.add(resp);
                }

                @Override
                public void onError(Throwable e) {
                  failure[0] = e;
                  done.countDown();
                }

                @Override
                public void onCompleted() {
                  done.countDown();
                }
              });
      done.await();
      if (failure[0] != null) {
        throw new IOException("Series failed", failure[0]);
      }
    }

    @Override
    public void close() {
      channel.shutdownNow();
      server.shutdownNow();
      try {
        channel.awaitTermination(10, TimeUnit.SECONDS);
        server.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      executor.shutdownNow();
      clientExecutor.shutdownNow();
      clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      serverWorkers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      serverBoss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  private static void printRun(Result r) {
    System.out.printf(
        Locale.ROOT,
        "%s: %.2f s, %d series (%.0f/s), %d frames, %d chunks, %.1f MB of chunks (%.1f MB/s),"
            + " %d samples; server CPU %.2f s, client CPU %.2f s, JVM CPU %.2f s, other processes"
            + " %.2f s%s%n",
        r.name(),
        r.seconds,
        r.series,
        r.seriesPerSec(),
        r.frames,
        r.chunks,
        r.chunkBytes / 1e6,
        r.chunkBytes / r.seconds / 1e6,
        r.samples,
        r.serverCpu,
        r.clientCpu,
        r.jvmCpu,
        r.otherCpu,
        r.heapBefore < 0
            ? ""
            : String.format(
                Locale.ROOT,
                "; heap before %.0f MB, max used +%.1f MB, max after GC %s, max live %s, %d young GCs"
                    + " (%d full, %d ms), server alloc %.0f MB, client alloc %.0f MB",
                r.heapBefore / 1e6,
                (r.maxUsed - r.heapBefore) / 1e6,
                r.maxAfterGc < 0 ? "n/a (no GC)" : "+" + mb(r.maxAfterGc - r.heapBefore) + " MB",
                r.maxLive < 0 ? "n/a" : "+" + mb(r.maxLive - r.heapBefore) + " MB",
                r.youngGcs,
                r.fullGcs,
                r.gcPauseMs,
                r.serverAlloc / 1e6,
                r.clientAlloc / 1e6));
  }

  /** A JFR recording (profile settings, Java samples every ms) of one call, when --jfr is given. */
  private static Recording startJfr(Config c) throws IOException {
    if (c.jfr == null) {
      return null;
    }
    try {
      Recording r = new Recording(Configuration.getConfiguration("profile"));
      // A call takes well under a second: sample often enough to see where it goes.
      r.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(1));
      r.start();
      return r;
    } catch (java.text.ParseException e) {
      throw new IOException(e);
    }
  }

  private static void stopJfr(Recording r, Config c, String what, int run) throws IOException {
    if (r == null) {
      return;
    }
    r.stop();
    Files.createDirectories(c.jfr);
    Path out =
        c.jfr.resolve(
            what.replaceAll("[^A-Za-z0-9]+", "-").toLowerCase(Locale.ROOT) + run + ".jfr");
    r.dump(out);
    r.close();
    System.out.println("JFR recording of the call: " + out);
  }

  /**
   * Netty's kind of thread (as its own event loops and the gateway's gRPC executor use), whose
   * thread locals netty's buffer pools look up without a hash map.
   */
  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t =
          new io.netty.util.concurrent.FastThreadLocalThread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  // ---- Prometheus -------------------------------------------------------------------------

  /** Prometheus on 127.0.0.1 over a data directory, started and stopped by this process. */
  private static final class PrometheusProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final String base;
    private final Path log;
    private final HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    PrometheusProcess(String binary, Path home, String... flags)
        throws IOException, InterruptedException {
      Path config = home.resolve("prometheus.yml");
      Files.writeString(config, "global:\n  scrape_interval: 15s\n");
      log = home.resolve("prometheus.log");
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
        port = s.getLocalPort();
      }
      base = "http://127.0.0.1:" + port;
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  binary,
                  "--config.file=" + config,
                  "--storage.tsdb.path=" + home.resolve("data"),
                  "--storage.tsdb.retention.time=100y",
                  "--web.listen-address=127.0.0.1:" + port));
      cmd.addAll(Arrays.asList(flags));
      process =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      long start = System.nanoTime();
      while (true) {
        if (!process.isAlive()) {
          throw new IOException("prometheus exited with " + process.exitValue() + "; see " + log);
        }
        try {
          HttpResponse<String> r =
              http.send(
                  HttpRequest.newBuilder(URI.create(base + "/-/ready")).GET().build(),
                  HttpResponse.BodyHandlers.ofString());
          if (r.statusCode() == 200) {
            break;
          }
        } catch (IOException e) {
          // not listening yet
        }
        if (System.nanoTime() > deadline) {
          close();
          throw new IOException("prometheus not ready after 120 s; see " + log);
        }
        Thread.sleep(100);
      }
      System.out.printf(
          Locale.ROOT,
          "Prometheus (pid %d) ready on %s after %.1f s; log %s%n",
          process.pid(),
          base,
          (System.nanoTime() - start) / 1e9,
          log);
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        if (line.contains("block") || line.contains("level=warn") || line.contains("level=error")) {
          System.out.println("  prometheus: " + line);
        }
      }
    }

    /**
     * Remote-writes the data set ({@link #generate}) into this Prometheus: requests of 10,000
     * samples, two senders, each owning half of the series so that every series' samples arrive in
     * order.
     */
    void remoteWrite(Config c, long t0) throws IOException, InterruptedException {
      int senders = 2;
      int perRequest = 10_000;
      List<java.util.concurrent.BlockingQueue<byte[]>> queues = new ArrayList<>();
      List<Thread> threads = new ArrayList<>();
      java.util.concurrent.atomic.AtomicReference<Exception> failed =
          new java.util.concurrent.atomic.AtomicReference<>();
      byte[] stop = new byte[0];
      for (int i = 0; i < senders; i++) {
        java.util.concurrent.BlockingQueue<byte[]> q =
            new java.util.concurrent.ArrayBlockingQueue<>(8);
        queues.add(q);
        Thread t =
            new Thread(
                () -> {
                  try {
                    for (byte[] body = q.take(); body != stop; body = q.take()) {
                      if (failed.get() == null) {
                        post(body);
                      }
                    }
                  } catch (Exception e) {
                    failed.compareAndSet(null, e);
                  }
                },
                "prom-rw-" + i);
        t.start();
        threads.add(t);
      }
      int half = (c.series + senders - 1) / senders;
      io.rwgateway.proto.prompb.WriteRequest.Builder[] pending =
          new io.rwgateway.proto.prompb.WriteRequest.Builder[senders];
      int[] count = new int[senders];
      long start = System.nanoTime();
      generate(
          c,
          t0,
          (s, t, v) -> {
            int i = s / half;
            if (pending[i] == null) {
              pending[i] = io.rwgateway.proto.prompb.WriteRequest.newBuilder();
            }
            io.rwgateway.proto.prompb.TimeSeries.Builder ts = pending[i].addTimeseriesBuilder();
            String[] nv = seriesLabels(s);
            for (int j = 0; j < nv.length; j += 2) {
              ts.addLabelsBuilder().setName(nv[j]).setValue(nv[j + 1]);
            }
            ts.addSamplesBuilder().setTimestamp(t).setValue(v);
            if (++count[i] == perRequest || s == Math.min(c.series, (i + 1) * half) - 1) {
              queues.get(i).put(Snappy.compress(pending[i].build().toByteArray()));
              pending[i] = null;
              count[i] = 0;
            }
            if (failed.get() != null) {
              throw new IOException("remote write to Prometheus failed", failed.get());
            }
          });
      for (int i = 0; i < senders; i++) {
        queues.get(i).put(stop);
      }
      for (Thread t : threads) {
        t.join();
      }
      if (failed.get() != null) {
        throw new IOException("remote write to Prometheus failed", failed.get());
      }
      System.out.printf(
          Locale.ROOT,
          "remote-wrote %d samples into Prometheus in %.1f s%n",
          (long) c.series * c.samples,
          (System.nanoTime() - start) / 1e9);
    }

    private void post(byte[] body) throws IOException, InterruptedException {
      for (int attempt = 1; ; attempt++) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/api/v1/write"))
                    .header("Content-Type", "application/x-protobuf")
                    .header("Content-Encoding", "snappy")
                    .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 == 2) {
          return;
        }
        if (r.statusCode() / 100 != 5 || attempt == 5) {
          throw new IOException("Prometheus answered " + r.statusCode() + ": " + r.body());
        }
        Thread.sleep(100L * attempt);
      }
    }

    Result read(String what, int run, long mint, long maxt, Config c)
        throws IOException, InterruptedException {
      io.rwgateway.proto.prompb.LabelMatcher m =
          c.metric == null
              ? io.rwgateway.proto.prompb.LabelMatcher.newBuilder()
                  .setType(io.rwgateway.proto.prompb.LabelMatcher.Type.RE)
                  .setName("__name__")
                  .setValue(".+")
                  .build()
              : io.rwgateway.proto.prompb.LabelMatcher.newBuilder()
                  .setType(io.rwgateway.proto.prompb.LabelMatcher.Type.EQ)
                  .setName("__name__")
                  .setValue(c.metric)
                  .build();
      byte[] body =
          Snappy.compress(
              ReadRequest.newBuilder()
                  .addQueries(
                      Query.newBuilder()
                          .setStartTimestampMs(mint)
                          .setEndTimestampMs(maxt)
                          .addMatchers(m))
                  .addAcceptedResponseTypes(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS)
                  .build()
                  .toByteArray());
      Result r = new Result();
      r.what = what;
      r.run = run;
      long pid = process.pid();
      resetPeakRss(pid);
      r.rssBefore = status(pid, "VmRSS:");
      double cpu0 = cpuSeconds(pid);
      String me = Thread.currentThread().getName();
      Map<Long, long[]> c0 = threadUsage(n -> n.equals(me));
      MachineCpu m0 = MachineCpu.now(pid);
      Tally t = new Tally();
      long start = System.nanoTime();
      // One blocking socket read by this thread: no client-side hand-offs between threads.
      try (Socket sock = new Socket()) {
        sock.setTcpNoDelay(true);
        sock.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
        String head =
            "POST /api/v1/read HTTP/1.1\r\nHost: 127.0.0.1:"
                + port
                + "\r\nContent-Type: application/x-protobuf\r\nContent-Encoding: snappy\r\n"
                + "X-Prometheus-Remote-Read-Version: 0.1.0\r\nConnection: close\r\n"
                + "Content-Length: "
                + body.length
                + "\r\n\r\n";
        OutputStream out = sock.getOutputStream();
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        InputStream in = new BufferedInputStream(sock.getInputStream(), 1 << 16);
        String statusLine = readLine(in);
        String[] parts = statusLine.split(" ", 3);
        int code = Integer.parseInt(parts[1]);
        Map<String, String> headers = new HashMap<>();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
          int colon = line.indexOf(':');
          headers.put(
              line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
              line.substring(colon + 1).trim());
        }
        InputStream content =
            "chunked".equalsIgnoreCase(headers.get("transfer-encoding"))
                ? new ChunkedInputStream(in)
                : in;
        if (code != 200) {
          throw new IOException(
              "remote read: "
                  + statusLine
                  + ": "
                  + new String(content.readNBytes(4096), StandardCharsets.UTF_8));
        }
        String type = headers.getOrDefault("content-type", "");
        if (!type.startsWith("application/x-streamed-protobuf")) {
          throw new IOException("remote read answered " + type + ", not a stream");
        }
        readFrames(new DataInputStream(content), t);
      }
      r.seconds = (System.nanoTime() - start) / 1e9;
      MachineCpu.now(pid).since(m0, r);
      r.serverCpu = cpuSeconds(pid) - cpu0;
      long[] cd = delta(c0, threadUsage(n -> n.equals(me)));
      r.clientAlloc = cd[0];
      r.clientCpu = cd[1] / 1e9;
      r.rssPeak = status(pid, "VmHWM:");
      t.into(r);
      printRun(r);
      return r;
    }

    /** A header line without its CRLF. */
    private static String readLine(InputStream in) throws IOException {
      StringBuilder b = new StringBuilder();
      while (true) {
        int c = in.read();
        if (c < 0) {
          throw new EOFException("connection closed inside the response head");
        }
        if (c == '\n') {
          int n = b.length();
          return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
        }
        b.append((char) c);
      }
    }

    /** Streamed remote read's frames: uvarint length, CRC32C (big-endian), ChunkedReadResponse. */
    private static void readFrames(DataInputStream in, Tally t) throws IOException {
      byte[] buf = new byte[1 << 20];
      CRC32C crc = new CRC32C();
      List<io.rwgateway.proto.prompb.Label> previous = null;
      while (true) {
        int b = in.read();
        if (b < 0) {
          return;
        }
        long len = b & 0x7F;
        for (int shift = 7; (b & 0x80) != 0; shift += 7) {
          b = in.readUnsignedByte();
          len |= (long) (b & 0x7F) << shift;
        }
        if (len > 256 << 20) {
          throw new IOException("frame of " + len + " bytes");
        }
        int expected = in.readInt();
        if (buf.length < len) {
          buf = new byte[(int) len];
        }
        try {
          in.readFully(buf, 0, (int) len);
        } catch (EOFException e) {
          throw new IOException("stream cut inside a frame", e);
        }
        crc.reset();
        crc.update(buf, 0, (int) len);
        if ((int) crc.getValue() != expected) {
          throw new IOException("frame CRC32C mismatch");
        }
        ChunkedReadResponse frame =
            ChunkedReadResponse.parseFrom(CodedInputStream.newInstance(buf, 0, (int) len));
        t.frames++;
        for (ChunkedSeries s : frame.getChunkedSeriesList()) {
          List<io.rwgateway.proto.prompb.Label> labels = s.getLabelsList();
          if (!labels.equals(previous)) {
            t.series++;
            previous = labels;
          }
          for (io.rwgateway.proto.prompb.Chunk ch : s.getChunksList()) {
            t.chunk(ch.getData());
          }
        }
      }
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
          process.destroyForcibly();
          process.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }

    private static void resetPeakRss(long pid) {
      try {
        Files.writeString(Path.of("/proc/" + pid + "/clear_refs"), "5");
      } catch (IOException e) {
        // the peak is then since the start
      }
    }

    /** A /proc/pid/status field in bytes (the kB figures), -1 when unreadable. */
    private static long status(long pid, String field) {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
          if (line.startsWith(field)) {
            return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]) * 1024;
          }
        }
      } catch (IOException | RuntimeException e) {
        return -1;
      }
      return -1;
    }

    /** utime + stime of the process, in seconds (clock ticks of 1/100 s). */
    static double cpuSeconds(long pid) throws IOException {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // after the command: state(3) ... utime is field 14, stime 15 (1-based over the whole line)
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    }
  }

  /** An HTTP/1.1 chunked body (RFC 9112 section 7.1), trailers skipped. */
  private static final class ChunkedInputStream extends InputStream {
    private final InputStream in;
    private long left;
    private boolean started;
    private boolean eof;

    ChunkedInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (eof) {
        return -1;
      }
      if (left == 0) {
        if (started) {
          line(); // the CRLF after the previous chunk's data
        }
        started = true;
        String size = line();
        int semi = size.indexOf(';');
        left = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
        if (left == 0) {
          while (!line().isEmpty()) {
            // trailers
          }
          eof = true;
          return -1;
        }
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new EOFException("connection closed inside a chunk");
      }
      left -= n;
      return n;
    }

    private String line() throws IOException {
      StringBuilder s = new StringBuilder();
      for (int c = in.read(); c != '\n'; c = in.read()) {
        if (c < 0) {
          throw new EOFException("connection closed inside a chunk header");
        }
        if (c != '\r') {
          s.append((char) c);
        }
      }
      return s.toString();
    }
  }

  // ---- files ------------------------------------------------------------------------------

  private static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path q = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(q);
        } else {
          Files.copy(p, q);
        }
      }
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
