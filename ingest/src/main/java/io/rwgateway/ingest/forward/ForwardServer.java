package io.rwgateway.ingest.forward;

import io.grpc.Codec;
import io.grpc.CompressorRegistry;
import io.grpc.DecompressorRegistry;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC server that peer receivers (gateways or Thanos Receive routers) forward to: {@code
 * thanos.WriteableStore/RemoteWrite}, answered from raw bytes with no generated message objects,
 * each batch written through the {@link ForwardSink} (the local write path only).
 *
 * <p>It accepts requests compressed with gzip or with Thanos' framed snappy ({@link SnappyCodec}),
 * up to {@link ForwardServerOptions#maxMessageBytes} decompressed. Other services (the StoreAPI)
 * can be served on the same port by passing their definitions to {@link #start}.
 */
public final class ForwardServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ForwardServer.class);

  /** grpc's defaults (gzip, identity) plus Thanos' snappy; advertised in grpc-accept-encoding. */
  static final DecompressorRegistry DECOMPRESSORS =
      DecompressorRegistry.getDefaultInstance().with(SnappyCodec.INSTANCE, true);

  /** grpc's default compressors plus Thanos' snappy, for answers to callers that accept it. */
  static final CompressorRegistry COMPRESSORS = compressors();

  private static CompressorRegistry compressors() {
    CompressorRegistry r = CompressorRegistry.newEmptyInstance();
    r.register(new Codec.Gzip());
    r.register(SnappyCodec.INSTANCE);
    return r;
  }

  /**
   * Thanos' gRPC clients (Query, receivers forwarding) ping every 10 s; grpc-java's server default
   * would answer pings more frequent than every 5 minutes with GOAWAY ("too_many_pings").
   */
  static final long PERMIT_KEEPALIVE_SECONDS = 5;

  private final Server server;
  private final ExecutorService executor;

  private ForwardServer(Server server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Binds and starts the server; {@code alsoServe} are further services on the same port. */
  public static ForwardServer start(
      ForwardServerOptions options,
      ForwardSink sink,
      ForwardMetrics metrics,
      Clock clock,
      ServerServiceDefinition... alsoServe)
      throws IOException {
    return start(options, sink, metrics, clock, UnaryOperator.identity(), alsoServe);
  }

  /**
   * As {@link #start(ForwardServerOptions, ForwardSink, ForwardMetrics, Clock,
   * ServerServiceDefinition...)}, with every service (RemoteWrite and {@code alsoServe}) passed
   * through {@code decorate} last, for what applies to all calls of the port (gRPC server metrics).
   */
  public static ForwardServer start(
      ForwardServerOptions options,
      ForwardSink sink,
      ForwardMetrics metrics,
      Clock clock,
      UnaryOperator<ServerServiceDefinition> decorate,
      ServerServiceDefinition... alsoServe)
      throws IOException {
    AtomicInteger n = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            options.threads(),
            r -> {
              // Netty's kind of thread: the calls' handlers allocate from netty's buffer pools,
              // whose per-thread caches it then finds without a ThreadLocal lookup.
              Thread t = new FastThreadLocalThread(r, "grpc-forward-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    RemoteWriteService service = new RemoteWriteService(options, sink, metrics, clock, executor);
    NettyServerBuilder b =
        NettyServerBuilder.forAddress(new InetSocketAddress(options.host(), options.port()))
            .executor(executor)
            .decompressorRegistry(DECOMPRESSORS)
            .compressorRegistry(COMPRESSORS)
            .permitKeepAliveTime(PERMIT_KEEPALIVE_SECONDS, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .maxInboundMessageSize(options.maxMessageBytes())
            .addService(decorate.apply(StrictRequests.wrap(service.definition())));
    for (ServerServiceDefinition d : alsoServe) {
      b.addService(decorate.apply(StrictRequests.wrap(d)));
    }
    Server server = b.build();
    try {
      server.start();
    } catch (IOException | RuntimeException e) {
      executor.shutdownNow();
      throw e;
    }
    log.info("forwarding gRPC server listening on {}:{}", options.host(), server.getPort());
    return new ForwardServer(server, executor);
  }

  /** The port bound (useful when the options asked for 0). */
  public int port() {
    return server.getPort();
  }

  /** Stops taking calls, lets calls in flight finish (up to 10 s), then stops the threads. */
  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(10, TimeUnit.SECONDS)) {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    executor.shutdown();
  }
}
