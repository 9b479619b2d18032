package io.rwgateway.gateway;

import io.rwgateway.hashring.HashringConfig;
import io.rwgateway.ingest.RemoteWriteOptions;
import io.rwgateway.ingest.decode.DecodeLimits;
import io.rwgateway.ingest.memory.MemoryGuard;
import io.rwgateway.model.Labels;
import io.rwgateway.model.TenantId;
import io.rwgateway.queryapi.QueryOptions;
import io.rwgateway.queryapi.store.StoreApiOptions;
import io.rwgateway.tsdb.db.TsdbOptions;
import io.rwgateway.uploader.ObjstoreConfig;
import io.rwgateway.wal.WalOptions;
import io.rwgateway.wal.WalSyncMode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code gateway receive}: accept remote write into per-tenant WALs and heads. */
@Command(
    name = "receive",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    abbreviateSynopsis = true,
    description =
        "Accept Prometheus remote write (1.0 and 2.0) into a durable per-tenant WAL and in-memory head, "
            + "and serve the read side of the Prometheus HTTP API. Flags are named as in Thanos Receive "
            + "where the meaning is the same.")
final class ReceiveCommand implements Callable<Integer> {
  @Option(
      names = "--remote-write.address",
      defaultValue = "0.0.0.0:19291",
      paramLabel = "<host:port>",
      description =
          "Address for remote-write requests (POST /api/v1/receive, /api/v1/write). Default: ${DEFAULT-VALUE}.")
  String remoteWriteAddress;

  @Option(
      names = "--http-address",
      defaultValue = "0.0.0.0:10902",
      paramLabel = "<host:port>",
      description =
          "Address for /metrics, /-/healthy, /-/ready and the Prometheus HTTP API. Default: ${DEFAULT-VALUE}.")
  String httpAddress;

  @Option(
      names = "--grpc-address",
      defaultValue = "0.0.0.0:10901",
      paramLabel = "<host:port>",
      description =
          "gRPC listener for writes forwarded by peer receivers (thanos.WriteableStore/RemoteWrite, as "
              + "Thanos Receive serves it). Default: ${DEFAULT-VALUE}.")
  String grpcAddress;

  @Option(
      names = "--receive.hashrings-file",
      paramLabel = "<file>",
      description =
          "Thanos hashring file (JSON): with it the gateway routes each series to its owners. Reloaded on "
              + "change; a bad file keeps the last good ring.")
  Path hashringsFile;

  @Option(
      names = "--receive.hashrings",
      paramLabel = "<json>",
      description = "The hashring JSON inline.")
  String hashrings;

  @Option(
      names = "--receive.local-endpoint",
      paramLabel = "<host:port>",
      description =
          "This receiver's address as the hashring names it (its --grpc-address as peers reach it). "
              + "Empty: router only, every series is forwarded.")
  String localEndpoint;

  @Option(
      names = "--receive.replication-factor",
      defaultValue = "1",
      paramLabel = "<n>",
      description =
          "Replicas of each series; a write needs floor(n/2)+1 of them (1 of 2). Default: ${DEFAULT-VALUE}.")
  int replicationFactor;

  @Option(
      names = "--receive.hashrings-algorithm",
      defaultValue = "ketama",
      paramLabel = "<ketama|hashmod>",
      description =
          "Placement for hashrings that do not name one. Thanos' own default is hashmod: set it to keep "
              + "series where a Thanos ring put them. Default: ${DEFAULT-VALUE}.")
  String hashringsAlgorithm;

  @Option(
      names = "--receive.hashrings-file-refresh-interval",
      defaultValue = "5m",
      paramLabel = "<duration>",
      converter = Durations.class,
      description = "Periodic re-read of the hashring file. Default: ${DEFAULT-VALUE}.")
  Duration hashringsRefresh;

  @Option(
      names = "--receive.grpc-compression",
      defaultValue = "snappy",
      paramLabel = "<snappy|gzip|none>",
      description =
          "Compression of forwarded writes, as Thanos' flag (snappy is its default and the cheapest). "
              + "Default: ${DEFAULT-VALUE}.")
  String grpcCompression;

