package io.rwgateway.tsdb.chunk;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Samples encoded into a run of XOR chunks of at most {@value XorChunk#MAX_SAMPLES} each. */
public final class XorChunks {
  private XorChunks() {}

  /**
   * Encodes {@code n > 0} samples, ascending in time, into fresh chunks: chunk k holds samples
   * {@code [k * MAX_SAMPLES, min(n, (k + 1) * MAX_SAMPLES))}, each array exactly as long as the
   * encoded chunk (no slack bytes: chunk files and the StoreAPI carry every byte handed over).
   */
  public static List<byte[]> encode(long[] t, long[] valueBits, int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("no samples to encode");
    }
    int chunks = (n + XorChunk.MAX_SAMPLES - 1) / XorChunk.MAX_SAMPLES;
    List<byte[]> out = new ArrayList<>(chunks);
    XorChunk c = new XorChunk(256);
    for (int k = 0; k < chunks; k++) {
      int from = k * XorChunk.MAX_SAMPLES;
      int to = Math.min(n, from + XorChunk.MAX_SAMPLES);
      for (int i = from; i < to; i++) {
        c.append(t[i], Double.longBitsToDouble(valueBits[i]));
      }
      out.add(Arrays.copyOf(c.buffer(), c.length()));
      c.cut(256);
    }
    return out;
  }
}
