package io.rwgateway.gateway;

import io.netty.channel.Channel;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.ingest.HttpHandlerMetrics;
import io.rwgateway.model.Labels;
import io.rwgateway.query.DnsResolver;
import io.rwgateway.query.EndpointDiscovery;
import io.rwgateway.query.EndpointSet;
import io.rwgateway.query.ProxyChunkQueryable;
import io.rwgateway.queryapi.BuildInfo;
import io.rwgateway.queryapi.PrometheusApi;
import io.rwgateway.queryapi.store.StoreApi;
import io.rwgateway.queryapi.store.StoreApiOptions;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running {@code gateway query}: the endpoint set (discovery and Info polls in the background),
 * the proxy over it, the StoreAPI serving that proxy on the gRPC port, and the Prometheus API with
 * {@code /api/v1/stores} on the HTTP port. Ready at once, as Thanos Query is: an endpoint that is
 * not up yet is simply not asked.
 */
public final class QueryServer extends RoleServer {
  private static final Logger log = LoggerFactory.getLogger(QueryServer.class);

  /** The tenant header of the API (Thanos Query's default); the proxy has one tenant anyway. */
  static final String TENANT_HEADER = "THANOS-TENANT";

  private final NettyServer netty = new NettyServer(2);
  private final ThreadPoolExecutor apiExecutor;
  private EndpointSet endpoints;
  private StoreGrpcServer grpc;
  private Channel httpChannel;

  private QueryServer(QueryConfig config) {
    this.apiExecutor = HttpRouter.apiExecutor(config.query().maxConcurrent());
  }

  public static QueryServer start(QueryConfig config) throws IOException, InterruptedException {
    QueryServer s = new QueryServer(config);
    return started(s, () -> s.run(config));
  }

  private void run(QueryConfig config) throws IOException, InterruptedException {
    PrometheusRegistry registry = registry();
    JvmMetrics.builder().register(registry);
    EndpointDiscovery discovery =
        new EndpointDiscovery(
            config.endpoints(),
            config.endpointConfigFile(),
            config.sdFiles(),
            config.sdInterval(),
            config.dnsInterval(),
            new DnsResolver());
    endpoints =
        new EndpointSet(
            discovery,
            config.endpointOptions(),
            config.clientTls(),
            registry,
            System::currentTimeMillis);
    endpoints.start();
    ProxyChunkQueryable proxy = new ProxyChunkQueryable(endpoints, config.partialResponse());

    StoreApi store =
        new StoreApi(
            proxy,
            () -> !isClosed(),
            StoreApiOptions.defaults()
                .withLimits(config.storeSeriesLimit(), config.storeSamplesLimit())
                .asQuery(this::advertised),
            registry);
    grpc =
        StoreGrpcServer.start(
            config.grpcAddress(),
            config.grpcTls(),
            new GrpcServerMetrics(registry).instrumentAll(store.definitions()));

    PrometheusApi api =
        new PrometheusApi(
                tenant -> null,
                proxy,
                TENANT_HEADER,
                ProxyChunkQueryable.TENANT,
                Clock.systemUTC(),
                0,
                config.query())
            .withScopedReads(
                new ThanosReadParams(proxy, config.partialResponse(), config.replicaLabels()))
            .withStatus(BuildInfo.ofGateway(ReceiveServer.gatewayVersion()), config.flags());
    QueryRoleMetrics.register(registry, api, discovery);
    HttpRouter router =
        new HttpRouter(
                registry,
                () -> isClosed() ? "shutting down" : null,
                () -> null,
                () -> api,
                apiExecutor)
            .instrumentedBy(
                new HttpHandlerMetrics(registry, HttpHandlerMetrics.API_BUCKETS),
                TENANT_HEADER,
                ProxyChunkQueryable.TENANT)
            .route("/api/v1/stores", () -> StoresStatus.answer(endpoints))
            .withRoutePrefix(config.routePrefix());
    httpChannel = netty.bindHttp(config.httpAddress(), 8 << 20, "HTTP API request limit", router);
    log.info(
        "HTTP server listening address={} route_prefix={} endpoints={} sd_files={}",
        httpAddress(),
        config.routePrefix(),
        config.endpoints().size(),
        config.sdFiles());
  }

  /**
   * What this node's Info announces: the union of its active endpoints' label sets and time ranges;
   * without any, the whole time range (Thanos' proxy store without stores).
   */
  private StoreApiOptions.Advertised advertised() {
    Set<Map<String, String>> sets = new LinkedHashSet<>();
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    List<EndpointSet.ActiveEndpoint> active = endpoints.active();
    for (EndpointSet.ActiveEndpoint e : active) {
      for (Labels l : e.info().labelSets()) {
        sets.add(l.toMap());
      }
      min = Math.min(min, e.info().minTime());
      max = Math.max(max, e.info().maxTime());
    }
    if (active.isEmpty()) {
      min = Long.MIN_VALUE;
      max = Long.MAX_VALUE;
    }
    return new StoreApiOptions.Advertised(new ArrayList<>(sets), min, max);
  }

  public InetSocketAddress httpAddress() {
    return (InetSocketAddress) httpChannel.localAddress();
  }

  public int grpcPort() {
    return grpc.port();
  }

  public EndpointSet endpoints() {
    return endpoints;
  }

  @Override
  protected void shutDown() {
    if (httpChannel != null) {
      httpChannel.close().syncUninterruptibly();
    }
    netty.close();
    apiExecutor.shutdownNow();
    if (grpc != null) {
      grpc.close();
    }
    if (endpoints != null) {
      endpoints.close();
    }
  }
}
