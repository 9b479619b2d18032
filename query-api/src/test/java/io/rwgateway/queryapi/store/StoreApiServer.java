package io.rwgateway.queryapi.store;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.proto.thanos.infopb.InfoGrpc;
import io.rwgateway.proto.thanos.storepb.StoreGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A real grpc-netty server on 127.0.0.1 with the services, and a plaintext channel to it. */
final class StoreApiServer implements AutoCloseable {
  final PrometheusRegistry registry = new PrometheusRegistry();
  final Server server;
  final ManagedChannel channel;

  StoreApiServer(FakeChunkStore data, BooleanSupplier ready, StoreApiOptions options) {
    this(data, ready, () -> options);
  }

  StoreApiServer(
      FakeChunkStore data, BooleanSupplier ready, java.util.function.Supplier<StoreApiOptions> o) {
    StoreApi api = new StoreApi(data, ready, o, registry);
    NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0));
    for (var d : api.definitions()) {
      b.addService(d);
    }
    server = b.build();
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
            .usePlaintext()
            .maxInboundMessageSize(64 << 20)
            .build();
  }

  StoreGrpc.StoreBlockingStub store() {
    return StoreGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  InfoGrpc.InfoBlockingStub info() {
    return InfoGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    channel.shutdownNow();
    server.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
