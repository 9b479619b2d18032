package io.rwgateway.wal;

/** What a replay read: intact records and their payload bytes, and records skipped as corrupt. */
public record ReplayResult(long records, long bytes, long corruptRecords, long durationNanos) {}
