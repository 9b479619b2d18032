package io.rwgateway.gateway;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC port of a role that only serves reads (StoreAPI and Info): plaintext, or TLS from
 * Thanos' {@code --grpc-server-tls-*} flags, with client certificates required when a client CA is
 * given (as Thanos does).
 */
final class StoreGrpcServer implements AutoCloseable {
  /** Thanos' limit on gRPC messages it receives (a Series request is small; this is generous). */
  private static final int MAX_INBOUND_BYTES = 32 << 20;

  private static final Logger log = LoggerFactory.getLogger(StoreGrpcServer.class);

  private final Server server;

  private StoreGrpcServer(Server server) {
    this.server = server;
  }

  /**
   * The gRPC server's TLS, from {@code --grpc-server-tls-*}.
   *
   * @param cert the server certificate chain (PEM), or null for plaintext
   * @param key its private key (PEM; PKCS#8)
   * @param clientCa null, or the CA client certificates must chain to
   */
  record Tls(Path cert, Path key, Path clientCa) {}

  /** Starts the server on {@code address} with {@code tls}. */
  static StoreGrpcServer start(String address, Tls tls, ServerServiceDefinition... services)
      throws IOException {
    return start(address, tls.cert(), tls.key(), tls.clientCa(), services);
  }

  /**
   * @param cert the server certificate chain (PEM), or null for plaintext
   * @param key its private key (PEM; PKCS#8)
   * @param clientCa null, or the CA client certificates must chain to
   */
  static StoreGrpcServer start(
      String address, Path cert, Path key, Path clientCa, ServerServiceDefinition... services)
      throws IOException {
    NettyServerBuilder b =
        NettyServerBuilder.forAddress(NettyServer.parse(address))
            .maxInboundMessageSize(MAX_INBOUND_BYTES);
    if (cert != null) {
      SslContextBuilder ssl = GrpcSslContexts.forServer(cert.toFile(), key.toFile());
      if (clientCa != null) {
        ssl.trustManager(clientCa.toFile()).clientAuth(ClientAuth.REQUIRE);
      }
      b.sslContext(ssl.build());
    }
    for (ServerServiceDefinition s : services) {
      b.addService(s);
    }
    StoreGrpcServer server = new StoreGrpcServer(b.build().start());
    log.info("StoreAPI listening address={} port={} tls={}", address, server.port(), cert != null);
    return server;
  }

  int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
