package io.rwgateway.gateway;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.hashring.HashringConfigException;
import io.rwgateway.hashring.HashringWatcher;
import io.rwgateway.ingest.BoundedAggregator;
import io.rwgateway.ingest.HttpHandlerMetrics;
import io.rwgateway.ingest.IngestMetrics;
import io.rwgateway.ingest.RemoteWriteHandler;
import io.rwgateway.ingest.RingForwardSink;
import io.rwgateway.ingest.WriteRing;
import io.rwgateway.ingest.forward.ForwardClientOptions;
import io.rwgateway.ingest.forward.ForwardMetrics;
import io.rwgateway.ingest.forward.ForwardServer;
import io.rwgateway.ingest.forward.ForwardServerOptions;
import io.rwgateway.ingest.limits.LimitsConfigException;
import io.rwgateway.ingest.limits.WriteLimiter;
import io.rwgateway.ingest.limits.WriteLimitsSource;
import io.rwgateway.ingest.memory.MemoryGuard;
import io.rwgateway.ingest.route.HashringRouter;
import io.rwgateway.queryapi.BuildInfo;
import io.rwgateway.queryapi.PrometheusApi;
import io.rwgateway.queryapi.store.StoreApi;
import io.rwgateway.tsdb.Querier;
import io.rwgateway.tsdb.db.TenantDb;
import io.rwgateway.tsdb.db.Tsdb;
import io.rwgateway.tsdb.db.TsdbReader;
import io.rwgateway.uploader.Bucket;
import io.rwgateway.uploader.InstrumentedBucket;
import io.rwgateway.uploader.Uploader;
import io.rwgateway.wal.WalSyncMode;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running {@code gateway receive}: the HTTP port first (health and metrics answer during WAL
 * replay), then replay, then the WAL writer and the remote-write port, then ready. Closing reverses
 * it: stop taking writes, drain the WAL writer, flush the heads into blocks and close the WALs,
 * give the uploader a last (bounded) chance to ship, close the bucket.
 */
