package io.rwgateway.queryapi.store;

import io.grpc.ServerServiceDefinition;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.tsdb.ChunkQueryable;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Thanos' StoreAPI ({@code thanos.Store}: Series, LabelNames, LabelValues) and Info API ({@code
 * thanos.info.Info}) over a {@link ChunkQueryable}, so that Thanos Query can use this process as it
 * uses a Thanos Receive. The services are registered on a gRPC server the caller owns (the
 * forwarding server's port, like Thanos' 10901): see docs/storeapi-server.md.
 *
 * <pre>{@code
 * StoreApi api = new StoreApi(tsdb, tsdb::isReady, StoreApiOptions.defaults(), registry);
 * ForwardServer.start(forwardOptions, sink, forwardMetrics, clock, api.definitions());
 * }</pre>
 */
public final class StoreApi {
  private final StoreService store;
  private final InfoService info;

  /**
   * @param data the tenants and their queriers
   * @param ready false until the data can be read (WAL replay running): every call is then answered
   *     UNAVAILABLE
   * @param options tenant label, external labels, limits
   * @param registry where the {@code rwgateway_storeapi_*} metrics are registered (once per
   *     registry)
   */
  public StoreApi(
      ChunkQueryable data,
      BooleanSupplier ready,
      StoreApiOptions options,
      PrometheusRegistry registry) {
    this(data, ready, () -> options, registry);
  }

  /**
   * @param options asked at every call: for settings that change while serving (a sidecar's
   *     external labels follow Prometheus' configuration)
   */
  public StoreApi(
      ChunkQueryable data,
      BooleanSupplier ready,
      Supplier<StoreApiOptions> options,
      PrometheusRegistry registry) {
    StoreMetrics metrics = new StoreMetrics(registry);
    this.store = new StoreService(data, ready, options, metrics);
    this.info = new InfoService(data, ready, options, metrics);
  }

  /** Both services' definitions, for a server builder's {@code addService}. */
  public ServerServiceDefinition[] definitions() {
    return new ServerServiceDefinition[] {store.definition(), info.bindService()};
  }
}
