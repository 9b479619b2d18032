package io.rwgateway.gateway;

import io.netty.channel.Channel;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.model.Labels;
import io.rwgateway.model.PromDuration;
import io.rwgateway.queryapi.store.StoreApi;
import io.rwgateway.queryapi.store.StoreApiOptions;
import io.rwgateway.sidecar.PrometheusChunkQueryable;
import io.rwgateway.sidecar.PrometheusClient;
import io.rwgateway.sidecar.PrometheusException;
import io.rwgateway.sidecar.PrometheusHttpConfig;
import io.rwgateway.uploader.Bucket;
import io.rwgateway.uploader.InstrumentedBucket;
import io.rwgateway.uploader.ObjstoreConfig;
import io.rwgateway.uploader.ShipperOptions;
import io.rwgateway.uploader.Uploader;
import io.rwgateway.uploader.UploaderSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running {@code gateway sidecar}: the HTTP port first (health and metrics answer while
 * Prometheus starts), then wait for Prometheus, check its block durations, read its external
 * labels, then the StoreAPI and the shipper. Ready once Prometheus' external labels are known and
 * not empty; they are read again every {@code --prometheus.get_config_interval}.
 */
public final class SidecarServer extends RoleServer {
  private static final Logger log = LoggerFactory.getLogger(SidecarServer.class);

  /** The shipper's name in logs and in its metrics' {@code tenant} label. */
  static final String SHIPPER_NAME = "sidecar";