  @Option(
      names = "--receive-forward-timeout",
      defaultValue = "5s",
      paramLabel = "<duration>",
      converter = Durations.class,
      description = "Deadline of one forward to a peer. Default: ${DEFAULT-VALUE}.")
  Duration forwardTimeout;

  @Option(
      names = "--tsdb.path",
      defaultValue = "./data",
      paramLabel = "<dir>",
      description =
          "Data directory; each tenant gets <dir>/<tenant>/ with its WAL. Default: ${DEFAULT-VALUE}.")
  Path tsdbPath;

  @Option(
      names = "--receive.tenant-header",
      defaultValue = "THANOS-TENANT",
      paramLabel = "<name>",
      description = "HTTP header that names the tenant of a request. Default: ${DEFAULT-VALUE}.")
  String tenantHeader;

  @Option(
      names = "--receive.default-tenant-id",
      defaultValue = "default-tenant",
      paramLabel = "<id>",
      description = "Tenant of requests without the tenant header. Default: ${DEFAULT-VALUE}.")
  String defaultTenant;

  @Option(
      names = "--receive.tenant-label-name",
      defaultValue = "tenant_id",
      paramLabel = "<name>",
      description =
          "Label that names the tenant: added to every series the StoreAPI serves and to each block's thanos.labels. Default: ${DEFAULT-VALUE}.")
  String tenantLabelName;

  @Mixin StoreLimitsFlags storeLimits = new StoreLimitsFlags();

  @Option(
      names = "--label",
      paramLabel = "<name=\"value\">",
      description =
          "External label of this gateway, repeatable (e.g. --label 'replica=\"a\"'). Written into the thanos section of each block's meta.json, with tenant_id.")
  List<String> labels = new ArrayList<>();

  @Option(
      names = "--tsdb.wal.sync",
      defaultValue = "batch",
      paramLabel = "<batch|interval>",
      description =
          "When WAL appends are forced to disk. batch (default): fsync before answering each group of "
              + "concurrent requests; survives power loss, costs an fsync per group. interval: fsync every "
              + "--tsdb.wal.sync-interval; a machine crash can lose that much acknowledged data (a process "
              + "crash loses nothing either way).")
  String walSync;

  @Option(
      names = "--tsdb.wal.sync-interval",
      defaultValue = "1s",
      paramLabel = "<duration>",
      converter = Durations.class,
      description = "fsync interval with --tsdb.wal.sync=interval. Default: ${DEFAULT-VALUE}.")
  Duration walSyncInterval;

  @Option(
      names = "--tsdb.append-window",
      defaultValue = "1h",
      paramLabel = "<duration>",
      converter = Durations.class,
      description =
          "Samples older than the tenant's newest sample minus this are rejected as too old (409). Default: ${DEFAULT-VALUE}.")
  Duration appendWindow;

  @Option(
      names = "--tsdb.min-block-duration",
      defaultValue = "2h",
      paramLabel = "<duration>",
      converter = Durations.class,
      description =
          "Range of the blocks cut from the head, aligned to multiples of it; a block is cut once the head "
              + "spans more than 1.5 ranges. Default: ${DEFAULT-VALUE}.")
  Duration minBlockDuration;

  @Option(
      names = "--tsdb.max-block-duration",
      defaultValue = "2h",
      paramLabel = "<duration>",
      converter = Durations.class,
      description =
          "Largest block range. The gateway itself only cuts --tsdb.min-block-duration blocks and leaves "
              + "merging them to Thanos Compactor; must be at least the min. Default: ${DEFAULT-VALUE}.")
  Duration maxBlockDuration;

  @Option(
      names = "--tsdb.retention",
      defaultValue = "15d",
      paramLabel = "<duration>",
      converter = Durations.class,
      description =
          "Local blocks that ended this long before the tenant's newest block are deleted; 0 keeps them. "
              + "Default: ${DEFAULT-VALUE}.")
  Duration retention;

  @Option(
      names = "--tsdb.flush-on-shutdown",
      arity = "0..1",
      defaultValue = "true",
      fallbackValue = "true",
      paramLabel = "<true|false>",
      description =
          "On a clean shutdown, write each head to blocks and empty its WAL, so the next start replays "
              + "nothing. Default: ${DEFAULT-VALUE}.")
  boolean flushOnShutdown;

