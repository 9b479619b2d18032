package io.rwgateway.queryapi.store;

import io.grpc.Status;
import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkSeriesSet;
import java.util.function.BooleanSupplier;

/** Reads one tenant's selected series as {@link OutSeries}, in the tsdb's (stored label) order. */
final class TenantReader {
  private final ChunkSeriesSet set;
  private final LabelTransform transform;
  private final boolean skipChunks;
  private final boolean mayDrop;
  private final BooleanSupplier cancelled;
  private final OutSeries.Builder chunks = new OutSeries.Builder();

  /**
   * @param mayDrop false when the tenant's label names said no stored series has a label the
   *     transformation drops; a series that has one anyway fails the call rather than be served out
   *     of order
   * @param cancelled true once the client is gone: reading stops with CANCELLED
   */
  TenantReader(
      ChunkSeriesSet set,
      LabelTransform transform,
      boolean skipChunks,
      boolean mayDrop,
      BooleanSupplier cancelled) {
    this.set = set;
    this.transform = transform;
    this.skipChunks = skipChunks;
    this.mayDrop = mayDrop;
    this.cancelled = cancelled;
  }

  /** Moves to the next stored series; false at the end. */
  boolean next() {
    if (cancelled.getAsBoolean()) {
      throw Status.CANCELLED.withDescription("call cancelled").asRuntimeException();
    }
    return set.next();
  }

  /**
   * The current series with its final labels and, unless the request skips them, its chunks copied
   * out (never touching chunk bytes when it does).
   */
  OutSeries current() {
    Labels stored = set.labels();
    if (!mayDrop && transform.drops(stored)) {
      throw new IllegalStateException(
          "series "
              + stored
              + " has a label that the tenant's label names did not show; it could be served out of"
              + " order");
    }
    Labels labels = transform.apply(stored);
    if (skipChunks) {
      return OutSeries.labelsOnly(labels);
    }
    ChunkIterator it = set.chunks();
    chunks.reset();
    while (it.next()) {
      Chunks.addCurrent(it, chunks);
    }
    return chunks.build(labels);
  }
}
