package io.rwgateway.wal;

import java.nio.file.Path;

/**
 * A checkpoint that {@link Wal#writeCheckpoint} made durable: its file, records, payload bytes,
 * time taken.
 */
public record CheckpointResult(
    int firstKeptCycle, Path file, long records, long bytes, long durationNanos) {}
