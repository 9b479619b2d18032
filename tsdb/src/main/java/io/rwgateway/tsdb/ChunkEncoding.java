package io.rwgateway.tsdb;

/**
 * Chunk encodings with Prometheus' numbers ({@code chunkenc.Encoding}), as they appear in block
 * chunk files, in {@code chunks_head/} and in the StoreAPI's and remote read's chunk messages.
 */
public final class ChunkEncoding {
  private ChunkEncoding() {}

  /** Gorilla-style float chunks (docs/format/xor-chunk.md). */
  public static final int XOR = 1;

  /** Native histograms with integer counts. */
  public static final int HISTOGRAM = 2;

  /** Native histograms with float counts. */
  public static final int FLOAT_HISTOGRAM = 3;

  /** A readable name, for messages. */
  public static String name(int encoding) {
    switch (encoding) {
      case XOR:
        return "XOR";
      case HISTOGRAM:
        return "histogram";
      case FLOAT_HISTOGRAM:
        return "float histogram";
      default:
        return "unknown(" + encoding + ")";
    }
  }
}
