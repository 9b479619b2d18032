package io.rwgateway.ingest.limits;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.ingest.limits.WriteLimits.TenantLimits;
import java.util.function.ToLongFunction;

/**
 * Applies the limits in force to one write request, step by step as Thanos Receive's handler does,
 * and says why a request is refused (null: allowed). Each refusal names the limit and the tenant
 * and is counted in {@code rwgateway_receive_write_limits_hit_total{tenant, limit}}.
 *
 * <p>Status codes, as Thanos Receive answers: 413 for the request limits (body size, series,
 * samples), 429 for a tenant at its head series limit; the concurrency limit makes a request wait.
 */
public final class WriteLimiter {
  private final WriteLimitsSource source;
  private final WriteGate gate = new WriteGate();
  private final ToLongFunction<String> headSeries;
  private final Counter hits;

  /**
   * @param headSeries a tenant's head series on this node, or a negative number when this node
   *     holds no heads (a router): the head series limit is then not enforced here
   */
  public WriteLimiter(
      WriteLimitsSource source, ToLongFunction<String> headSeries, PrometheusRegistry reg) {
    this.source = source;
    this.headSeries = headSeries;
    this.hits =
        Counter.builder()
            .name("rwgateway_receive_write_limits_hit_total")
            .help("Write requests refused by a limit of the limits file, by tenant and limit.")
            .labelNames("tenant", "limit")
            .register(reg);
    GaugeWithCallback.builder()
        .name("rwgateway_receive_write_concurrent_requests")
        .help(
            "Write requests being handled now (counted by the write.global.max_concurrency gate).")
        .callback(cb -> cb.call(gate.inFlight()))
        .register(reg);
    GaugeWithCallback.builder()
        .name("rwgateway_receive_write_requests_waiting")
        .help("Write requests waiting for a slot under write.global.max_concurrency.")
        .callback(cb -> cb.call(gate.waiting()))
        .register(reg);
  }

  public WriteLimits limits() {
    return source.current();
  }

  public WriteGate gate() {
    return gate;
  }

  /** The concurrency limit in force (0: none). */
  public long maxConcurrency() {
    return source.current().maxConcurrency();
  }

  /** A request body of {@code bytes} (compressed, then again decompressed). */
  public String refuseSize(String tenant, long bytes) {
    long limit = source.current().forTenant(tenant).sizeBytes();
    if (limit > 0 && bytes > limit) {
      hits.labelValues(tenant, "body_size").inc();
      return "write request too large: "
          + bytes
          + " bytes, over tenant \""
          + tenant
          + "\"'s size_bytes_limit of "
          + limit;
    }
    return null;
  }

  /** A request of {@code series} time series. */
  public String refuseSeries(String tenant, long series) {
    long limit = source.current().forTenant(tenant).series();
    if (limit > 0 && series > limit) {
      hits.labelValues(tenant, "series").inc();
      return "too many timeseries: "
          + series
          + " in one request, over tenant \""
          + tenant
          + "\"'s series_limit of "
          + limit;
    }
    return null;
  }

  /** A request of {@code samples} float samples. */
  public String refuseSamples(String tenant, long samples) {
    long limit = source.current().forTenant(tenant).samples();
    if (limit > 0 && samples > limit) {
      hits.labelValues(tenant, "samples").inc();
      return "too many samples: "
          + samples
          + " in one request, over tenant \""
          + tenant
          + "\"'s samples_limit of "
          + limit;
    }
    return null;
  }

  /** Before reading the body: is the tenant at or above its head series limit? */
  public String refuseHeadSeries(String tenant) {
    TenantLimits l = source.current().forTenant(tenant);
    if (l.headSeries() <= 0) {
      return null;
    }
    long now = headSeries.applyAsLong(tenant);
    if (now >= l.headSeries()) {
      hits.labelValues(tenant, "head_series").inc();
      return "tenant \""
          + tenant
          + "\" is above its active series limit: "
          + now
          + " head series, head_series_limit "
          + l.headSeries();
    }
    return null;
  }
}
