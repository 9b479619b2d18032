package io.rwgateway.ingest;

import io.rwgateway.tsdb.WriteBatch;

/** Called by the WAL writer thread once a batch is in the WAL (synced per policy) or failed. */
@FunctionalInterface
public interface WriteCompletion {
  void completed(WriteBatch batch);
}
