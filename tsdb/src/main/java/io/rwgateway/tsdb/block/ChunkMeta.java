package io.rwgateway.tsdb.block;

/**
 * Where one chunk of a series lives and which times it covers, as the index stores it.
 *
 * @param ref chunk reference: upper 32 bits = segment file index (0 for {@code chunks/000001}),
 *     lower 32 bits = byte offset of the chunk in that file
 * @param minTime time (ms) of the first sample in the chunk, inclusive
 * @param maxTime time (ms) of the last sample in the chunk, inclusive
 */
public record ChunkMeta(long ref, long minTime, long maxTime) {}
