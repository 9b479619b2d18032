package io.rwgateway.queryapi.store;

import io.rwgateway.proto.thanos.storepb.Chunk;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.ChunkIterator;
import java.nio.ByteBuffer;

/** Stored chunks as the StoreAPI serves them, raw and unchanged. */
final class Chunks {
  private Chunks() {}

  /**
   * The StoreAPI's number for a block-format encoding: one less ({@code Chunk.Encoding} counts XOR
   * as 0, Prometheus' {@code chunkenc} as 1).
   *
   * @throws IllegalStateException for an encoding the StoreAPI has no number for
   */
  static Chunk.Encoding encoding(int blockEncoding) {
    switch (blockEncoding) {
      case ChunkEncoding.XOR:
        return Chunk.Encoding.XOR;
      case ChunkEncoding.HISTOGRAM:
        return Chunk.Encoding.HISTOGRAM;
      case ChunkEncoding.FLOAT_HISTOGRAM:
        return Chunk.Encoding.FLOAT_HISTOGRAM;
      default:
        throw new IllegalStateException(
            "chunk with encoding " + ChunkEncoding.name(blockEncoding) + " cannot be served");
    }
  }

  /**
   * Adds the iterator's current chunk to {@code out}, its bytes copied (they are only valid until
   * the iterator moves); leaves out a chunk of fewer than 2 bytes, which holds no sample count and
   * so no samples (and which would crash Thanos Query).
   */
  static void addCurrent(ChunkIterator it, OutSeries.Builder out) {
    ByteBuffer b = it.bytes();
    if (b.remaining() < 2) {
      return;
    }
    out.add(it.minTime(), it.maxTime(), encoding(it.encoding()).getNumber(), b);
  }
}
