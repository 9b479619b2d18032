package io.rwgateway.tsdb.head;

import io.rwgateway.model.LabelBytes;
import io.rwgateway.model.Labels;
import io.rwgateway.model.XxHash64;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.MetricMetadata;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.wal.RecordVisitor;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.SortedMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.StampedLock;

/**
 * One tenant's in-memory head: series by ref and by label hash, postings, exemplars and metadata.
 * Mutated only by the tenant's writer thread ({@link HeadAppender}) or by replay before the head is
 * published; read concurrently through {@link HeadQuerier}.
 *
 * <p>Series lookups use the hash the ingest decoder computed, {@code WriteBatch.seriesHash}, which
 * must be {@link #hashLabels} of the label bytes; replay recomputes it the same way.
 *
 * <p>Finished float chunks live in a {@link HeadChunks} directory, not on the heap; {@link #close}
 * closes and removes it.
 */
public final class Head implements Closeable {
  public static final int DEFAULT_EXEMPLAR_CAPACITY = 100_000;

  final LabelIndex index = new LabelIndex();

  /** Label pairs of every series, once each; series keep their ids. */
  final SymbolTable symbols = new SymbolTable();

  /** Label order of large selections, reused by later ones (readers). */
  final LabelSortedRefs labelOrder = new LabelSortedRefs(this);

  /** Write-locked by the writer once per applied batch; see the NOTE on {@link MemSeries}. */
  final StampedLock lock = new StampedLock();

  final ExemplarRing exemplars;
  final MetadataStore metadata = new MetadataStore();

  /** Where series put their finished chunks. */
  final HeadChunks chunks;

  /** Writer-side state of histogram appends (decoders, chunk range, what no chunk holds). */
  final HistogramScratch histograms = new HistogramScratch();

  /** The bytes of the series' open chunks (writer and readers under {@link #lock}). */
  final ChunkPieces pieces = new ChunkPieces();

  private final SeriesMap map = new SeriesMap(1024, symbols);

  /** Index = ref. Grown by copy and republished; entries below {@link #maxRef} never change. */
  private volatile MemSeries[] byRef = new MemSeries[1024];

  private volatile int maxRef;
  private volatile int seriesCount;

  /** Heap bytes of the series' label-ref arrays (see {@link #memory}); writer and truncation. */
  private volatile long labelRefBytes;

  private int nextRef = 1;

  /** Newest and oldest sample times applied (floats and histograms). */
  private volatile long maxTime = Long.MIN_VALUE;

  private volatile long minTime = Long.MAX_VALUE;

  /**
   * Samples before this are refused (as too old) and ignored by replay: their range is, or is
   * being, written to a block. Raised before a block's range is exported, never lowered.
   */
  private volatile long minValidTime = Long.MIN_VALUE;

  /**
   * Truncations started so far. A reader that combines the head with the block list (see {@code
   * TenantQuerier}) reads it before and after: a change means data may have moved from the head
   * into a block it did not list, and it reads again.
   */
  private final AtomicLong truncations = new AtomicLong();

  /** A head whose finished chunks go to a temporary directory (tests, benchmarks). */
  public Head() {
    this(DEFAULT_EXEMPLAR_CAPACITY);
  }

  /** A head whose finished chunks go to a temporary directory (tests, benchmarks). */
  public Head(int exemplarCapacity) {
    this(exemplarCapacity, HeadChunks.temporary());
  }

  /**
   * A head whose finished chunks go to {@code chunksDir} (a tenant's {@code chunks_head}), which is
   * emptied first: it is a cache that WAL replay fills again.
   */
  public Head(int exemplarCapacity, Path chunksDir) throws IOException {
    this(exemplarCapacity, HeadChunks.open(chunksDir));
  }

  Head(int exemplarCapacity, HeadChunks chunks) {
    this.exemplars = new ExemplarRing(exemplarCapacity);
    this.chunks = chunks;
  }

  /**
   * The block range: the head never lets a histogram chunk span a multiple of it, so that a block
   * cut of an aligned range finds its histogram chunks ready ({@code SeriesExtras}). Set before
   * replay and the first append (default 2h).
   */
  public void histogramChunkRange(long ms) {
    if (ms <= 0) {
      throw new IllegalArgumentException("chunk range must be positive, not " + ms);
    }
    histograms.chunkRange = ms;
  }

