package io.rwgateway.ingest;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Thanos' HTTP handler metrics, under Thanos' names and labels, so that the Thanos mixin's panels
 * and alerts on {@code http_requests_total}, {@code http_request_duration_seconds}, {@code
 * http_request_size_bytes} and {@code http_inflight_requests} work against the gateway: {@code
 * code} (the status as digits), {@code handler} (Thanos' handler name: {@code receive}, {@code
 * query}, {@code query_range}, ...), {@code method} (lower case, as Thanos) and {@code tenant} (the
 * tenant header, or the default tenant).
 *
 * <p>One instance per registry, shared by every handler of the role (the remote-write port and the
 * API), since a registry holds one family per name. Data points are resolved once per handler,
 * method, tenant and code and then reused: counting a request is an array read and a few updates.
 */
public final class HttpHandlerMetrics {
  /**
   * Thanos Receive's buckets for its remote-write handler (its list with the default 5 s forward
   * timeout as the last bucket). The receive role uses them for all its handlers.
   */
  public static final double[] RECEIVE_BUCKETS = {
    0.001, 0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.25, 0.5, 0.75, 1, 2,
    3, 4, 5
  };

  /** Thanos' default buckets of {@code http_request_duration_seconds} (Query and the others). */
  public static final double[] API_BUCKETS = {
    0.001, 0.01, 0.1, 0.3, 0.6, 1, 3, 6, 9, 20, 30, 60, 90, 120, 240, 360, 720
  };

  /** Thanos' buckets of {@code http_request_size_bytes}: 64 B doubling to 32 KiB. */
  private static final double[] SIZES = {64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768};

  private final Counter requests;
  private final Histogram seconds;
  private final Histogram sizes;
  private final Gauge inflight;
  private final ConcurrentHashMap<String, Handler> handlers = new ConcurrentHashMap<>();

  public HttpHandlerMetrics(PrometheusRegistry registry, double[] durationBuckets) {
    requests =
        Counter.builder()
            .name("http_requests_total")
            .help(
                "HTTP requests answered, by status code, handler (Thanos' names), method and tenant.")
            .labelNames("code", "handler", "method", "tenant")
            .register(registry);
    seconds =
        Histogram.builder()
            .name("http_request_duration_seconds")
            .help(
                "Time from a complete HTTP request to its answer, by status code, handler, method and tenant.")
            .classicOnly()
            .classicUpperBounds(durationBuckets)
            .labelNames("code", "handler", "method", "tenant")
            .register(registry);
    sizes =
        Histogram.builder()
            .name("http_request_size_bytes")
            .help(
                "Body bytes of HTTP requests (Thanos adds an estimate of the request line and headers),"
                    + " by status code, handler, method and tenant.")
            .classicOnly()
            .classicUpperBounds(SIZES)
            .labelNames("code", "handler", "method", "tenant")
            .register(registry);
    inflight =
        Gauge.builder()
            .name("http_inflight_requests")
            .help("HTTP requests being handled, by handler, method and tenant.")
            .labelNames("handler", "method", "tenant")
            .register(registry);
  }

  /** The data points of handler {@code name} for requests with {@code method} (lower case). */
  public Handler handler(String name, String method) {
    return handlers.computeIfAbsent(name + ' ' + method, k -> new Handler(name, method));
  }

  /** One handler and method; its tenants are resolved on first sight and kept. */
  public final class Handler {
    private final String name;
    private final String method;
    private final ConcurrentHashMap<String, Tenant> tenants = new ConcurrentHashMap<>();

    private Handler(String name, String method) {
      this.name = name;
      this.method = method;
    }

    public Tenant tenant(String tenant) {
      Tenant t = tenants.get(tenant);
      return t != null ? t : tenants.computeIfAbsent(tenant, Tenant::new);
    }

    /** One tenant of the handler: a slot per status code, filled on the code's first use. */
    public final class Tenant {
      private final String tenant;
      private final ByStatusCode<Code> codes;
      private final GaugeDataPoint inflight;

      private Tenant(String tenant) {
        this.tenant = tenant;
        this.inflight = HttpHandlerMetrics.this.inflight.labelValues(name, method, tenant);
        this.codes =
            new ByStatusCode<>(
                label ->
                    new Code(
                        requests.labelValues(label, name, method, tenant),
                        seconds.labelValues(label, name, method, tenant),
                        sizes.labelValues(label, name, method, tenant)));
      }

      /** A request is being handled: call {@link #answered} or {@link #abandoned} once after. */
      public void started() {
        inflight.inc();
      }

      /** A started request ends without an answer. */
      public void abandoned() {
        inflight.dec();
      }

      public String tenant() {
        return tenant;
      }

      /**
       * Counts a started request answered with {@code code} after {@code nanos}; its body had
       * {@code requestBytes}.
       */
      public void answered(int code, long requestBytes, long nanos) {
        inflight.dec();
        Code c = codes.get(code);
        c.requests().inc();
        c.seconds().observe(nanos / 1e9);
        c.sizes().observe(requestBytes);
      }
    }
  }

  private record Code(
      CounterDataPoint requests, DistributionDataPoint seconds, DistributionDataPoint sizes) {}
}
