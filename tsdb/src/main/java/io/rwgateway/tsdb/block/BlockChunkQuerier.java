package io.rwgateway.tsdb.block;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.postings.PostingsSelection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Streams a block's chunks as they are stored in its chunk files: one series' chunk metas in memory
 * at a time, chunk bytes handed out as views of the mapped files. Holds a lease on the block from
 * creation to {@link #close}.
 *
 * <p>Series come in reference order, which is label order: the index format stores series sorted by
 * labels and a reference is an entry's offset (docs/format/index.md). Chunks are those whose
 * [minTime, maxTime] meets the range; a chunk may hold samples outside it, as in Prometheus (the
 * reader trims when it decodes). Every chunk's CRC32C is checked before it is handed out; a damaged
 * chunk surfaces as {@link UncheckedIOException} naming the file and offset.
 */
final class BlockChunkQuerier implements ChunkQuerier {
  private final Block block;
  private final long mint;
  private final long maxt;
  private boolean closed;

  BlockChunkQuerier(Block block, long mint, long maxt) {
    this.block = block;
    this.mint = mint;
    this.maxt = maxt;
  }

  @Override
  public ChunkSeriesSet select(Matcher... matchers) {
    checkOpen();
    if (mint > maxt || mint >= block.maxTime() || maxt < block.minTime()) {
      return ChunkSeriesSet.EMPTY;
    }
    return new Series(PostingsSelection.select(block.index(), matchers));
  }

  @Override
  public List<String> labelNames(Matcher... matchers) {
    checkOpen();
    return block.querier().labelNames(ChunkQuerier.asSelectors(matchers), mint, maxt);
  }

  @Override
  public List<String> labelValues(String name, Matcher... matchers) {
    checkOpen();
    return block.querier().labelValues(name, ChunkQuerier.asSelectors(matchers), mint, maxt);
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("querier of " + block + " is closed");
    }
  }

  @Override
  public long mint() {
    return mint;
  }

  @Override
  public long maxt() {
    return maxt;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      block.release();
    }
  }

  private final class Series implements ChunkSeriesSet {
    private final long[] refs;
    private int next;
    private long ref;
    private List<ChunkMeta> metas;
    private int first;

    Series(long[] refs) {
      this.refs = refs;
    }

    @Override
    public boolean next() {
      IndexReader index = block.index();
      while (next < refs.length) {
        long r = refs[next++];
        List<ChunkMeta> all = index.seriesChunks(r);
        int i = 0;
        while (i < all.size() && all.get(i).maxTime() < mint) {
          i++;
        }
        if (i < all.size() && all.get(i).minTime() <= maxt) {
          ref = r;
          metas = all;
          first = i;
          return true;
        }
      }
      metas = null;
      return false;
    }

    @Override
    public Labels labels() {
      return block.index().seriesLabels(current());
    }

    @Override
    public ChunkIterator chunks() {
      current();
      return new Chunks(metas, first);
    }

    private long current() {
      if (metas == null) {
        throw new IllegalStateException("no current series");
      }
      return ref;
    }
  }

  private final class Chunks implements ChunkIterator {
    private final List<ChunkMeta> metas;
    private int at;
    private ChunkMeta meta;
    private ByteBuffer data;
    private int encoding;

    Chunks(List<ChunkMeta> metas, int first) {
      this.metas = metas;
      this.at = first;
    }

    @Override
    public boolean next() {
      if (closed) {
        throw new IllegalStateException("querier of " + block + " is closed");
      }
      if (at >= metas.size() || metas.get(at).minTime() > maxt) {
        meta = null;
        return false;
      }
      meta = metas.get(at++);
      try {
        ChunkReader chunks = block.chunks();
        data = chunks.chunkData(meta.ref());
        encoding = chunks.encoding(meta.ref());
      } catch (IOException e) {
        throw new UncheckedIOException("block " + block.ulid() + ": " + e.getMessage(), e);
      }
      return true;
    }

    @Override
    public int encoding() {
      return current().encoding;
    }

    @Override
    public long minTime() {
      return current().meta.minTime();
    }

    @Override
    public long maxTime() {
      return current().meta.maxTime();
    }

    @Override
    public ByteBuffer bytes() {
      return current().data.duplicate();
    }

    private Chunks current() {
      if (meta == null) {
        throw new IllegalStateException("no current chunk");
      }
      return this;
    }
  }
}
