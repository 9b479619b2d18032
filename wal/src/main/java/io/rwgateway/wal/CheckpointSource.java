package io.rwgateway.wal;

import java.io.IOException;

/**
 * Supplies the records a checkpoint must hold: whatever replay needs from the cycles the checkpoint
 * replaces (definitions of series still alive, latest metadata, recent exemplars). The WAL does not
 * interpret them; they are ordinary record payloads, replayed in the order given.
 */
@FunctionalInterface
public interface CheckpointSource {
  /**
   * Adds every record to {@code out}, in replay order. Runs on the thread writing the checkpoint.
   */
  void writeTo(CheckpointWriter out) throws IOException;
}
