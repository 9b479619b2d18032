package io.rwgateway.ingest.forward;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;

/**
 * Answers a request message that does not parse (garbage, a truncated message) with {@code
 * INVALID_ARGUMENT} and the parser's reason, for every method of a service.
 *
 * <p>NOTE: why. grpc-java parses a request before any interceptor sees it, and a parse failure
 * escapes as "UNKNOWN: Application error processing RPC", which tells the caller nothing and reads
 * like our fault. Here the request marshaller keeps the failure as a value instead, and the call
 * handler closes the call with it before the service is invoked.
 */
final class StrictRequests {
  private StrictRequests() {}

  /** A request that did not parse, carried to the handler in place of the message. */
  private record Malformed(String reason) {}

  static ServerServiceDefinition wrap(ServerServiceDefinition service) {
    ServerServiceDefinition.Builder b =
        ServerServiceDefinition.builder(service.getServiceDescriptor().getName());
    for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
      b.addMethod(wrap(m));
    }
    return b.build();
  }

  @SuppressWarnings("unchecked")
  private static <ReqT, RespT> ServerMethodDefinition<Object, RespT> wrap(
      ServerMethodDefinition<ReqT, RespT> m) {
    MethodDescriptor<ReqT, RespT> d = m.getMethodDescriptor();
    MethodDescriptor.Marshaller<ReqT> parser = d.getRequestMarshaller();
    MethodDescriptor.Marshaller<Object> lenient =
        new MethodDescriptor.Marshaller<>() {
          @Override
          public InputStream stream(Object value) {
            return parser.stream((ReqT) value);
          }

          @Override
          public Object parse(InputStream stream) {
            try {
              return parser.parse(stream);
            } catch (StatusRuntimeException e) {
              Throwable cause = e.getCause() != null ? e.getCause() : e;
              return new Malformed(String.valueOf(cause.getMessage()));
            }
          }
        };
    MethodDescriptor<Object, RespT> wrapped =
        d.toBuilder(lenient, d.getResponseMarshaller()).build();
    ServerCallHandler<ReqT, RespT> inner = m.getServerCallHandler();
    ServerCallHandler<Object, RespT> handler =
        (call, headers) -> {
          ServerCall.Listener<ReqT> delegate =
              inner.startCall((ServerCall<ReqT, RespT>) (ServerCall<?, RespT>) call, headers);
          return new ServerCall.Listener<>() {
            private boolean closed;

            @Override
            public void onMessage(Object message) {
              if (closed) {
                return;
              }
              if (message instanceof Malformed bad) {
                closed = true;
                call.close(
                    Status.INVALID_ARGUMENT.withDescription(
                        "malformed " + d.getFullMethodName() + " request: " + bad.reason()),
                    new Metadata());
                return;
              }
              delegate.onMessage((ReqT) message);
            }

            @Override
            public void onHalfClose() {
              if (!closed) {
                delegate.onHalfClose();
              }
            }

            @Override
            public void onCancel() {
              delegate.onCancel();
            }

            @Override
            public void onComplete() {
              delegate.onComplete();
            }

            @Override
            public void onReady() {
              if (!closed) {
                delegate.onReady();
              }
            }
          };
        };
    return ServerMethodDefinition.create(wrapped, handler);
  }
}
