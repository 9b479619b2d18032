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
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.query.GrpcLabels;

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

  private final Counter started;
  private final Counter handled;
  private final Histogram seconds;
  private final Counter received;
  private final Counter sent;

  GrpcServerMetrics(PrometheusRegistry registry) {
    started =
        Counter.builder()
            .name("grpc_server_started_total")
            .help("RPCs started on the server.")
            .labelNames("grpc_type", "grpc_service", "grpc_method")
            .register(registry);
    handled =
        Counter.builder()
            .name("grpc_server_handled_total")
            .help("RPCs completed on the server, by gRPC status code (Go's spelling).")
            .labelNames("grpc_type", "grpc_service", "grpc_method", "grpc_code")
            .register(registry);
    seconds =
        Histogram.builder()
            .name("grpc_server_handling_seconds")
            .help("Time from the start of an RPC to its status, on the server.")
            .classicOnly()
            .classicUpperBounds(SECONDS)
            .labelNames("grpc_type", "grpc_service", "grpc_method")
            .register(registry);
    received =
        Counter.builder()
            .name("grpc_server_msg_received_total")
            .help("Messages received by the server.")
            .labelNames("grpc_type", "grpc_service", "grpc_method")
            .register(registry);
    sent =
        Counter.builder()
            .name("grpc_server_msg_sent_total")
            .help("Messages sent by the server.")
            .labelNames("grpc_type", "grpc_service", "grpc_method")
            .register(registry);
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
    Method points = new Method(d);
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

  /** One method's data points. */
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
      started = GrpcServerMetrics.this.started.labelValues(type, service, method);
      for (Status.Code c : Status.Code.values()) {
        handled[c.ordinal()] =
            GrpcServerMetrics.this.handled.labelValues(type, service, method, GrpcLabels.code(c));
      }
      seconds = GrpcServerMetrics.this.seconds.labelValues(type, service, method);
      received = GrpcServerMetrics.this.received.labelValues(type, service, method);
      sent = GrpcServerMetrics.this.sent.labelValues(type, service, method);
    }
  }

  /** The call as the service sees it: counts what it sends and how it ends, once. */
  private static final class CountedCall<Q, R>
      extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private final Method points;
    private final long startNanos = System.nanoTime();
    private boolean done;

    CountedCall(ServerCall<Q, R> call, Method points) {
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
      points.handled[code.ordinal()].inc();
      points.seconds.observe((System.nanoTime() - startNanos) / 1e9);
    }
  }
}