  // NOTE: picocli's own negatable form does not apply to names with a '.', hence the explicit twin.
  @Option(
      names = "--no-tsdb.flush-on-shutdown",
      description =
          "Keep the WAL on a clean shutdown and replay it on the next start instead of flushing.")
  boolean noFlushOnShutdown;

  @Option(
      names = "--tsdb.out-of-order.time-window",
      defaultValue = "0s",
      paramLabel = "<duration>",
      converter = Durations.class,
      description =
          "Float samples older than their series' newest are accepted when no older than the tenant's newest "
              + "sample minus this, and land in the right block (a block is cut only once the window has passed its end, "
              + "so the head holds this much more). 0 refuses them with 409. Native histograms are never accepted out "
              + "of order. Default: ${DEFAULT-VALUE}.")
  Duration outOfOrderWindow;

  @Option(
      names = "--objstore.config-file",
      paramLabel = "<file>",
      description =
          "Object store configuration in Thanos' objstore YAML (type: S3 or FILESYSTEM, config: ...). "
              + "Without it (and without --objstore.config) blocks are shipped to the local bucket <tsdb.path>/bucket/.")
  Path objstoreConfigFile;

  @Option(
      names = "--objstore.config",
      paramLabel = "<yaml>",
      description = "The same YAML inline; an alternative to --objstore.config-file.")
  String objstoreConfig;

  @Option(
      names = "--tsdb.compaction-interval",
      hidden = true,
      defaultValue = "1m",
      converter = Durations.class,
      description =
          "How often each tenant's head is checked for a block to cut (tests shorten it).")
  Duration compactionInterval;

  @Option(
      names = "--tsdb.wal.test-clock",
      hidden = true,
      paramLabel = "<rate>@<epoch-ms>",
      description =
          "Tests only: the WAL's roll-cycle clock runs <rate> times faster than real time from <epoch-ms> on, "
              + "so hourly WAL cycles roll every few seconds.")
  String walTestClock;

  @Option(
      names = "--receive.limits-config-file",
      paramLabel = "<path>",
      description =
          "Thanos Receive's write limits YAML (global max_concurrency; per-request size_bytes_limit,"
              + " series_limit, samples_limit and head_series_limit, by default and per tenant);"
              + " re-read when it changes. See docs/limits.md.")
  Path limitsConfigFile;

  @Option(
      names = "--receive.limits-config",
      paramLabel = "<yaml>",
      description = "The same YAML inline; an alternative to --receive.limits-config-file.")
  String limitsConfigInline;

  @Option(
      names = "--receive.limits-config-reload-timer",
      defaultValue = "1s",
      paramLabel = "<duration>",
      converter = Durations.class,
      description = "How often the limits file is checked for changes. Default: ${DEFAULT-VALUE}.")
  Duration limitsReloadTimer;

  private GatewayConfig.LimitsConfig limitsConfig() {
    if (limitsConfigFile != null && limitsConfigInline != null) {
      throw new IllegalArgumentException(
          "--receive.limits-config-file and --receive.limits-config are alternatives; give one");
    }
    if (limitsConfigFile == null && limitsConfigInline == null) {
      return GatewayConfig.LimitsConfig.NONE;
    }
    return new GatewayConfig.LimitsConfig(limitsConfigFile, limitsConfigInline, limitsReloadTimer);
  }

  @Option(
      names = "--receive.memory.high-watermark",
      defaultValue = "0.85",
      paramLabel = "<fraction>",
      description =
          "From this fraction of the maximum heap in use after a garbage collection on, requests"
              + " that would create series get 503 (samples of existing series are still"
              + " written). Default: ${DEFAULT-VALUE}.")
  double memoryHigh;

  @Option(
      names = "--receive.memory.full-watermark",
      defaultValue = "0.95",
      paramLabel = "<fraction>",
      description = "From this fraction on, every write gets 503. Default: ${DEFAULT-VALUE}.")
  double memoryFull;

