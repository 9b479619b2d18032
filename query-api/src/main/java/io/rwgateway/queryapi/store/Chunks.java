package io.rwgateway.queryapi.store;

import com.google.protobuf.ByteString;
import io.rwgateway.proto.thanos.storepb.AggrChunk;
import io.rwgateway.proto.thanos.storepb.Chunk;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.ChunkIterator;
import java.nio.ByteBuffer;
import java.util.Comparator;

/** Stored chunks as StoreAPI {@code AggrChunk}s, raw and unchanged. */
final class Chunks {
  private Chunks() {}

  /** Chunks by first, then last time (how Thanos sorts the chunks of a merged series). */
  static final Comparator<AggrChunk> BY_TIME =
      Comparator.comparingLong(AggrChunk::getMinTime).thenComparingLong(AggrChunk::getMaxTime);

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
   * The iterator's current chunk, its bytes copied (they are only valid until the iterator moves),
   * or null for a chunk of fewer than 2 bytes, which holds no sample count and so no samples.
   */
  static AggrChunk current(ChunkIterator it) {
    ByteBuffer b = it.bytes().duplicate();
    if (b.remaining() < 2) {
      return null;
    }
    return AggrChunk.newBuilder()
        .setMinTime(it.minTime())
        .setMaxTime(it.maxTime())
        .setRaw(Chunk.newBuilder().setType(encoding(it.encoding())).setData(ByteString.copyFrom(b)))
        .build();
  }

  /**
   * The sample count in the chunk's 2-byte big-endian header (XOR and both histogram encodings
   * start with it).
   */
  static int samples(AggrChunk c) {
    ByteString d = c.getRaw().getData();
    return ((d.byteAt(0) & 0xff) << 8) | (d.byteAt(1) & 0xff);
  }

  /** True when both chunks are the same: times, encoding and bytes. */
  static boolean same(AggrChunk a, AggrChunk b) {
    return a.getMinTime() == b.getMinTime()
        && a.getMaxTime() == b.getMaxTime()
        && a.getRaw().getType() == b.getRaw().getType()
        && a.getRaw().getData().equals(b.getRaw().getData());
  }
}
