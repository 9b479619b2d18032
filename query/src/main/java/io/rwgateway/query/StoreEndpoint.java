package io.rwgateway.query;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContext;
import io.rwgateway.proto.thanos.infopb.InfoGrpc;
import io.rwgateway.proto.thanos.infopb.InfoRequest;
import io.rwgateway.proto.thanos.infopb.InfoResponse;
import io.rwgateway.proto.thanos.storepb.LabelNamesRequest;
import io.rwgateway.proto.thanos.storepb.LabelNamesResponse;
import io.rwgateway.proto.thanos.storepb.LabelValuesRequest;
import io.rwgateway.proto.thanos.storepb.LabelValuesResponse;
import io.rwgateway.proto.thanos.storepb.SeriesRequest;
import io.rwgateway.proto.thanos.storepb.StoreGrpc;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * One StoreAPI endpoint (host:port) over a gRPC channel, plaintext or TLS: Info, Series, LabelNames
 * and LabelValues, each call with a deadline. The channel reconnects by itself; an endpoint that is
 * down fails its calls with UNAVAILABLE until it is back.
 */
public final class StoreEndpoint implements AutoCloseable {
  /** Maximum inbound message: Thanos servers send frames of up to a few MiB. */
  private static final int MAX_INBOUND_BYTES = 64 << 20;

  private final String address;
  private final ManagedChannel channel;
  private final Duration infoTimeout;
  private final Duration queryTimeout;

  /**
   * @param address host:port
   * @param infoTimeout deadline of an Info call
   * @param queryTimeout deadline of a Series call (the whole stream) and of a label call
   */
  public StoreEndpoint(String address, Duration infoTimeout, Duration queryTimeout) {
    this(address, infoTimeout, queryTimeout, null, null);
  }

  /**
   * The same over TLS when {@code tls} is not null.
   *
   * @param tls the client's TLS context, or null for plaintext
   * @param serverName with TLS, the name the server's certificate must carry; null or empty: the
   *     address' host
   */
  public StoreEndpoint(
      String address,
      Duration infoTimeout,
      Duration queryTimeout,
      SslContext tls,
      String serverName) {
    this(address, infoTimeout, queryTimeout, tls, serverName, null);
  }

  /** The same, with {@code interceptor} (when not null) on every call of the channel. */
  StoreEndpoint(
      String address,
      Duration infoTimeout,
      Duration queryTimeout,
      SslContext tls,
      String serverName,
      ClientInterceptor interceptor) {
    this.address = address;
    this.infoTimeout = infoTimeout;
    this.queryTimeout = queryTimeout;
    NettyChannelBuilder b =
        NettyChannelBuilder.forTarget(address).maxInboundMessageSize(MAX_INBOUND_BYTES);
    if (tls == null) {
      b.usePlaintext();
    } else {
      b.sslContext(tls);
      if (serverName != null && !serverName.isEmpty()) {
        b.overrideAuthority(serverName);
      }
    }
    if (interceptor != null) {
      b.intercept(interceptor);
    }
    this.channel = b.build();
  }

  public String address() {
    return address;
  }

  /**
   * Asks the endpoint what it is and what it serves.
   *
   * @throws io.grpc.StatusRuntimeException when the call fails or times out
   */
  public EndpointInfo info() {
    return EndpointInfo.from(
        InfoGrpc.newBlockingStub(channel)
            .withDeadlineAfter(infoTimeout.toMillis(), TimeUnit.MILLISECONDS)
            .info(InfoRequest.getDefaultInstance()));
  }

  /** Starts an Info call (see {@link #info}); the set polls all endpoints at once this way. */
  public ListenableFuture<InfoResponse> infoAsync() {
    return InfoGrpc.newFutureStub(channel)
        .withDeadlineAfter(infoTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .info(InfoRequest.getDefaultInstance());
  }

  /**
   * Starts a Series call and returns its series as they arrive. The call runs under the current
   * gRPC {@link io.grpc.Context}: cancelling that context cancels the call.
   */
  public SeriesStream series(SeriesRequest request) {
    return SeriesStream.start(
        channel,
        CallOptions.DEFAULT.withDeadlineAfter(queryTimeout.toMillis(), TimeUnit.MILLISECONDS),
        request);
  }

  /** Starts a LabelNames call. */
  public ListenableFuture<LabelNamesResponse> labelNames(LabelNamesRequest request) {
    return StoreGrpc.newFutureStub(channel)
        .withDeadlineAfter(queryTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .labelNames(request);
  }

  /** Starts a LabelValues call. */
  public ListenableFuture<LabelValuesResponse> labelValues(LabelValuesRequest request) {
    return StoreGrpc.newFutureStub(channel)
        .withDeadlineAfter(queryTimeout.toMillis(), TimeUnit.MILLISECONDS)
        .labelValues(request);
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }

  /**
   * Closes the channel once the calls running on it end: for an endpoint discovery no longer lists,
   * which queries that began before may still be reading.
   */
  void retire() {
    channel.shutdown();
  }

  @Override
  public String toString() {
    return address;
  }
}
