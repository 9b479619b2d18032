package io.rwgateway.ingest;

import io.grpc.Status;
import io.rwgateway.ingest.forward.ForwardSink;
import io.rwgateway.ingest.forward.ForwardStatus;
import io.rwgateway.tsdb.WriteBatch;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * Writes batches forwarded by peer receivers (gRPC {@code thanos.WriteableStore/RemoteWrite}) into
 * the local WAL through the same ring as remote-write requests, with the same group commit and
 * durability: the future completes once the batch is in the WAL (synced per policy).
 *
 * <p>NOTE: forwarded writes go straight to the local ring, never to a router, so they are never
 * forwarded again (see {@link ForwardSink}).
 */
public final class RingForwardSink implements ForwardSink {
  private final WriteRing ring;
  private final BooleanSupplier ready;
  private final IngestMetrics metrics;

  public RingForwardSink(WriteRing ring, BooleanSupplier ready, IngestMetrics metrics) {
    this.ring = ring;
    this.ready = ready;
    this.metrics = metrics;
  }

  @Override
  public CompletableFuture<Status> write(WriteBatch batch, String tenant) {
    if (!ready.getAsBoolean()) {
      return CompletableFuture.completedFuture(
          ForwardStatus.notReady("receiver is not ready (WAL replay or shutdown)"));
    }
    CompletableFuture<Status> done = new CompletableFuture<>();
    ring.resolveSeries(batch);
    String full = ring.admission(batch);
    if (full != null) {
      return CompletableFuture.completedFuture(Status.UNAVAILABLE.withDescription(full));
    }
    batch.attachment = done;
    if (!ring.tryPublish(batch, RingForwardSink::completed)) {
      batch.attachment = null;
      return CompletableFuture.completedFuture(ForwardStatus.queueFull());
    }
    return done;
  }

  /** Decode and WAL rejections of a forwarded batch, counted by this node, which made them. */
  @Override
  public void answered(WriteBatch batch) {
    metrics.rejected(batch);
  }

  /** On the WAL writer thread; the server moves the answer off it. */
  private static void completed(WriteBatch batch) {
    CompletableFuture<?> done = (CompletableFuture<?>) batch.attachment;
    batch.attachment = null;
    complete(done);
  }

  @SuppressWarnings(
      "unchecked") // only write() sets the attachment, always to a CompletableFuture<Status>
  private static void complete(CompletableFuture<?> done) {
    ((CompletableFuture<Status>) done).complete(Status.OK);
  }
}
