package io.rwgateway.query;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The StoreAPI client's calls under go-grpc-prometheus' client names ({@code grpc_client_*}, with
 * Thanos' buckets), which the mixin's {@code ThanosQueryGrpcClientErrorRate} alert and the query
 * dashboard's gRPC client rows read. One interceptor for all endpoints' channels.
 *
 * <p>A method's data points are resolved on its first call and found again by the method's full
 * name, a constant of the generated code (its hash is cached): a call costs one lookup and a few
 * increments, next to a network round trip.
 */
final class GrpcClientMetrics implements ClientInterceptor {
  private static final double[] SECONDS = {
    0.001, 0.01, 0.1, 0.3, 0.6, 1, 3, 6, 9, 20, 30, 60, 90, 120, 240, 360, 720
  };

  private final Counter started;
  private final Counter handled;
  private final Histogram seconds;
  private final Counter received;
  private final Counter sent;
  private final ConcurrentHashMap<String, Method> methods = new ConcurrentHashMap<>();

  GrpcClientMetrics(PrometheusRegistry registry) {
    String[] labels = {"grpc_type", "grpc_service", "grpc_method"};
    started =
        Counter.builder()
            .name("grpc_client_started_total")
            .help("RPCs started by the StoreAPI client.")
            .labelNames(labels)
            .register(registry);
    handled =
        Counter.builder()
            .name("grpc_client_handled_total")
            .help("RPCs of the StoreAPI client completed, by gRPC status code (Go's spelling).")
            .labelNames("grpc_type", "grpc_service", "grpc_method", "grpc_code")
            .register(registry);
    seconds =
        Histogram.builder()
            .name("grpc_client_handling_seconds")
            .help("Time from the start of a StoreAPI client RPC to its status.")
            .classicOnly()
            .classicUpperBounds(SECONDS)
            .labelNames(labels)
            .register(registry);
    received =
        Counter.builder()
            .name("grpc_client_msg_received_total")
            .help("Messages the StoreAPI client received.")
            .labelNames(labels)
            .register(registry);
    sent =
        Counter.builder()
            .name("grpc_client_msg_sent_total")
            .help("Messages the StoreAPI client sent.")
            .labelNames(labels)
            .register(registry);
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> d, CallOptions options, Channel next) {
    Method m = methods.get(d.getFullMethodName());
    if (m == null) {
      m = methods.computeIfAbsent(d.getFullMethodName(), k -> new Method(d));
    }
    Method points = m;
    long start = System.nanoTime();
    points.started.inc();
    return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(d, options)) {
      @Override
      public void sendMessage(Q message) {
        points.sent.inc();
        super.sendMessage(message);
      }

      @Override
      public void start(Listener<R> listener, Metadata headers) {
        super.start(
            new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onMessage(R message) {
                points.received.inc();
                super.onMessage(message);
              }

              @Override
              public void onClose(Status status, Metadata trailers) {
                points.handled[status.getCode().ordinal()].inc();
                points.seconds.observe((System.nanoTime() - start) / 1e9);
                super.onClose(status, trailers);
              }
            },
            headers);
      }
    };
  }

  /** One method's data points, every status code present from the first call. */
  private final class Method {
    final CounterDataPoint started;
    final CounterDataPoint[] handled = new CounterDataPoint[Status.Code.values().length];
    final DistributionDataPoint seconds;
    final CounterDataPoint received;
    final CounterDataPoint sent;

    Method(MethodDescriptor<?, ?> d) {
      String type = GrpcLabels.type(d.getType());
      String service = d.getServiceName();
      String method = d.getBareMethodName();
      started = GrpcClientMetrics.this.started.labelValues(type, service, method);
      for (Status.Code c : Status.Code.values()) {
        handled[c.ordinal()] =
            GrpcClientMetrics.this.handled.labelValues(type, service, method, GrpcLabels.code(c));
      }
      seconds = GrpcClientMetrics.this.seconds.labelValues(type, service, method);
      received = GrpcClientMetrics.this.received.labelValues(type, service, method);
      sent = GrpcClientMetrics.this.sent.labelValues(type, service, method);
    }
  }
}
