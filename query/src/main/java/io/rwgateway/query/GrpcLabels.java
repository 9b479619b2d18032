package io.rwgateway.query;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.Locale;

/**
 * The label values go-grpc-prometheus (Thanos' gRPC metrics) gives a call, which the Thanos mixin
 * selects on: {@code grpc_type} and {@code grpc_code} in Go's spelling.
 */
public final class GrpcLabels {
  private GrpcLabels() {}

  /** Go's name of a status code ({@code codes.Code.String()}): {@code OK}, {@code Canceled}, ... */
  public static String code(Status.Code code) {
    return switch (code) {
      case OK -> "OK";
      case CANCELLED -> "Canceled";
      default -> {
        StringBuilder s = new StringBuilder();
        for (String part : code.name().split("_")) {
          s.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        yield s.toString();
      }
    };
  }

  /** {@code unary}, {@code client_stream}, {@code server_stream} or {@code bidi_stream}. */
  public static String type(MethodDescriptor.MethodType t) {
    return switch (t) {
      case UNARY -> "unary";
      case CLIENT_STREAMING -> "client_stream";
      case SERVER_STREAMING -> "server_stream";
      case BIDI_STREAMING, UNKNOWN -> "bidi_stream";
    };
  }
}
