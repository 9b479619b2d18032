package io.rwgateway.tsdb;

import java.util.List;

/**
 * A {@link ChunkIterator} over chunks already in a list (a proxy's merged chunks, a remote read
 * frame's, a merge's pieces): the cursor here, what a chunk's fields are in the subclass, reading
 * {@link #current()}.
 *
 * @param <T> the list's element, one chunk
 */
public abstract class ListChunkIterator<T> implements ChunkIterator {
  private final List<T> chunks;
  private int i = -1;

  protected ListChunkIterator(List<T> chunks) {
    this.chunks = chunks;
  }

  @Override
  public final boolean next() {
    if (i + 1 >= chunks.size()) {
      i = chunks.size();
      return false;
    }
    i++;
    return true;
  }

  /** The chunk {@link #next()} moved to. */
  protected final T current() {
    if (i < 0 || i >= chunks.size()) {
      throw new IllegalStateException("no current chunk");
    }
    return chunks.get(i);
  }
}