  private final NettyServer netty = new NettyServer(2);
  private final ScheduledExecutorService poller =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "prometheus-config");
            t.setDaemon(true);
            return t;
          });
  private volatile PrometheusWatch watch;
  private ThanosTime minTimeFlag;
  private Channel httpChannel;
  private StoreGrpcServer grpc;
  private Bucket bucket;
  private Uploader uploader;

  private SidecarServer() {}

  public static SidecarServer start(SidecarConfig config) throws IOException, InterruptedException {
    SidecarServer s = new SidecarServer();
    return started(s, () -> s.run(config));
  }

  private void run(SidecarConfig config) throws IOException, InterruptedException {
    minTimeFlag = config.minTime();
    PrometheusRegistry registry = registry();
    JvmMetrics.builder().register(registry);
    SidecarMetrics metrics = new SidecarMetrics(registry);
    PrometheusClient client =
        new PrometheusClient(
            URI.create(config.prometheusUrl()),
            config.httpClientYaml().isBlank()
                ? PrometheusHttpConfig.defaults()
                : PrometheusHttpConfig.parse(config.httpClientYaml()));
    watch = new PrometheusWatch(client, metrics, System::currentTimeMillis);

    HttpRouter router =
        new HttpRouter(registry, this::notReady, this::deathNotice, () -> null, null);
    httpChannel = netty.bindHttp(config.httpAddress(), 1 << 20, "HTTP request limit", router);
    log.info("HTTP server listening address={}", httpAddress());

    watch.awaitReady(config.readyTimeout());
    checkBlockDurations(client, config);
    watch.refresh();
    poller.scheduleWithFixedDelay(
        this::poll,
        config.configInterval().toMillis(),
        config.configInterval().toMillis(),
        TimeUnit.MILLISECONDS);

    PrometheusChunkQueryable data =
        new PrometheusChunkQueryable(client, watch::externalLabels, this::minTime, true);
    StoreApiOptions base =
        StoreApiOptions.defaults()
            .asSidecar()
            .withLimits(config.storeSeriesLimit(), config.storeSamplesLimit());
    StoreApi api =
        new StoreApi(
            data,
            () -> watch.notReady() == null,
            () -> {
              Labels l = watch.externalLabels();
              return l == null ? base : base.withExternalLabels(l.toMap());
            },
            registry);
    grpc =
        StoreGrpcServer.start(
            config.grpcAddress(),
            config.grpcTls(),
            new GrpcServerMetrics(registry).instrumentAll(api.definitions()));

    ObjstoreConfig objstore = config.objstore();
    if (objstore == null) {
      log.info("no bucket configured (--objstore.config): blocks are not shipped");
    } else {
      for (String key : objstore.ignoredKeys()) {
        log.warn(
            "objstore config key accepted for compatibility but has no effect here: key={}", key);
      }
      bucket = new InstrumentedBucket(objstore.open(), bucketName(objstore), registry);
      ShipperOptions options =
          ShipperOptions.sidecar(
                  () -> {
                    Labels l = watch.externalLabels();
                    return l == null ? Labels.EMPTY : l;
                  })
              .withUploadCompacted(config.uploadCompacted())
              .withMetaFileName(config.shipperMetaFileName())
              .withMinTime(() -> config.minTime().at(System.currentTimeMillis()))
              .withIgnoreUnequalBlockSize(config.ignoreUnequalBlockSize());
      uploader =
          Uploader.sidecar(
              config.tsdbPath(), SHIPPER_NAME, bucket, registry, UploaderSettings.DEFAULT, options);
      uploader.start();
      log.info("shipping blocks of {} to {}", config.tsdbPath(), bucket.describe());
    }
  }

  /**
   * Prometheus compacts its own blocks when its min and max block durations differ: the sidecar
   * would then ship overlapping blocks, so it refuses to start, as Thanos does, unless told how to
   * cope.
   */
  private static void checkBlockDurations(PrometheusClient client, SidecarConfig config) {
    PrometheusClient.BlockDurations d;
    try {
      d = client.blockDurations();
    } catch (PrometheusException | IllegalStateException e) {
      throw new IllegalStateException(
          "cannot read Prometheus' block durations from " + client.url() + ": " + e.getMessage(),
          e);
    }
    if (config.objstore() != null
        && !d.min().equals(d.max())
        && !config.uploadCompacted()
        && !config.ignoreUnequalBlockSize()) {
      throw new IllegalStateException(
          "Prometheus compacts its blocks (--storage.tsdb.min-block-duration="
              + PromDuration.format(d.min().toMillis())
              + ", --storage.tsdb.max-block-duration="
              + PromDuration.format(d.max().toMillis())
              + "): start it with both at 2h so that every block is shipped once, or start the"
              + " sidecar with --shipper.upload-compacted (ship compacted blocks too) or"
              + " --shipper.ignore-unequal-block-size");
    }
    if (!d.min().equals(Duration.ofHours(2))) {
      log.warn(
          "Prometheus' block duration is not 2h; 2h is what Thanos recommends"
              + " min_block_duration={}",
          PromDuration.format(d.min().toMillis()));
    }
  }

  /** The {@code bucket} label of Thanos' objstore metrics: the bucket's name, or the directory. */
  static String bucketName(ObjstoreConfig c) {
    return c.type() == ObjstoreConfig.Type.S3 ? c.s3().bucket() : c.directory().toString();
  }

  /**
   * Thanos' sidecar time range starts at max(--min-time, Prometheus' oldest sample). NOTE: while
   * the oldest sample is unknown (Prometheus was empty at the last poll) it starts at --min-time,
   * not at "no data": readers skip a store that announces no data, and a Prometheus that was empty
   * at start would stay invisible until the next poll, up to 30 s after its first samples.
   */
  private long minTime() {
    long flag = minTimeFlag.at(System.currentTimeMillis());
    long lowest = watch.lowestTimestamp();
    return lowest == Long.MAX_VALUE ? flag : Math.max(lowest, flag);
  }

  private void poll() {
    try {
      watch.refresh();
    } catch (RuntimeException e) {
      log.error("polling Prometheus failed", e); // refresh catches its own; never kill the poller
    }
  }

  String notReady() {
    if (isClosed()) {
      return "shutting down";
    }
    PrometheusWatch w = watch;
    return w == null ? "starting" : w.notReady();
  }

  String deathNotice() {
    Uploader u = uploader;
    return u == null ? null : u.deathNotice();
  }

  public InetSocketAddress httpAddress() {
    return (InetSocketAddress) httpChannel.localAddress();
  }

  public int grpcPort() {
    return grpc.port();
  }

  @Override
  protected void shutDown() {
    poller.shutdownNow();
    if (grpc != null) {
      grpc.close();
    }
    if (uploader != null) {
      uploader.close();
    }
    if (bucket != null) {
      try {
        bucket.close();
      } catch (IOException e) {
        log.warn("closing the bucket failed", e);
      }
    }
    if (httpChannel != null) {
      httpChannel.close().syncUninterruptibly();
    }
    netty.close();
  }
}
