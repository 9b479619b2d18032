package io.rwgateway.tsdb.layout;

import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.chunk.XorChunk;
import io.rwgateway.tsdb.chunk.XorChunks;
import io.rwgateway.tsdb.chunk.XorIterator;
import java.util.List;

/**
 * One series as a block stores it: its labels and its XOR chunks in time order.
 *
 * @param labels the series' labels
 * @param xorChunks each chunk's exact encoded bytes (docs/format/xor-chunk.md), no slack bytes
 * @param chunkMinTimes time of each chunk's first sample (ms)
 * @param chunkMaxTimes time of each chunk's last sample (ms, inclusive)
 */
public record BlockSeries(
    Labels labels, List<byte[]> xorChunks, long[] chunkMinTimes, long[] chunkMaxTimes) {
  public BlockSeries {
    xorChunks = List.copyOf(xorChunks);
    if (chunkMinTimes.length != xorChunks.size() || chunkMaxTimes.length != xorChunks.size()) {
      throw new IllegalArgumentException("one min and one max time per chunk expected");
    }
  }

  /** Samples over all chunks, from the chunk headers. */
  public long sampleCount() {
    long n = 0;
    for (byte[] c : xorChunks) {
      n += XorIterator.count(c);
    }
    return n;
  }

  /**
   * Encodes {@code n > 0} samples, ascending in time, into fresh XOR chunks of at most {@value
   * XorChunk#MAX_SAMPLES} samples each.
   */
  public static BlockSeries encode(Labels labels, long[] t, long[] valueBits, int n) {
    List<byte[]> data = XorChunks.encode(t, valueBits, n);
    long[] mins = new long[data.size()];
    long[] maxs = new long[data.size()];
    for (int k = 0; k < mins.length; k++) {
      mins[k] = t[k * XorChunk.MAX_SAMPLES];
      maxs[k] = t[Math.min(n, (k + 1) * XorChunk.MAX_SAMPLES) - 1];
    }
    return new BlockSeries(labels, data, mins, maxs);
  }
}