public final class ReceiveServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReceiveServer.class);

  private final AtomicBoolean ready = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final AtomicReference<PrometheusApi> api = new AtomicReference<>();
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final NettyServer netty;
  private final ThreadPoolExecutor apiExecutor;
  private Channel httpChannel;
  private Channel remoteWriteChannel;
  private volatile Tsdb tsdb;
  private volatile WriteRing ring;
  private Bucket bucket;
  private volatile Uploader uploader;
  private WriteLimitsSource limits;
  private MemoryGuard memoryGuard;
  private ForwardServer forwardServer;
  private HashringWatcher hashrings;
  private HashringRouter writeRouter;

  private ReceiveServer(GatewayConfig config) {
    this.netty = new NettyServer(config.workerThreads());
    this.apiExecutor = HttpRouter.apiExecutor(config.query().maxConcurrent());
  }

  public static ReceiveServer start(GatewayConfig config) throws IOException, InterruptedException {
    ReceiveServer s = new ReceiveServer(config);
    try {
      s.run(config);
    } catch (IOException | InterruptedException | RuntimeException e) {
      s.close();
      throw e;
    }
    return s;
  }

  private void run(GatewayConfig config) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    JvmMetrics.builder().register(registry);
    // Thanos' http_* metrics: one family for the remote-write port and the API.
    HttpHandlerMetrics httpMetrics =
        new HttpHandlerMetrics(registry, HttpHandlerMetrics.RECEIVE_BUCKETS);
    HttpRouter router =
        new HttpRouter(
                registry,
                () -> ready.get() ? null : "replaying the WAL",
                this::deathNotice,
                api::get,
                apiExecutor)
            .instrumentedBy(
                httpMetrics,
                config.remoteWrite().tenantHeader(),
                config.remoteWrite().defaultTenant());
    httpChannel = netty.bindHttp(config.httpAddress(), 8 << 20, "HTTP API request limit", router);
    log.info("HTTP server listening address={} transport={}", httpAddress(), netty.transport());

    // Thanos' thanos_objstore_bucket_* metrics, as Thanos Receive exports them.
    bucket =
        new InstrumentedBucket(
            config.objstore().open(), SidecarServer.bucketName(config.objstore()), registry);
    for (String key : config.objstore().ignoredKeys()) {
      log.warn(
          "objstore config key accepted for compatibility but has no effect here: key={}", key);
    }
    uploader = new Uploader(config.tsdb().path(), bucket, registry);
    log.info("shipping blocks to {}", bucket.describe());
    tsdb = Tsdb.open(config.tsdb(), registry, uploader);
    uploader.start();
    TsdbReader reader = new TsdbReader(tsdb);
    api.set(
        new PrometheusApi(
                this::querier,
                reader,
                config.remoteWrite().tenantHeader(),
                config.remoteWrite().defaultTenant(),
                Clock.systemUTC(),
                config.remoteReadMaxSamples(),
                config.query())
            .withExtras(reader)
            .withStatus(BuildInfo.ofGateway(gatewayVersion()), apiFlags(config)));

    boolean syncEachGroup = config.tsdb().wal().syncMode() == WalSyncMode.BATCH;
    ring = new WriteRing(tsdb, config.ringSize(), syncEachGroup, registry);
    memoryGuard = new MemoryGuard(config.memoryWatermarks(), registry);
    Tsdb heads0 = tsdb;
    memoryGuard.reusable(heads0::reusableHeadBytes);
    WriteRing writes = ring;
    memoryGuard.relieveBy(writes::requestEarlyCut);
    memoryGuard.start();
    ring.admitBy(memoryGuard);
    if (config.testWalWriterErrorAfter() >= 0) {
      log.warn(
          "test hook: the WAL writer will fail after {} batches", config.testWalWriterErrorAfter());
      ring.injectErrorAfter(config.testWalWriterErrorAfter());
    }
    ForwardMetrics forwardMetrics = new ForwardMetrics(registry);
    IngestMetrics ingestMetrics = new IngestMetrics(registry, httpMetrics);
    InetSocketAddress grpc = NettyServer.parse(config.grpcAddress());
    forwardServer =
        ForwardServer.start(
            ForwardServerOptions.defaults()
                .withAddress(grpc.getHostString(), grpc.getPort())
                .withDefaultTenant(config.remoteWrite().defaultTenant())
                .withLimits(config.remoteWrite().limits())
                // Thanos' check on forwarded writes: a replica number above the factor is refused.
                .withReplicationFactor(config.replicationFactor()),
            new RingForwardSink(ring, ready::get, ingestMetrics),
            forwardMetrics,
            Clock.systemUTC(),
            new GrpcServerMetrics(registry)::instrument,
            // Thanos' StoreAPI and Info API on the same port, as Thanos Receive serves them.
            new StoreApi(new TsdbReader(tsdb), ready::get, config.storeApi(), registry)
                .definitions());
    RoutingConfig routing = config.routing();
    if (routing != null) {
      forwardMetrics.replicationFactor(routing.replicationFactor());
      HashringWatcher.Builder b =
          HashringWatcher.builder()
              .defaultAlgorithm(routing.defaultAlgorithm())
              .replicationFactor(routing.replicationFactor())
              .refreshInterval(routing.refreshInterval())
              .registry(registry);
      hashrings =
          (routing.file() != null ? b.file(routing.file()) : b.inline(routing.inline())).build();
      try {
        hashrings.start();
      } catch (HashringConfigException e) {
        throw new IOException("hashring: " + e.getMessage(), e);
      }
      writeRouter =
          new HashringRouter(
              hashrings::current,
              routing.localEndpoint(),
              ring,
              ForwardClientOptions.defaults()
                  .withTimeout(routing.forwardTimeout())
                  .withCompression(routing.compression()),
              forwardMetrics);
      hashrings.subscribe(writeRouter); // drops the clients of peers that leave the ring
      log.info(
          "routing by hashring nodes={} replication_factor={} local_endpoint={}",
          hashrings.current().nodes().size(),
          routing.replicationFactor(),
          routing.localEndpoint().isEmpty() ? "(router only)" : routing.localEndpoint());
    }
    limits = openLimits(config.limits(), registry);
    Tsdb heads = tsdb;
    boolean routerOnly = routing != null && routing.localEndpoint().isEmpty();
    if (routerOnly && limits.current().limitsHeadSeries()) {
      log.warn(
          "head_series_limit is not enforced on a router-only node: it holds no heads, and"
              + " meta-monitoring queries are not implemented (docs/limits.md)");
    }
    RemoteWriteHandler handler =
        new RemoteWriteHandler(
                config.remoteWrite(),
                ring,
                writeRouter,
                ready::get,
                Clock.systemUTC(),
                ingestMetrics)
            .limitedBy(
                new WriteLimiter(
                    limits,
                    tenant -> {
                      if (routerOnly) {
                        return -1;
                      }
                      TenantDb db = heads.existingTenant(tenant);
                      return db == null ? 0 : db.headSeries();
                    },
                    registry));
    int maxBody = config.remoteWrite().maxRequestBytes();
    remoteWriteChannel =
        netty.bind(
            config.remoteWriteAddress(),
            ch ->
                ch.pipeline()
                    .addLast(new HttpServerCodec())
                    .addLast(new BoundedAggregator(maxBody, "--remote-write.max-request-bytes"))
                    .addLast(handler));
    ready.set(true);
    log.info(
        "ready remote_write_address={} http_address={} tsdb_path={} wal_sync={} external_labels={} startup_seconds={}",
        remoteWriteAddress(),
        httpAddress(),
        config.tsdb().path().toAbsolutePath(),
        config.tsdb().wal().syncMode().name().toLowerCase(Locale.ROOT),
        config.externalLabels(),
        String.format(Locale.ROOT, "%.3f", (System.nanoTime() - t0) / 1e9));
  }

  /** Last: a final upload attempt (bounded), then the bucket. */
  private void closeUploader() {
    try {
      if (uploader != null) {
        uploader.close();
      }
      if (bucket != null) {
        bucket.close();
      }
    } catch (IOException | RuntimeException e) {
      log.error("error while closing the uploader", e);
    }
  }

  /** The jar's version; "dev" when running from classes (tests, IDE). */
  static String gatewayVersion() {
    String v = ReceiveServer.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /**
   * What {@code /api/v1/status/flags} shows: the flags that shape query answers. NOTE: not every
   * flag: the objstore and limits configs may be given inline and hold credentials.
   */
  private static Map<String, String> apiFlags(GatewayConfig config) {
    Map<String, String> flags = new LinkedHashMap<>(config.query().flags());
    flags.put("remote-read.max-samples", Integer.toString(config.remoteReadMaxSamples()));
    flags.put("receive.tenant-header", config.remoteWrite().tenantHeader());
    flags.put("receive.default-tenant-id", config.remoteWrite().defaultTenant());
    return flags;
  }

  private Querier querier(String tenant) {
    TenantDb db = tsdb.existingTenant(tenant);
    return db == null ? null : db.querier();
  }

  /**
   * Why a thread the write or read path needs is dead (the WAL writer, the block cutter, a WAL
   * syncer, the uploader), or null while all run: {@code /-/healthy} fails with it. Under the CLI
   * the process ends at once anyway ({@link FatalErrors}); embedded, this is what shows it.
   */
  String deathNotice() {
    WriteRing r = ring;
    String d = r == null ? null : r.deathNotice();
    if (d == null && tsdb != null) {
      d = tsdb.deathNotice();
    }
    if (d == null && uploader != null) {
      d = uploader.deathNotice();
    }
    return d;
  }

  private static WriteLimitsSource openLimits(
      GatewayConfig.LimitsConfig c, PrometheusRegistry registry) throws IOException {
    try {
      if (c.file() != null) {
        WriteLimitsSource s = WriteLimitsSource.fromFile(c.file(), registry);
        s.startReloading(c.reloadEvery());
        log.info("write limits from {} (checked for changes every {})", c.file(), c.reloadEvery());
        return s;
      }
      if (c.inline() != null) {
        return WriteLimitsSource.inline(c.inline(), registry);
      }
      return WriteLimitsSource.none(registry);
    } catch (LimitsConfigException e) {
      throw new IOException("limits config: " + e.getMessage(), e);
    }
  }

  public InetSocketAddress httpAddress() {
    return (InetSocketAddress) httpChannel.localAddress();
  }

  /** The port of the gRPC forwarding server. */
  public int grpcPort() {
    return forwardServer.port();
  }

  public InetSocketAddress remoteWriteAddress() {
    return (InetSocketAddress) remoteWriteChannel.localAddress();
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  public boolean isReady() {
    return ready.get();
  }

  void awaitTermination() throws InterruptedException {
    terminated.await();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      try {
        terminated.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    log.info("shutting down");
    ready.set(false);
    try {
      if (remoteWriteChannel != null) {
        remoteWriteChannel.close().syncUninterruptibly();
      }
      if (writeRouter != null) {
        writeRouter.close();
      }
      if (hashrings != null) {
        hashrings.close();
      }
      if (limits != null) {
        limits.close();
      }
      if (memoryGuard != null) {
        memoryGuard.close();
      }
      if (forwardServer != null) {
        forwardServer.close();
      }
      if (ring != null) {
        ring.close();
      }
      if (tsdb != null) {
        tsdb.close(); // flushes the heads into blocks, which the uploader is told about
      }
    } catch (IOException | RuntimeException e) {
      log.error("error while closing the TSDB", e);
    } finally {
      closeUploader();
      if (httpChannel != null) {
        httpChannel.close().syncUninterruptibly();
      }
      apiExecutor.shutdownNow();
      netty.close();
      log.info("stopped");
      terminated.countDown();
    }
  }
}
