package io.rwgateway.ingest.forward;

import io.grpc.Status;
import io.rwgateway.tsdb.WriteBatch;
import java.util.concurrent.CompletableFuture;

/**
 * Where {@link ForwardServer} hands each decoded forwarded batch: the local write path (the gateway
 * implements it with the WAL ring), never the hashring router.
 *
 * <p>NOTE: this is what keeps a forwarded write from being forwarded again. As in Thanos, a request
 * that arrives over gRPC has already been routed by its sender and is written locally only, so two
 * receivers with different views of the hashring cannot bounce series between them.
 *
 * <p>Contract of the returned future:
 *
 * <ul>
 *   <li>it completes once the batch is in the WAL (synced per policy), or its write has failed;
 *   <li>{@link Status#OK} means "processed": the outcome is in the batch ({@code failure}, {@code
 *       firstBadData}, {@code firstConflict}) and the server maps it with {@link
 *       ForwardStatus#of(WriteBatch)};
 *   <li>any other status answers the call as it is: {@link ForwardStatus#notReady} or {@link
 *       ForwardStatus#queueFull} (UNAVAILABLE) when the batch was not taken;
 *   <li>completing exceptionally answers INTERNAL;
 *   <li>once it completes, the sink must not touch the batch again: the server reuses it.
 * </ul>
 *
 * The future may complete on any thread; the server moves the answer off it.
 */
@FunctionalInterface
public interface ForwardSink {
  /** Writes {@code batch} (whose {@code tenant} is already set to {@code tenant}) locally. */
  CompletableFuture<Status> write(WriteBatch batch, String tenant);

  /**
   * As {@link #write(WriteBatch, String)}, with the request's replica field (0 = not replicated,
   * else 1-based), for sinks that record it. The server calls this one.
   */
  default CompletableFuture<Status> write(WriteBatch batch, String tenant, long replica) {
    return write(batch, tenant);
  }

  /**
   * Every call ends here, on the server's pool, just before it answers: whether its batch was
   * written, rejected whole while decoding, or not taken. For sinks that count outcomes.
   */
  default void answered(WriteBatch batch) {}
}
