package io.rwgateway.ingest;

import io.rwgateway.tsdb.WriteBatch;
import java.util.concurrent.Executor;

/**
 * Sends a decoded remote-write batch to the receivers that own its series (the local WAL and/or
 * peers), and folds the outcome back into the batch's result fields ({@code failure} for anything
 * retryable, {@code firstBadData}, {@code firstConflict}, the written counts), so the handler
 * answers exactly as for a local write.
 */
public interface WriteRouter {
  /**
   * Routes {@code batch}; runs {@code done} on {@code executor} once the outcome is in the batch.
   */
  void route(WriteBatch batch, Executor executor, Runnable done);
}
