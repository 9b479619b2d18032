package io.rwgateway.gateway;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Thanos' {@code --grpc-server-tls-*} flags of a role whose gRPC port is {@link StoreGrpcServer} (a
 * picocli mixin).
 */
final class GrpcServerTlsFlags {
  @Option(
      names = "--grpc-server-tls-cert",
      paramLabel = "<file>",
      description = "TLS certificate (PEM) of the gRPC server; with --grpc-server-tls-key, TLS on.")
  Path cert;

  @Option(
      names = "--grpc-server-tls-key",
      paramLabel = "<file>",
      description = "TLS private key (PEM) of the gRPC server.")
  Path key;

  @Option(
      names = "--grpc-server-tls-client-ca",
      paramLabel = "<file>",
      description =
          "CA (PEM) that client certificates must chain to; given, clients must present one.")
  Path clientCa;

  /**
   * The TLS settings the flags give.
   *
   * @throws IllegalArgumentException when the flags do not go together
   */
  StoreGrpcServer.Tls tls() {
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException(
          "--grpc-server-tls-cert and --grpc-server-tls-key go together");
    }
    if (clientCa != null && cert == null) {
      throw new IllegalArgumentException(
          "--grpc-server-tls-client-ca needs --grpc-server-tls-cert and --grpc-server-tls-key");
    }
    return new StoreGrpcServer.Tls(cert, key, clientCa);
  }
}
