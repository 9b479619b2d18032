package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.rwgateway.proto.thanos.infopb.InfoGrpc;
import io.rwgateway.proto.thanos.infopb.InfoRequest;
import io.rwgateway.proto.thanos.infopb.InfoResponse;
import io.rwgateway.uploader.TestCertificates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read roles' gRPC port with Thanos' {@code --grpc-server-tls-*} flags: TLS with the given
 * certificate, and client certificates required once a client CA is given. Certificates are made
 * with the JDK's keytool.
 */
class StoreGrpcServerTlsTest {
  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  /** Info answering a fixed component: what is tested is the transport. */
  private static final class FixedInfo extends InfoGrpc.InfoImplBase {
    @Override
    public void info(InfoRequest request, StreamObserver<InfoResponse> observer) {
      observer.onNext(InfoResponse.newBuilder().setComponentType("sidecar").build());
      observer.onCompleted();
    }
  }

  @Test
  void servesTlsAndRequiresClientCertificatesWhenAskedTo() throws Exception {
    Path[] server = pemPair("server");
    Path[] client = pemPair("client");

    StoreGrpcServer tls =
        StoreGrpcServer.start(
            "127.0.0.1:0", server[0], server[1], null, new FixedInfo().bindService());
    open.add(tls);
    assertEquals("sidecar", info(tlsChannel(tls.port(), server[0], null)));
    StatusRuntimeException plain =
        assertThrows(StatusRuntimeException.class, () -> info(plainChannel(tls.port())));
    assertEquals(Status.Code.UNAVAILABLE, plain.getStatus().getCode(), "plaintext is refused");

    StoreGrpcServer mutual =
        StoreGrpcServer.start(
            "127.0.0.1:0", server[0], server[1], client[0], new FixedInfo().bindService());
    open.add(mutual);
    assertEquals("sidecar", info(tlsChannel(mutual.port(), server[0], client)));
    StatusRuntimeException noCert =
        assertThrows(
            StatusRuntimeException.class, () -> info(tlsChannel(mutual.port(), server[0], null)));
    assertEquals(Status.Code.UNAVAILABLE, noCert.getStatus().getCode(), "a client without one");
  }

  private String info(ManagedChannel ch) {
    return InfoGrpc.newBlockingStub(ch)
        .withDeadlineAfter(10, TimeUnit.SECONDS)
        .info(InfoRequest.getDefaultInstance())
        .getComponentType();
  }

  private ManagedChannel plainChannel(int port) {
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    open.add(() -> ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return ch;
  }

  private ManagedChannel tlsChannel(int port, Path trusted, Path[] clientPair) throws Exception {
    var ssl = GrpcSslContexts.forClient().trustManager(trusted.toFile());
    if (clientPair != null) {
      ssl.keyManager(clientPair[0].toFile(), clientPair[1].toFile());
    }
    ManagedChannel ch =
        NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(ssl.build()).build();
    open.add(() -> ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return ch;
  }

  /** A self-signed certificate for 127.0.0.1 and its PKCS#8 key, as PEM files: {cert, key}. */
  private Path[] pemPair(String name) throws Exception {
    TestCertificates c = TestCertificates.create(dir, name);
    return new Path[] {c.certPem(), c.keyPem()};
  }
}
