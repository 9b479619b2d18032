package io.rwgateway.tsdb.db;

import io.rwgateway.tsdb.BlockListener;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.EpochLeases;
import io.rwgateway.tsdb.MergeChunkQuerier;
import io.rwgateway.tsdb.MergeQuerier;
import io.rwgateway.tsdb.MetricMetadata;
import io.rwgateway.tsdb.Querier;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.block.Block;
import io.rwgateway.tsdb.head.Head;
import io.rwgateway.tsdb.head.HeadAppender;
import io.rwgateway.tsdb.head.HeadQuerier;
import io.rwgateway.wal.RecordEncoder;
import io.rwgateway.wal.Wal;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One tenant's WAL, head and local blocks.
 *
 * <p>NOTE: {@link #appendLock} is held by the writer thread for each {@link #append} and by the
 * compactor while it changes the head's structure (raising the min valid time, truncating). The
 * writer is the only other thread that changes the head, so holding the lock makes those steps
 * atomic with respect to appends; uncontended, it costs one CAS per batch, not per sample.
 */
public final class TenantDb implements Closeable {
  private final String tenant;
  private final Path dir;
  private final Wal wal;
  private final Head head;
  private final HeadAppender appender;
  private final HeadQuerier querier;
  private final TenantQuerier tenantQuerier;
  private final TenantBlocks blocks;
  private final RecordEncoder encoder = new RecordEncoder();
  private final EncoderVisitor log = new EncoderVisitor(encoder, this::appendRecord);
  private final TsdbMetrics.Tenant metrics;
  final ReentrantLock appendLock = new ReentrantLock();
  final WalCycles walCycles;
  private final TenantCompactor compactor;

  /**
   * Streaming readers, by the block-list epoch they started in: a block cut ends the epoch when it
   * publishes its block, and truncates the head only once the readers of the old list are done.
   */
  final EpochLeases readers;

  TenantDb(
      String tenant,
      Path dir,
      Wal wal,
      Head head,
      TenantBlocks blocks,
      WalCycles walCycles,
      TsdbOptions options,
      TsdbMetrics.Tenant metrics,
      BlockListener listener) {
    this.tenant = tenant;
    this.dir = dir;
    this.wal = wal;
    this.head = head;
    this.blocks = blocks;
    this.walCycles = walCycles;
    this.appender = new HeadAppender(head, options.appendWindowMs(), options.outOfOrderWindowMs());
    this.querier = new HeadQuerier(head);
    this.metrics = metrics;
    this.readers = new EpochLeases("readers of tenant " + tenant);
    this.tenantQuerier = new TenantQuerier(this, head, this::queriers);
    this.compactor = new TenantCompactor(this, options, metrics, listener);
    metrics.series.set(head.seriesCount());
    reportHeadChunks();
    metrics.blocks.set(blocks.list().size());
  }

  public String tenant() {
    return tenant;
  }

  /**
   * Validates the batch against the head, appends what is accepted to the WAL (not yet synced) and
   * to the head, and records the outcome in the batch. Called only by the tenant's writer thread. A
   * WAL failure sets {@link WriteBatch#failure}.
   */
  public void append(WriteBatch batch) {
    appendLock.lock();
    try {
      appendLocked(batch);
    } finally {
      appendLock.unlock();
    }
  }

  private void appendLocked(WriteBatch batch) {
    encoder.reset();
    walCycles.beginAppend();
    try {
      appender.prepare(batch, log);
      if (!encoder.isEmpty()) {
        appendRecord(encoder);
      }
    } catch (UncheckedIOException e) {
      appender.abort(batch, e.getCause());
      return;
    } catch (RuntimeException e) {
      // NOTE: RuntimeException too: a Chronicle failure must not leave unlogged samples applied.
      appender.abort(batch, e);
      return;
    }
    appender.commit(batch);
    walCycles.endAppend(head.maxTime());
    if (appender.appliedSamples() > 0) {
      metrics.floats.inc(appender.appliedSamples());
    }
    if (appender.appliedHistograms() > 0) {
      metrics.histograms.inc(appender.appliedHistograms());
    }
    if (appender.appliedExemplars() > 0) {
      metrics.exemplars.inc(appender.appliedExemplars());
    }
    metrics.series.set(head.seriesCount());
    reportHeadChunks();
  }

  private void appendRecord(RecordEncoder full) {
    long start = System.nanoTime();
    try {
      wal.append(full.finish());
      walCycles.appended(wal.lastAppendCycle());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      metrics.walAppend(System.nanoTime() - start);
    }
  }

  /**
   * Any thread, before {@link #append}: finds the head's existing series for the batch's entries,
   * so the writer thread does not have to. Optional; append works without it.
   */
  public void resolveSeries(WriteBatch batch) {
    head.resolve(batch);
  }

  /** Forces appended WAL records to disk; called after a group of appends, before acknowledging. */
  public void sync() throws IOException {
    wal.sync();
  }

  /**
   * Head and local blocks; a sample both hold (while a block is being cut) is returned once, and a
   * query that races a block cut still sees every sample, under leases (see {@link TenantQuerier}).
   */
  public Querier querier() {
    return tenantQuerier;
  }

  /**
   * A streaming reader of the tenant's data in [mint, maxt] (inclusive): its local blocks that meet
   * the range, oldest first, then its head, merged into one sorted stream. It holds leases until
   * closed: on the blocks (retention waits to delete them), on the head's chunk files, and on the
   * block list it started with (a block cut truncates the head behind a new block only once every
   * reader that did not see the new block is done), so it sees every sample exactly once, however
   * long it runs, with no retry.
   */
  public ChunkQuerier chunkQuerier(long mint, long maxt) {
    long token;
    List<Block> leased;
    synchronized (readers) {
      token = readers.acquire();
      leased = blocks.lease();
    }
    List<ChunkQuerier> parts = new ArrayList<>(leased.size() + 1);
    int taken = 0;
    try {
      for (; taken < leased.size(); taken++) {
        Block b = leased.get(taken);
        if (mint <= maxt && mint < b.maxTime() && maxt >= b.minTime()) {
          parts.add(b.chunkQuerierOnLease(mint, maxt));
        } else {
          b.release();
        }
      }
      parts.add(head.chunkQuerier(mint, maxt));
    } catch (RuntimeException e) {
      for (ChunkQuerier p : parts) {
        p.close();
      }
      for (int i = taken; i < leased.size(); i++) {
        leased.get(i).release();
      }
      readers.release(token);
      throw e;
    }
    return new MergeChunkQuerier(parts, mint, maxt, () -> readers.release(token));
  }

  /** Oldest sample time in the blocks or the head; Long.MAX_VALUE when the tenant holds none. */
  public long minTime() {
    long min = head.seriesCount() > 0 ? head.minTime() : Long.MAX_VALUE;
    for (Block b : blocks.list()) {
      min = Math.min(min, b.minTime());
    }
    return min;
  }

  /** The given blocks (leased by the caller), then the head, as one list querier. */
  private Querier queriers(List<Block> bs) {
    if (bs.isEmpty()) {
      return querier;
    }
    List<Querier> all = new ArrayList<>(bs.size() + 1);
    for (Block b : bs) {
      all.add(b.querier());
    }
    all.add(querier);
    return new MergeQuerier(all);
  }

  /** The local blocks, oldest first. Any thread. */
  public List<Block> blocks() {
    return blocks.list();
  }

  /** The tenant's directory: {@code <tsdb.path>/<tenant>}. */
  public Path dir() {
    return dir;
  }

  Head head() {
    return head;
  }

  Wal wal() {
    return wal;
  }

  TenantBlocks tenantBlocks() {
    return blocks;
  }

  /** The compactor of this tenant (runs on the Tsdb's compaction thread, or in tests directly). */
  public TenantCompactor compactor() {
    return compactor;
  }

  /** The querier with head-only extras (exemplars). */
  public HeadQuerier headQuerier() {
    return querier;
  }

  /** Latest metadata of a metric family, or null. Any thread. */
  public MetricMetadata metadata(String metricFamily) {
    return head.metadata(metricFamily);
  }

  /** Latest metadata of every metric family, by name. Any thread. */
  public SortedMap<String, MetricMetadata> allMetadata() {
    return head.allMetadata();
  }

  /** See {@link Head#cutOpenChunks}; on the WAL writer thread. */
  public int cutOpenChunks(int minBytes) {
    return head.cutOpenChunks(minBytes);
  }

  /** See {@link Head#reusableBytes}; any thread. */
  public long reusableHeadBytes() {
    return head.reusableBytes();
  }

  /** What the head holds on the heap, by part (an estimate; see {@link Head#memory}). */
  public Head.Memory headMemory() {
    return head.memory();
  }

  /** Active series in the head. */
  public long headSeries() {
    return head.seriesCount();
  }

  /** Newest sample time in the head, or Long.MIN_VALUE when empty. */
  public long headMaxTime() {
    return head.maxTime();
  }

  public long headMinTime() {
    return head.minTime();
  }

  /** Updates the head chunks' metrics: bytes on disk, and whether writing them fails. */
  void reportHeadChunks() {
    metrics.headChunksDiskBytes.set(head.chunkDiskBytes());
    metrics.headChunksWriteFailing.set(head.chunkWritesFailing() ? 1 : 0);
  }

  /** Closes the WAL, the blocks and the head (whose chunks directory is removed). */
  @Override
  public void close() throws IOException {
    try {
      wal.close();
    } finally {
      try {
        blocks.close();
      } finally {
        head.close();
      }
    }
  }
}