  /**
   * Takes the count of native histograms kept out of the head's chunks (mixed or undecodable
   * counts, or not encodable) whose block range starts before {@code t}: the block cut of [.., t)
   * counts them as not in blocks. Any thread.
   */
  public long takeHistogramsNotInChunks(long t) {
    return histograms.takeNotChunked(t);
  }

  /** The label-set hash the head indexes series by. */
  public static long hashLabels(byte[] b, int off, int len) {
    return XxHash64.hash(b, off, len, 0);
  }

  public int seriesCount() {
    return seriesCount;
  }

  public long maxTime() {
    return maxTime;
  }

  public long minTime() {
    return minTime;
  }

  /** Start of the time range the head is responsible for; see {@link #raiseMinValidTime}. */
  public long minValidTime() {
    return minValidTime;
  }

  /**
   * From now on samples before {@code t} are refused. Call with the writer excluded (so no batch
   * validated against the old bound is still to be applied) before exporting [.., t) to a block.
   */
  public void raiseMinValidTime(long t) {
    if (t > minValidTime) {
      minValidTime = t;
    }
  }

  /**
   * A streaming reader of the head's float chunks in [mint, maxt] (inclusive), holding a lease on
   * the head's chunk files until it is closed.
   */
  public ChunkQuerier chunkQuerier(long mint, long maxt) {
    return new HeadChunkQuerier(this, mint, maxt);
  }

  /**
   * A lease on the head's chunk files for a reader outside this package (the tenant's list
   * querier): a file that truncation deletes stays open until the lease is released.
   */
  public long leaseChunkFiles() {
    return chunks.readers().acquire();
  }

  /** Gives back a {@link #leaseChunkFiles} lease. */
  public void releaseChunkFiles(long token) {
    chunks.readers().release(token);
  }

  /** Streaming readers holding a lease now. */
  public int chunkReaders() {
    return chunks.readers().count();
  }

  /** What one {@link #truncate} did. */
  public record Truncation(int seriesRemoved, long histogramsDropped, int seriesLeft, long nanos) {}

  /**
   * Drops what lies before {@code before} (already written to a block): finished chunks wholly
   * before it, histograms before it, and series left with nothing at or after it (removed from the
   * ref table, the lookup map and the postings). Raises {@link #minValidTime} to {@code before}.
   *
   * <p>The caller must exclude the writer thread (TenantDb's append lock): series are removed here,
   * and only the writer otherwise changes the head's structure. Readers may run: chunks are dropped
   * under the write lock in slices of series, so a reader waits for a slice at most. Chunk segment
   * files left without a live chunk are deleted (see {@link HeadChunks#deleteUnused}).
   */
  public Truncation truncate(long before) {
    long start = System.nanoTime();
    // NOTE: before anything is dropped: a reader that then sees any of this truncation's changes
    // (through the read lock) also sees the count move.
    truncations.incrementAndGet();
    raiseMinValidTime(before);
    int max = maxRef;
    long histDropped = 0;
    // The histograms of finished chunks that are dropped, counted from their records (the chains
    // do not change: the writer is excluded), outside the write lock since it reads files.
    HeadChunks.ReadBuffer rb = new HeadChunks.ReadBuffer();
    long liveFrom = chunks.liveFrom();
    for (int r = 1; r <= max; r++) {
      MemSeries s = series(r);
      if (s != null && s.extras != null && s.extras.histLastRef != HeadChunks.NO_CHUNK) {
        histDropped += s.extras.finishedHistogramsBefore(chunks, before, liveFrom, rb);
      }
    }
    chunks.dropBefore(before);
    BitSet removed = new BitSet(max + 1);
    byte[][] removedSeries = null; // label refs by ref - 1, released once the series is unreachable
    long minLeft = Long.MAX_VALUE;
    int r = 1;
    while (r <= max) {
      long stamp = lock.writeLock();
      try {
        for (int end = Math.min(max, r + TRUNCATE_SLICE - 1); r <= end; r++) {
          MemSeries s = series(r);
          if (s == null) {
            continue;
          }
          histDropped += s.truncateBefore(before);
          if (s.maxTime() < before) {
            s.markRemoved();
            s.releaseOpenChunk();
            removed.set(r);
            if (removedSeries == null) {
              removedSeries = new byte[max][];
            }
            removedSeries[r - 1] = s.labelRefs;
            labelRefBytes = labelRefBytes - HeapSizes.byteArray(s.labelRefs.length);
          } else if (s.minTime < minLeft) {
            minLeft = s.minTime;
          }
        }
      } finally {
        lock.unlockWrite(stamp);
      }
    }
    int n = removed.cardinality();
    if (n > 0) {
      MemSeries[] a = byRef;
      for (int i = removed.nextSetBit(0); i >= 0; i = removed.nextSetBit(i + 1)) {
        a[i] = null;
      }
      map.removeMarked();
      index.removeAll(removed);
      for (int i = removed.nextSetBit(0); i >= 0; i = removed.nextSetBit(i + 1)) {
        symbols.release(removedSeries[i - 1]);
      }
      symbols.endTruncation();
      seriesCount = seriesCount - n;
    }
    // Outside the write lock (it deletes files); the caller still excludes the writer.
    chunks.deleteUnused();
    // NOTE: not simply `before`: when nothing is left until much later (a lone sample far ahead),
    // the next cut starts there instead of stepping through empty ranges one by one.
    minTime = seriesCount > 0 && maxTime >= before ? Math.max(before, minLeft) : Long.MAX_VALUE;
    return new Truncation(n, histDropped, seriesCount, System.nanoTime() - start);
  }

