package io.rwgateway.ingest.forward;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Codec;
import io.grpc.CompressorRegistry;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.rwgateway.tsdb.WriteBatch;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards series to one peer receiver (an endpoint {@code host:port} of the hashring) with Thanos'
 * RemoteWrite call, so the peer may be a gateway or a Thanos Receive.
 *
 * <p>One instance per peer, shared by all threads: it owns one gRPC channel (HTTP/2, multiplexed),
 * the peer's backoff state and its metrics. Each call has a deadline (the forward timeout) and
 * compressed requests. The answer is classified into a {@link ForwardOutcome}; a peer that is
 * unreachable (UNAVAILABLE, or no answer before the deadline) is closed for a backoff time during
 * which forwards fail at once as retryable.
 */
public final class ForwardClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ForwardClient.class);
  private static final CompressorRegistry COMPRESSORS = compressors();

  private final String endpoint;

  /** A WARN said the peer is failing and no INFO has said it recovered yet. */
  private final AtomicBoolean reportedDown = new AtomicBoolean();

  private final ForwardClientOptions options;
  private final ManagedChannel channel;
  private final CallOptions callOptions;
  private final PeerBackoff backoff;
  private final ForwardMetrics.Peer metrics;

  public ForwardClient(String endpoint, ForwardClientOptions options, ForwardMetrics metrics) {
    this.endpoint = endpoint;
    this.options = options;
    this.channel =
        NettyChannelBuilder.forTarget(endpoint)
            .usePlaintext()
            .compressorRegistry(COMPRESSORS)
            .decompressorRegistry(ForwardServer.DECOMPRESSORS)
            .build();
    this.callOptions = CallOptions.DEFAULT.withCompression(options.compression());
    this.backoff =
        new PeerBackoff(
            options.minBackoff().toNanos(),
            options.maxBackoff().toNanos(),
            options.nanoClock(),
            () -> ThreadLocalRandom.current().nextDouble());
    this.metrics = metrics.peer(endpoint);
  }

  /**
   * gzip, identity and Thanos' snappy; a registry of our own, so the process-wide default is left
   * alone.
   */
  private static CompressorRegistry compressors() {
    CompressorRegistry r = CompressorRegistry.newEmptyInstance();
    r.register(new Codec.Gzip());
    r.register(Codec.Identity.NONE);
    r.register(SnappyCodec.INSTANCE);
    return r;
  }

  public String endpoint() {
    return endpoint;
  }

  /**
   * Forwards series {@code series[0..count)} of {@code batch} for {@code tenant} as replica {@code
   * replica} (0-based, as the hashring numbers replicas; sent 1-based as Thanos does, which also
   * tells the peer to write locally and not route again).
   *
   * <p>The request is encoded before this returns, so the caller may reuse the batch at once. The
   * future never completes exceptionally: failures are outcomes.
   *
   * @throws IllegalArgumentException for a negative replica, or series too large for one message
   *     (over 2 GiB)
   */
  public CompletableFuture<ForwardResult> forward(
      WriteBatch batch, int[] series, int count, String tenant, int replica) {
    if (replica < 0) {
      throw new IllegalArgumentException("replica is 0-based, got " + replica);
    }
    long start = System.nanoTime();
    long closed = backoff.remainingNanos();
    if (closed > 0) {
      metrics.skipped();
      return CompletableFuture.completedFuture(
          new ForwardResult(
              ForwardOutcome.RETRYABLE,
              "peer "
                  + endpoint
                  + " is backing off for "
                  + TimeUnit.NANOSECONDS.toMillis(closed)
                  + "ms after "
                  + backoff.failures()
                  + " failed forwards"));
    }
    int[] sizes = ForwardEncoder.seriesSizes(batch, series, count);
    int to = count == 0 ? 0 : ForwardEncoder.cut(sizes, 0, count, ForwardEncoder.MAX_REQUEST_BYTES);
    if (to == count) {
      return send(
          ForwardEncoder.encode(batch, series, sizes, 0, count, tenant, replica + 1L), start);
    }
    // Too large for one message: several requests, whose outcome is the worst of theirs.
    CompletableFuture<ForwardResult> all = null;
    for (int from = 0; from < count; from = to) {
      to = ForwardEncoder.cut(sizes, from, count, ForwardEncoder.MAX_REQUEST_BYTES);
      CompletableFuture<ForwardResult> part =
          send(ForwardEncoder.encode(batch, series, sizes, from, to, tenant, replica + 1L), start);
      all = all == null ? part : all.thenCombine(part, ForwardResult::worse);
    }
    return all;
  }

  /**
   * Sends an already encoded {@code thanos.WriteRequest} as it is (for a retry of the same bytes,
   * or a request that did not come from a batch). Backoff, deadline and classification apply.
   */
  public CompletableFuture<ForwardResult> send(byte[] writeRequest) {
    long start = System.nanoTime();
    long closed = backoff.remainingNanos();
    if (closed > 0) {
      metrics.skipped();
      return CompletableFuture.completedFuture(
          new ForwardResult(
              ForwardOutcome.RETRYABLE,
              "peer "
                  + endpoint
                  + " is backing off for "
                  + TimeUnit.NANOSECONDS.toMillis(closed)
                  + "ms"));
    }
    return send(writeRequest, start);
  }

  private CompletableFuture<ForwardResult> send(byte[] request, long start) {
    CompletableFuture<ForwardResult> result = new CompletableFuture<>();
    ClientCall<byte[], byte[]> call =
        channel.newCall(
            RawMarshallers.CLIENT_METHOD,
            callOptions.withDeadlineAfter(options.timeout().toNanos(), TimeUnit.NANOSECONDS));
    try {
      ClientCalls.asyncUnaryCall(
          call,
          request,
          new StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {
              // WriteResponse is empty.
            }

            @Override
            public void onError(Throwable t) {
              result.complete(
                  finish(Status.fromThrowable(t), Status.trailersFromThrowable(t), start));
            }

            @Override
            public void onCompleted() {
              result.complete(finish(Status.OK, null, start));
            }
          });
    } catch (RuntimeException e) {
      // A call that cannot even start (channel shut down) is the peer being unavailable to us.
      result.complete(
          finish(
              Status.UNAVAILABLE.withDescription("could not start the call").withCause(e),
              null,
              start));
    }
    return result;
  }

  private ForwardResult finish(Status status, Metadata trailers, long start) {
    ForwardOutcome outcome = ForwardOutcome.of(status.getCode(), trailers);
    Status.Code code = status.getCode();
    if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
      // NOTE: Thanos backs off on UNAVAILABLE only; a peer that does not answer within the
      // timeout (blackholed, hung) would otherwise cost every request the whole timeout.
      long closedNanos = backoff.failed();
      if (reportedDown.compareAndSet(false, true)) {
        // NOTE: logged on the change only: with replication a dead peer may never fail a
        // request (quorum still holds), so without this its outage would show in counters alone.
        LOG.warn(
            "forward peer failing, backing off: peer={} code={} err=\"{}\" retry_in_ms={}",
            endpoint,
            code,
            status.getDescription(),
            TimeUnit.NANOSECONDS.toMillis(closedNanos));
      }
    } else if (outcome != ForwardOutcome.RETRYABLE) {
      backoff.succeeded(); // any real answer shows the peer is up
      if (reportedDown.compareAndSet(true, false)) {
        LOG.info("forward peer answers again: peer={}", endpoint);
      }
    }
    metrics.forwarded(outcome, System.nanoTime() - start);
    if (outcome == ForwardOutcome.OK) {
      return ForwardResult.OK;
    }
    String why = status.getDescription();
    if (why == null && status.getCause() != null) {
      why = status.getCause().toString();
    }
    return new ForwardResult(
        outcome,
        ForwardStatus.oneLine(
            "forwarding to " + endpoint + ": " + code + (why == null ? "" : ": " + why)));
  }

  /** True while the peer is closed by its backoff. */
  public boolean backingOff() {
    return backoff.remainingNanos() > 0;
  }

  /** Starts closing without waiting: calls in flight finish, new ones fail as retryable. */
  public void shutdown() {
    channel.shutdown();
  }

  /**
   * Closes the channel, waiting up to 5 s for calls in flight, then cancelling them (retryable).
   */
  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
