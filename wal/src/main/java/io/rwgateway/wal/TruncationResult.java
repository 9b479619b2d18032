package io.rwgateway.wal;

/**
 * What {@link Wal#deleteCyclesBefore} deleted, for logs and metrics.
 *
 * @param keptFromCycle the effective bound: every cycle file below it is gone, none at or above it
 *     was touched (lower than requested when no checkpoint covers more, or when the appender is
 *     still writing an older cycle)
 * @param cyclesDeleted cycle files deleted now
 * @param cycleBytes their sizes (the disk space comes back once Chronicle has unmapped them)
 * @param checkpointsDeleted older checkpoint files (and leftover temporaries) deleted now
 * @param checkpointBytes their sizes
 */
public record TruncationResult(
    int keptFromCycle,
    int cyclesDeleted,
    long cycleBytes,
    int checkpointsDeleted,
    long checkpointBytes,
    long durationNanos) {
  public long bytesFreed() {
    return cycleBytes + checkpointBytes;
  }
}
