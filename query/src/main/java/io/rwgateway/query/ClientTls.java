package io.rwgateway.query;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.file.Path;
import javax.net.ssl.SSLException;

/**
 * TLS towards the endpoints, as Thanos Query's {@code --grpc-client-tls-*} flags set it.
 *
 * @param skipVerify accept any server certificate ({@code --grpc-client-tls-skip-verify})
 * @param cert client certificate (PEM) to present, or null
 * @param key its private key (PEM, PKCS#8), or null
 * @param ca CA (PEM) server certificates must chain to; null: the JDK's trusted CAs
 * @param serverName the name server certificates must carry; empty: the address' host
 */
public record ClientTls(boolean skipVerify, Path cert, Path key, Path ca, String serverName) {
  /** The context every channel uses. */
  SslContext sslContext() {
    try {
      SslContextBuilder b = GrpcSslContexts.forClient();
      if (skipVerify) {
        b.trustManager(InsecureTrustManagerFactory.INSTANCE);
      } else if (ca != null) {
        b.trustManager(ca.toFile());
      }
      if (cert != null) {
        b.keyManager(cert.toFile(), key.toFile());
      }
      return b.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException("gRPC client TLS: " + e.getMessage(), e);
    }
  }
}
