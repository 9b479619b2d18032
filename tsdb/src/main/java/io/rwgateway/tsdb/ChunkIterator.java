package io.rwgateway.tsdb;

import java.nio.ByteBuffer;

/**
 * The chunks of one series, in time order, as they are stored: never decoded and re-encoded on the
 * way from disk (or the head) to a reader such as the StoreAPI, which sends them on as they are. A
 * reader that wants samples decodes {@link #bytes()} itself ({@code tsdb.chunk}).
 */
public interface ChunkIterator {
  /** Moves to the next chunk; false when there are no more. */
  boolean next();

  /** The current chunk's encoding ({@link ChunkEncoding}). */
  int encoding();

  /** Time (ms) of the current chunk's first sample. */
  long minTime();

  /** Time (ms) of the current chunk's last sample, inclusive. */
  long maxTime();

  /**
   * The current chunk's bytes exactly as stored (for XOR: the 2-byte sample count, then the bit
   * stream), as a read-only buffer from its position to its limit. Valid until {@link #next} or
   * until the querier that produced it is closed; copy what must outlive that.
   */
  ByteBuffer bytes();

  /** No chunks. */
  ChunkIterator EMPTY =
      new ChunkIterator() {
        @Override
        public boolean next() {
          return false;
        }

        @Override
        public int encoding() {
          throw new IllegalStateException("no chunk");
        }

        @Override
        public long minTime() {
          throw new IllegalStateException("no chunk");
        }

        @Override
        public long maxTime() {
          throw new IllegalStateException("no chunk");
        }

        @Override
        public ByteBuffer bytes() {
          throw new IllegalStateException("no chunk");
        }
      };
}
