package io.rwgateway.gateway;

import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.query.GrpcCallMetrics;

/**
 * The gRPC server metrics Thanos exports through go-grpc-middleware's Prometheus provider, with its
 * names and labels ({@code grpc_type}, {@code grpc_service}, {@code grpc_method}, and {@code
 * grpc_code} in Go's spelling: {@code OK}, {@code Canceled}, {@code ResourceExhausted}, ...), so
 * that the Thanos mixin's gRPC panels and alerts work against every role's gRPC port.
 *
 * <p>{@link #instrument} wraps each method of a service with its own data points, resolved when the
 * server is built (every code present at 0, as go-grpc-prometheus pre-registers them): a call does
 * no label lookup, only a few increments and two small wrappers.
 */
final class GrpcServerMetrics {
  /** Thanos' buckets of {@code grpc_server_handling_seconds}. */
  private static final double[] SECONDS = {
    0.001, 0.01, 0.1, 0.3, 0.6, 1, 3, 6, 9, 20, 30, 60, 90, 120
  };

  private final GrpcCallMetrics families;

  GrpcServerMetrics(PrometheusRegistry registry) {
    families = new GrpcCallMetrics(registry, "server", "on the server", SECONDS);
  }

  /** Each of {@code services}, instrumented. */
  ServerServiceDefinition[] instrumentAll(ServerServiceDefinition... services) {
    ServerServiceDefinition[] out = new ServerServiceDefinition[services.length];
    for (int i = 0; i < services.length; i++) {
      out[i] = instrument(services[i]);
    }
    return out;
  }

  /** {@code service} with every call counted and timed. */
  ServerServiceDefinition instrument(ServerServiceDefinition service) {
    ServerServiceDefinition.Builder b =
        ServerServiceDefinition.builder(service.getServiceDescriptor());
    for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
      b.addMethod(instrument(m));
    }
    return b.build();
  }

  private <Q, R> ServerMethodDefinition<Q, R> instrument(ServerMethodDefinition<Q, R> m) {
    MethodDescriptor<Q, R> d = m.getMethodDescriptor();
    GrpcCallMetrics.Method points = families.method(d);
    ServerCallHandler<Q, R> inner = m.getServerCallHandler();
    ServerCallHandler<Q, R> counted =
        (call, headers) -> {
          CountedCall<Q, R> c = new CountedCall<>(call, points);
          points.started.inc();
          ServerCall.Listener<Q> listener = inner.startCall(c, headers);
          return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
            @Override
            public void onMessage(Q message) {
              points.received.inc();
              super.onMessage(message);
            }

            @Override
            public void onCancel() {
              c.done(Status.Code.CANCELLED);
              super.onCancel();
            }
          };
        };
    return ServerMethodDefinition.create(d, counted);
  }

  /** The call as the service sees it: counts what it sends and how it ends, once. */
  private static final class CountedCall<Q, R>
      extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private final GrpcCallMetrics.Method points;
    private final long startNanos = System.nanoTime();
    private boolean done;

    CountedCall(ServerCall<Q, R> call, GrpcCallMetrics.Method points) {
      super(call);
      this.points = points;
    }

    @Override
    public void sendMessage(R message) {
      points.sent.inc();
      super.sendMessage(message);
    }

    @Override
    public void close(Status status, Metadata trailers) {
      done(status.getCode());
      super.close(status, trailers);
    }

    /** NOTE: close and a cancel may come from different threads; the first one counts. */
    synchronized void done(Status.Code code) {
      if (done) {
        return;
      }
      done = true;
      points.handled(code, startNanos);
    }
  }
}