  @Option(
      names = "--receive.memory.low-watermark",
      defaultValue = "0.75",
      paramLabel = "<fraction>",
      description =
          "Below this fraction, all writes are accepted again. Default: ${DEFAULT-VALUE}.")
  double memoryLow;

  @Option(
      names = "--test.wal-writer-error-after",
      hidden = true,
      defaultValue = "-1",
      paramLabel = "<batches>",
      description =
          "Tests only: the WAL writer throws an Error on the batch after the first <batches>, so that"
              + " a test can check that the process ends instead of living on without a writer.")
  long testWalWriterErrorAfter;

  @Option(
      names = "--remote-write.max-request-bytes",
      defaultValue = "16MiB",
      paramLabel = "<size>",
      converter = ByteSizes.class,
      description =
          "Largest compressed request body; larger ones get 413. Default: ${DEFAULT-VALUE}.")
  int maxRequestBytes;

  @Option(
      names = "--remote-write.max-decompressed-bytes",
      defaultValue = "32MiB",
      paramLabel = "<size>",
      converter = ByteSizes.class,
      description =
          "Largest decompressed body, checked against the snappy header before decompressing (413). Default: ${DEFAULT-VALUE}.")
  int maxDecompressedBytes;

  @Option(
      names = "--receive.limits.max-label-names-per-series",
      defaultValue = "64",
      paramLabel = "<n>",
      description = "Series with more labels are rejected (400). Default: ${DEFAULT-VALUE}.")
  int maxLabelNames;

  @Option(
      names = "--receive.limits.max-label-name-length",
      defaultValue = "1024",
      paramLabel = "<bytes>",
      description =
          "Series with a longer label name are rejected (400). Default: ${DEFAULT-VALUE}.")
  int maxLabelNameLength;

  @Option(
      names = "--receive.limits.max-label-value-length",
      defaultValue = "4096",
      paramLabel = "<bytes>",
      description =
          "Series with a longer label value are rejected (400). Default: ${DEFAULT-VALUE}.")
  int maxLabelValueLength;

  @Option(
      names = "--receive.limits.max-future",
      defaultValue = "10m",
      paramLabel = "<duration>",
      converter = Durations.class,
      description =
          "Samples further than this ahead of the gateway's clock are rejected (400). Default: ${DEFAULT-VALUE}.")
  Duration maxFuture;

  @Option(
      names = "--remote-write.ring-size",
      defaultValue = "1024",
      paramLabel = "<n>",
      description =
          "Requests that may wait for the WAL writer; when full, writes get 503. Power of two. Default: ${DEFAULT-VALUE}.")
  int ringSize;

  @Option(
      names = "--remote-read.max-samples",
      defaultValue = "50000000",
      paramLabel = "<n>",
      description =
          "Most samples one remote-read request may return (400 above). Default: ${DEFAULT-VALUE}.")
  int remoteReadMaxSamples;

  @Mixin PromqlFlags promql = new PromqlFlags();

  @Option(
      names = "--http.workers",
      defaultValue = "0",
      paramLabel = "<n>",
      description = "Netty event-loop threads; 0 = number of cores. Default: ${DEFAULT-VALUE}.")
  int workers;

