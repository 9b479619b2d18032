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
  private final Counter headSeriesLimited;

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
    this.headSeriesLimited =
        Counter.builder()
            .name("thanos_receive_head_series_limited_requests_total")
            .help("Write requests refused by the tenant's head_series_limit (Thanos' name).")
            .labelNames("tenant")
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
    return over(
        tenant,
        bytes,
        limit,
        "body_size",
        "write request too large: ",
        " bytes",
        "size_bytes_limit");
  }

  /** A request of {@code series} time series. */
  public String refuseSeries(String tenant, long series) {
    long limit = source.current().forTenant(tenant).series();
    return over(
        tenant,
        series,
        limit,
        "series",
        "too many timeseries: ",
        " in one request",
        "series_limit");
  }

  /** A request of {@code samples} float samples. */
  public String refuseSamples(String tenant, long samples) {
    long limit = source.current().forTenant(tenant).samples();
    return over(
        tenant,
        samples,
        limit,
        "samples",
        "too many samples: ",
        " in one request",
        "samples_limit");
  }

  /**
   * Null when {@code value} is within {@code limit} (0 or less: none); else counts the hit and says
   * which limit of which tenant it passed, starting with Thanos' own words ({@code what}).
   */
  private String over(
      String tenant, long value, long limit, String metric, String what, String unit, String key) {
    if (limit <= 0 || value <= limit) {
      return null;
    }
    hits.labelValues(tenant, metric).inc();
    return what + value + unit + ", over tenant \"" + tenant + "\"'s " + key + " of " + limit;
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
      headSeriesLimited.labelValues(tenant).inc();
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