  /**
   * Writes what a WAL checkpoint must carry for this head: the definition of every series still in
   * it (whose WAL definition may be in a cycle about to be deleted), the latest metadata of each
   * metric family, and the exemplars at or after {@code exemplarsFrom} of live series. Samples are
   * not included: the cycles a checkpoint replaces hold only samples a block already has. Any
   * thread; series created meanwhile are defined in the WAL cycles that are kept.
   */
  public void writeCheckpoint(RecordVisitor out, long exemplarsFrom) {
    int max = maxRef;
    for (int r = 1; r <= max; r++) {
      MemSeries s = series(r);
      if (s != null) {
        byte[] labels = symbols.canonical(s.labelRefs);
        out.series(s.ref, labels, 0, labels.length);
      }
    }
    metadata.forEach(out);
    exemplars.forEachFrom(
        exemplarsFrom,
        (ref, t, v, labels) -> {
          if (series(ref) != null) {
            out.exemplar(ref, t, v, labels, 0, labels.length);
          }
        });
  }

  /** Series whose chunks are trimmed per write-lock hold in {@link #truncate}. */
  private static final int TRUNCATE_SLICE = 4096;

  /** Truncations started so far (see the field's note). Any thread. */
  public long truncations() {
    return truncations.get();
  }

  /**
   * Memory pressure: cuts every open chunk of at least {@code minBytes} to {@link #chunks} now
   * instead of where it would end, under the write lock (the WAL writer thread calls it, the head's
   * one mutator): float chunks' pieces return to the pool, histogram chunks' grown buffers to the
   * heap. Returns the chunks cut.
   */
  public int cutOpenChunks(int minBytes) {
    long stamp = lock.writeLock();
    try {
      MemSeries[] all = byRef;
      int cut = 0;
      for (MemSeries s : all) {
        if (s == null) {
          continue;
        }
        if (s.cutIfAtLeast(chunks, minBytes)) {
          cut++;
        }
        SeriesExtras x = s.extras;
        if (x != null && x.cutHistogramIfAtLeast(chunks, minBytes)) {
          cut++;
        }
      }
      chunks.flush();
      return cut;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  /**
   * What the head holds on the heap, by part, in bytes: an estimate from its structures' sizes
   * (object headers and references as a 64-bit JVM with compressed references lays them out), not a
   * measurement. The exemplar ring is not counted (its size is fixed by the flag). Any thread;
   * walks the series table for the extras (a few ms at a million series), so not for the write
   * path.
   */
  public Memory memory() {
    long open = (long) pieces.piecesInUse() * ChunkPieces.PIECE_HEAP_BYTES;
    long extras = 0;
    for (MemSeries s : byRef) {
      SeriesExtras x = s == null ? null : s.extras;
      if (x != null) {
        extras += x.heapBytes();
      }
    }
    return new Memory(
        (long) seriesCount * HeapSizes.SERIES + HeapSizes.refArray(byRef.length) + map.bytesHeld(),
        labelRefBytes + symbols.bytesHeld(),
        index.bytesHeld(),
        open,
        Math.max(0, pieces.bytesHeld() - open),
        extras);
  }

  /**
   * The parts of {@link #memory}: series objects and the lookup tables; label data (each series'
   * label-ref array and the shared label pairs); postings (the label index); the open float chunks;
   * the open-chunk pool's free pieces, which the head reuses before it allocates more; and what
   * series with native histograms, out-of-order samples or exemplars hold beyond a float series
   * (mostly the open histogram chunk and its encoder's state).
   */
  public record Memory(
      long series, long labels, long postings, long openChunks, long chunkPool, long extras) {}

  /** Open-chunk memory this head holds for reuse ({@link ChunkPieces#reusableBytes}). */
  public long reusableBytes() {
    return pieces.reusableBytes();
  }

  /** Highest ref handed out so far; readers scan refs 1..maxRef. */
  public int maxRef() {
    return maxRef;
  }

  /** The series with this ref, or null (any thread). */
  MemSeries series(int ref) {
    MemSeries[] a = byRef;
    return ref > 0 && ref < a.length ? a[ref] : null;
  }

  /** The series with these label bytes, or null. Any thread (a racing insert may be missed). */
  MemSeries lookup(long hash, byte[] b, int off, int len) {
    return map.get(hash, b, off, len);
  }

  /**
   * Any thread: looks up every series of the batch and leaves what it found in {@link
   * WriteBatch#seriesHint}, so the single writer thread skips those lookups.
   */
  public void resolve(WriteBatch batch) {
    map.getAll(
        batch.seriesHash,
        batch.bytes,
        batch.seriesLabelsOff,
        batch.seriesLabelsLen,
        batch.seriesCount,
        batch.seriesHint);
  }

  /** Writer: creates a series with the next ref and indexes it. */
  MemSeries create(long hash, byte[] b, int off, int len) {
    return install(nextRef, hash, b, off, len);
  }

  /** The canonical label bytes of a series (a new array). Any thread. */
  byte[] labelBytes(MemSeries s) {
    return symbols.canonical(s.labelRefs);
  }

  /**
   * The labels of a series for a reader, or null when head truncation removed it meanwhile: its
   * symbol ids may then be reused later, and its samples are in a block (which the caller's merge
   * with the blocks supplies). Any thread.
   */
  Labels labels(MemSeries s) {
    Labels l = LabelBytes.decode(symbols.canonical(s.labelRefs));
    return s.isRemovedVolatile() ? null : l;
  }

  /**
   * Replay: the series with this ref, created with these labels if unknown. A ref already in use
   * keeps its series (a WAL may define a series again after a failed append).
   */
  MemSeries createWithRef(int ref, byte[] b, int off, int len) {
    MemSeries existing = series(ref);
    if (existing != null) {
      return existing;
    }
    long hash = hashLabels(b, off, len);
    MemSeries same = lookup(hash, b, off, len);
    if (same != null) {
      return same; // NOTE: same labels under a second ref; keep the first so lookups stay unique.
    }
    return install(ref, hash, b, off, len);
  }

  private MemSeries install(int ref, long hash, byte[] b, int off, int len) {
    MemSeries s = new MemSeries(ref, symbols.intern(b, off, len), pieces);
    MemSeries[] a = byRef;
    if (ref >= a.length) {
      a = Arrays.copyOf(a, Math.max(ref + 1, a.length * 2));
    }
    a[ref] = s;
    byRef = a;
    map.put(hash, s);
    index.add(ref, s.labelRefs, symbols);
    if (ref >= nextRef) {
      nextRef = ref + 1;
    }
    if (ref > maxRef) {
      maxRef = ref;
    }
    seriesCount = seriesCount + 1;
    labelRefBytes = labelRefBytes + HeapSizes.byteArray(s.labelRefs.length);
    return s;
  }

  /** Writer: records the time range of applied samples. */
  void observeTimes(long batchMin, long batchMax) {
    if (batchMax > maxTime) {
      maxTime = batchMax;
    }
    if (batchMin < minTime) {
      minTime = batchMin;
    }
  }

  /** Metadata of a metric family, or null. Any thread. */
  public MetricMetadata metadata(String metricFamily) {
    return metadata.get(metricFamily);
  }

  /** Metadata of every metric family, by name (a copy). Any thread. */
  public SortedMap<String, MetricMetadata> allMetadata() {
    return metadata.all();
  }

  public int exemplarCount() {
    return exemplars.size();
  }

  /** Bytes of finished chunks on disk (segment files not yet deleted). Any thread. */
  public long chunkDiskBytes() {
    return chunks.diskBytes();
  }

  /** Whether the last write of finished chunks failed (they are kept and retried). Any thread. */
  public boolean chunkWritesFailing() {
    return chunks.failing();
  }

  /** Closes and removes the chunk files; reads of finished chunks fail from now on. */
  @Override
  public void close() {
    chunks.close();
  }
}
