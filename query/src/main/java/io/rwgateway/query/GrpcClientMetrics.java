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

  private final GrpcCallMetrics families;
  private final ConcurrentHashMap<String, GrpcCallMetrics.Method> methods =
      new ConcurrentHashMap<>();

  GrpcClientMetrics(PrometheusRegistry registry) {
    families = new GrpcCallMetrics(registry, "client", "by the StoreAPI client", SECONDS);
  }

  @Override
  public <Q, R> ClientCall<Q, R> interceptCall(
      MethodDescriptor<Q, R> d, CallOptions options, Channel next) {
    GrpcCallMetrics.Method m = methods.get(d.getFullMethodName());
    if (m == null) {
      m = methods.computeIfAbsent(d.getFullMethodName(), k -> families.method(d));
    }
    GrpcCallMetrics.Method points = m;
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
                points.handled(status.getCode(), start);
                super.onClose(status, trailers);
              }
            },
            headers);
      }
    };
  }
}