  @Mixin LogFlags logFlags = new LogFlags();

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    // Before any thread starts: a thread the gateway needs that dies ends the process.
    FatalErrors.install();
    GatewayConfig config;
    try {
      logFlags.apply();
      config = config();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    try (ReceiveServer server = ReceiveServer.start(config)) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(server), "shutdown"));
      server.awaitTermination();
    }
    return 0;
  }

  /** The shutdown hook: a deliberate stop, so threads that die meanwhile do not fail the exit. */
  private static void stop(ReceiveServer server) {
    FatalErrors.stopping();
    server.close();
  }

  private Clock walClock() {
    if (walTestClock == null) {
      return Clock.systemUTC();
    }
    String[] parts = walTestClock.split("@");
    try {
      return new ScaledClock(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "--tsdb.wal.test-clock must be <rate>@<epoch-ms>, not \"" + walTestClock + "\"");
    }
  }

  private ObjstoreConfig objstore() {
    ObjstoreConfig c = ObjstoreFlags.read(objstoreConfigFile, objstoreConfig);
    return c != null ? c : ObjstoreConfig.filesystem(tsdbPath.resolve(TenantId.RESERVED));
  }

  private RoutingConfig routing() {
    if (hashringsFile != null && hashrings != null) {
      throw new IllegalArgumentException(
          "give --receive.hashrings-file or --receive.hashrings, not both");
    }
    HashringConfig.Algorithm algorithm = HashringConfig.Algorithm.fromName(hashringsAlgorithm);
    if (algorithm == null) {
      throw new IllegalArgumentException(
          "--receive.hashrings-algorithm must be ketama or hashmod, not \""
              + hashringsAlgorithm
              + "\"");
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("--receive.replication-factor must be at least 1");
    }
    String compression;
    switch (grpcCompression) {
      case "snappy":
        compression = "snappy";
        break;
      case "gzip":
        compression = "gzip";
        break;
      case "none":
        compression = "identity";
        break;
      default:
        throw new IllegalArgumentException(
            "--receive.grpc-compression must be snappy, gzip or none, not \""
                + grpcCompression
                + "\"");
    }
    if (hashringsFile == null && hashrings == null) {
      return null;
    }
    return new RoutingConfig(
        hashringsFile,
        hashrings,
        localEndpoint == null ? "" : localEndpoint,
        replicationFactor,
        algorithm,
        hashringsRefresh,
        forwardTimeout,
        compression);
  }

  GatewayConfig config() {
    WalSyncMode mode;
    switch (walSync) {
      case "batch":
        mode = WalSyncMode.BATCH;
        break;
      case "interval":
        mode = WalSyncMode.INTERVAL;
        break;
      default:
        throw new IllegalArgumentException(
            "--tsdb.wal.sync must be batch or interval, not \"" + walSync + "\"");
    }
    if (TenantId.problem(defaultTenant) != null) {
      throw new IllegalArgumentException(
          "--receive.default-tenant-id: " + TenantId.problem(defaultTenant));
    }
    if (Integer.bitCount(ringSize) != 1) {
      throw new IllegalArgumentException(
          "--remote-write.ring-size must be a power of two, not " + ringSize);
    }
    if (minBlockDuration.isZero() || minBlockDuration.isNegative()) {
      throw new IllegalArgumentException("--tsdb.min-block-duration must be positive");
    }
    if (maxBlockDuration.compareTo(minBlockDuration) < 0) {
      throw new IllegalArgumentException(
          "--tsdb.max-block-duration ("
              + maxBlockDuration
              + ") must be at least --tsdb.min-block-duration ("
              + minBlockDuration
              + ")");
    }
    Labels external = ExternalLabels.parse(labels);
    DecodeLimits limits =
        new DecodeLimits(
            maxLabelNames,
            maxLabelNameLength,
            maxLabelValueLength,
            maxFuture.toMillis(),
            maxDecompressedBytes);
    return new GatewayConfig(
        remoteWriteAddress,
        httpAddress,
        new TsdbOptions(
            tsdbPath,
            new WalOptions(mode, walSyncInterval, walClock()),
            appendWindow.toMillis(),
            minBlockDuration.toMillis(),
            maxBlockDuration.toMillis(),
            retention.toMillis(),
            flushOnShutdown && !noFlushOnShutdown,
            external,
            compactionInterval.toMillis(),
            outOfOrderWindow.toMillis(),
            tenantLabelName),
        new RemoteWriteOptions(tenantHeader, defaultTenant, limits, maxRequestBytes),
        external,
        ringSize,
        remoteReadMaxSamples,
        workers > 0 ? workers : Runtime.getRuntime().availableProcessors(),
        objstore(),
        grpcAddress,
        replicationFactor,
        routing(),
        StoreApiOptions.defaults()
            .withTenantLabel(tenantLabelName)
            .withExternalLabels(external.toMap())
            .withLimits(storeLimits.series, storeLimits.samples),
        limitsConfig(),
        new MemoryGuard.Watermarks(memoryLow, memoryHigh, memoryFull),
        queryOptions(),
        testWalWriterErrorAfter);
  }

  private QueryOptions queryOptions() {
    try {
      return promql.options();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }
}
