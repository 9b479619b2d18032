package io.rwgateway.wal;

/**
 * What a replay read: intact records and their payload bytes, records skipped as corrupt, and how
 * many of the intact records came from the checkpoint (they are included in {@code records}).
 */
public record ReplayResult(
    long records, long bytes, long corruptRecords, long durationNanos, long checkpointRecords) {
  /** A result without checkpoint records. */
  public ReplayResult(long records, long bytes, long corruptRecords, long durationNanos) {
    this(records, bytes, corruptRecords, durationNanos, 0);
  }
}
