package io.rwgateway.tsdb.block;

import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.Querier;
import io.rwgateway.tsdb.layout.BlockLayout;
import io.rwgateway.tsdb.layout.BlockMeta;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One block directory opened for reading: its {@code meta.json}, its index and its chunk segments,
 * all checked on {@link #open} (index CRCs, segment headers). Thread-safe after open; {@link
 * #querier()} may be used from any number of threads.
 *
 * <p>Limits: chunks of an unknown encoding are skipped by the list querier and counted ({@link
 * #skippedChunks()}; the chunk querier passes every encoding on); a block with deletions (a
 * non-empty {@code tombstones} file) is refused, since answering without applying them would return
 * deleted samples.
 */
public final class Block implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(Block.class);

  /** Magic, version and the CRC of no stones: the only tombstones file we can honour. */
  private static final long EMPTY_TOMBSTONES_BYTES = Tombstones.empty().length;

  private final Path dir;
  private final BlockMeta meta;
  private final IndexReader index;
  private final ChunkReader chunks;
  private final BlockQuerier querier;
  private final LongAdder skipped = new LongAdder();

  // Leases (guarded by this): readers holding the block, and what to run once none does after
  // retention or compaction marked it for deletion.
  private int leases;
  private boolean doomed;
  private Runnable whenUnused;
  private final AtomicBoolean warnedSkip = new AtomicBoolean();

  private Block(Path dir, BlockMeta meta, IndexReader index, ChunkReader chunks) {
    this.dir = dir;
    this.meta = meta;
    this.index = index;
    this.chunks = chunks;
    this.querier = new BlockQuerier(this);
  }

  /** Opens the block in {@code dir} ({@code meta.json}, {@code index}, {@code chunks/}). */
  public static Block open(Path dir) throws IOException {
    BlockMeta meta = BlockMeta.read(dir);
    Path tombstones = dir.resolve(BlockLayout.TOMBSTONES_FILE);
    if (Files.exists(tombstones) && Files.size(tombstones) != EMPTY_TOMBSTONES_BYTES) {
      throw new IOException(
          tombstones + ": block has deletions (tombstones), which this reader does not apply");
    }
    IndexReader index = IndexReader.open(dir.resolve(BlockLayout.INDEX_FILE));
    ChunkReader chunks = ChunkReader.open(dir.resolve(BlockLayout.CHUNKS_DIR));
    return new Block(dir, meta, index, chunks);
  }

  /** The ULID from {@code meta.json} (normally also the directory name). */
  public String ulid() {
    return meta.ulid();
  }

  public Path dir() {
    return dir;
  }

  public BlockMeta meta() {
    return meta;
  }

  /** First millisecond of the block's range, inclusive. */
  public long minTime() {
    return meta.minTime();
  }

  /** End of the block's range, exclusive, as in {@code meta.json}. */
  public long maxTime() {
    return meta.maxTime();
  }

  public IndexReader index() {
    return index;
  }

  public ChunkReader chunks() {
    return chunks;
  }

  /** A {@link Querier} over this block; one shared, stateless instance. */
  public Querier querier() {
    return querier;
  }

  /**
   * A streaming reader of this block's chunks in [mint, maxt] (inclusive), holding a lease on the
   * block until it is closed.
   *
   * @throws IllegalStateException when the block is already marked for deletion
   */
  public ChunkQuerier chunkQuerier(long mint, long maxt) {
    if (!acquire()) {
      throw new IllegalStateException(this + " is being deleted");
    }
    return new BlockChunkQuerier(this, mint, maxt);
  }

  /**
   * The same on a lease the caller already holds (from {@link #acquire}); the querier gives it back
   * when it is closed.
   */
  public ChunkQuerier chunkQuerierOnLease(long mint, long maxt) {
    return new BlockChunkQuerier(this, mint, maxt);
  }

  /**
   * Takes a lease: the block's files stay on disk until it is {@link #release released}. False when
   * the block is already marked for deletion, which no new reader may start on.
   */
  public synchronized boolean acquire() {
    if (doomed) {
      return false;
    }
    leases++;
    return true;
  }

  /** Gives a lease back; the last one out of a block marked for deletion deletes it. */
  public void release() {
    Runnable run = null;
    synchronized (this) {
      if (leases <= 0) {
        throw new IllegalStateException(this + ": release without a lease");
      }
      if (--leases == 0 && doomed) {
        run = whenUnused;
        whenUnused = null;
      }
    }
    if (run != null) {
      run.run();
    }
  }

  /**
   * Marks the block for deletion: no new lease is given, and {@code deleter} runs now if no reader
   * holds the block, else on the thread that releases the last lease.
   */
  public void deleteWhenUnused(Runnable deleter) {
    synchronized (this) {
      if (doomed) {
        throw new IllegalStateException(this + " is already marked for deletion");
      }
      doomed = true;
      if (leases > 0) {
        whenUnused = deleter;
        return;
      }
    }
    deleter.run();
  }

  /** Leases held now. */
  public synchronized int leases() {
    return leases;
  }

  /**
   * Chunks list queries skipped because they cannot decode them (unknown encodings), since open.
   */
  public long skippedChunks() {
    return skipped.sum();
  }

  /** Called by the querier for each chunk it cannot decode and passes over; logs the first one. */
  void skippedChunk(long ref, int encoding) {
    skipped.increment();
    if (warnedSkip.compareAndSet(false, true)) {
      LOG.warn(
          "skipping chunks this reader cannot decode: block={} first_ref={} encoding={} ({})",
          ulid(),
          ref,
          encoding,
          ChunkReader.encodingName(encoding));
    }
  }

  @Override
  public void close() {
    index.close();
    chunks.close();
  }

  @Override
  public String toString() {
    return "Block[" + ulid() + ", " + dir + ", [" + minTime() + ", " + maxTime() + ")]";
  }
}
