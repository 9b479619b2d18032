package io.rwgateway.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The label values must be go-grpc-prometheus' exactly: the mixin's regexes match on them. */
class GrpcLabelsTest {
  @Test
  void codesAreGosNames() {
    List<String> names = new ArrayList<>();
    for (Status.Code c : Status.Code.values()) {
      names.add(GrpcLabels.code(c));
    }
    // Go's codes.Code.String(), in code order (0 to 16).
    assertEquals(
        List.of(
            "OK",
            "Canceled",
            "Unknown",
            "InvalidArgument",
            "DeadlineExceeded",
            "NotFound",
            "AlreadyExists",
            "PermissionDenied",
            "ResourceExhausted",
            "FailedPrecondition",
            "Aborted",
            "OutOfRange",
            "Unimplemented",
            "Internal",
            "Unavailable",
            "DataLoss",
            "Unauthenticated"),
        names);
  }

  @Test
  void typesAreGosNames() {
    assertEquals("unary", GrpcLabels.type(MethodDescriptor.MethodType.UNARY));
    assertEquals("server_stream", GrpcLabels.type(MethodDescriptor.MethodType.SERVER_STREAMING));
    assertEquals("client_stream", GrpcLabels.type(MethodDescriptor.MethodType.CLIENT_STREAMING));
    assertEquals("bidi_stream", GrpcLabels.type(MethodDescriptor.MethodType.BIDI_STREAMING));
  }
}
