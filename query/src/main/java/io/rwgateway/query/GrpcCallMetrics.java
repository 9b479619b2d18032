package io.rwgateway.query;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The five families go-grpc-prometheus gives one side of a gRPC call ({@code grpc_server_*} or
 * {@code grpc_client_*}: started, handled by code, handling seconds, messages received and sent),
 * with its labels ({@link GrpcLabels}). The server's interceptor (gateway) and the StoreAPI
 * client's ({@link GrpcClientMetrics}) count through it, so both sides keep one shape.
 */
public final class GrpcCallMetrics {
  private final Counter started;
  private final Counter handled;
  private final Histogram seconds;
  private final Counter received;
  private final Counter sent;

  /**
   * @param side {@code "server"} or {@code "client"}: the families' names
   * @param who how help texts name the side ("on the server", "by the StoreAPI client")
   * @param buckets the handling-seconds buckets (Thanos' differ by side)
   */
  public GrpcCallMetrics(PrometheusRegistry registry, String side, String who, double[] buckets) {
    String p = "grpc_" + side + "_";
    String[] labels = {"grpc_type", "grpc_service", "grpc_method"};
    started =
        Counter.builder()
            .name(p + "started_total")
            .help("RPCs started " + who + ".")
            .labelNames(labels)
            .register(registry);
    handled =
        Counter.builder()
            .name(p + "handled_total")
            .help("RPCs completed " + who + ", by gRPC status code (Go's spelling).")
            .labelNames("grpc_type", "grpc_service", "grpc_method", "grpc_code")
            .register(registry);
    seconds =
        Histogram.builder()
            .name(p + "handling_seconds")
            .help("Time from the start of an RPC to its status, " + who + ".")
            .classicOnly()
            .classicUpperBounds(buckets)
            .labelNames(labels)
            .register(registry);
    received =
        Counter.builder()
            .name(p + "msg_received_total")
            .help("Messages received " + who + ".")
            .labelNames(labels)
            .register(registry);
    sent =
        Counter.builder()
            .name(p + "msg_sent_total")
            .help("Messages sent " + who + ".")
            .labelNames(labels)
            .register(registry);
  }

  /** {@code d}'s data points, every status code present at 0 (as go-grpc-prometheus has them). */
  public Method method(MethodDescriptor<?, ?> d) {
    return new Method(d);
  }

  /** One method's data points: a call does no label lookup, only increments. */
  public final class Method {
    public final CounterDataPoint started;
    private final CounterDataPoint[] handled = new CounterDataPoint[Status.Code.values().length];
    private final DistributionDataPoint seconds;
    public final CounterDataPoint received;
    public final CounterDataPoint sent;

    private Method(MethodDescriptor<?, ?> d) {
      String type = GrpcLabels.type(d.getType());
      String service = d.getServiceName();
      String method = d.getBareMethodName();
      started = GrpcCallMetrics.this.started.labelValues(type, service, method);
      for (Status.Code c : Status.Code.values()) {
        handled[c.ordinal()] =
            GrpcCallMetrics.this.handled.labelValues(type, service, method, GrpcLabels.code(c));
      }
      seconds = GrpcCallMetrics.this.seconds.labelValues(type, service, method);
      received = GrpcCallMetrics.this.received.labelValues(type, service, method);
      sent = GrpcCallMetrics.this.sent.labelValues(type, service, method);
    }

    /** A call that started at {@code startNanos} ended with {@code code}. */
    public void handled(Status.Code code, long startNanos) {
      handled[code.ordinal()].inc();
      seconds.observe((System.nanoTime() - startNanos) / 1e9);
    }
  }
}
