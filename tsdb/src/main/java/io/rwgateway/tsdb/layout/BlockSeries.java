package io.rwgateway.tsdb.layout;

import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.chunk.XorChunk;
import io.rwgateway.tsdb.chunk.XorChunks;
import java.util.Arrays;
import java.util.List;

/**
 * One series as a block stores it: its labels and its chunks in time order, not overlapping. A
 * series may switch between float samples and native histograms, so its chunks may mix encodings.
 *
 * @param labels the series' labels
 * @param chunks each chunk's exact encoded bytes (docs/format/xor-chunk.md, histogram-chunks.md),
 *     no slack bytes; every encoding starts with the 2-byte sample count
 * @param chunkMinTimes time of each chunk's first sample (ms)
 * @param chunkMaxTimes time of each chunk's last sample (ms, inclusive)
 * @param encodings each chunk's encoding byte, Prometheus' numbers (1 XOR, 2 histogram, 3 float
 *     histogram)
 */
public record BlockSeries(
    Labels labels,
    List<byte[]> chunks,
    long[] chunkMinTimes,
    long[] chunkMaxTimes,
    byte[] encodings) {
  public BlockSeries {
    chunks = List.copyOf(chunks);
    if (chunkMinTimes.length != chunks.size()
        || chunkMaxTimes.length != chunks.size()
        || encodings.length != chunks.size()) {
      throw new IllegalArgumentException("one min time, max time and encoding per chunk expected");
    }
  }

  /**
   * The XOR encoding byte. NOTE: not {@code tsdb.ChunkEncoding}: the layout package may use only
   * {@code model} and {@code chunk} (docs/architecture.md).
   */
  private static final byte XOR = 1;

  /** A series of XOR chunks only. */
  public BlockSeries(Labels labels, List<byte[]> xorChunks, long[] mins, long[] maxs) {
    this(labels, xorChunks, mins, maxs, xorEncodings(xorChunks.size()));
  }

  private static byte[] xorEncodings(int n) {
    byte[] e = new byte[n];
    Arrays.fill(e, XOR);
    return e;
  }

  /** Samples over all chunks, from the chunk headers (every encoding starts with the count). */
  public long sampleCount() {
    long n = 0;
    for (byte[] c : chunks) {
      n += ((c[0] & 0xff) << 8) | (c[1] & 0xff);
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
