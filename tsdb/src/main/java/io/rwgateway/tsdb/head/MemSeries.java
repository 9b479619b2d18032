package io.rwgateway.tsdb.head;

import io.rwgateway.tsdb.chunk.XorEncoder;
import io.rwgateway.tsdb.chunk.XorIterator;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.locks.StampedLock;

/**
 * One series in the head: its ref, label bytes, float chunks, and (rarely) histograms and the last
 * exemplar.
 *
 * <p>NOTE: concurrency. The tenant's single writer thread is the only mutator. It reads this state
 * without locking during validation, and applies a whole batch under the head's {@link
 * java.util.concurrent.locks.StampedLock} write lock, taken once per batch. Readers hold the read
 * lock only while they snapshot one series (copy the open chunk's few bytes and the refs of the
 * finished chunks) and read and decode outside it; time-range checks use an optimistic read.
 * Rejected alternatives: a monitor per series costs a locked instruction per series per batch,
 * which on x86 is a full fence that stops the CPU from overlapping the cache misses of successive
 * series (measured: the apply phase took about twice as long); a StampedLock per series adds an
 * object per series; a seqlock over a chunk buffer that is rewritten in place is easy to get wrong.
 * A reader waits at most for one batch to be applied (well under a millisecond).
 *
 * <p>NOTE: memory. Fields are primitives and a few references; label strings exist once per head
 * (the {@link SymbolTable} and the label index), a series keeps only their ids, and
 * histogram/exemplar state (the open histogram chunk, the chain of finished ones) lives in a lazily
 * created {@link SeriesExtras}, so a float-only series is this object (80 bytes), a few dozen bytes
 * of symbol ids and the pieces of its open chunk in the head's {@link ChunkPieces}. Finished chunks
 * live in the head's {@link HeadChunks} files, not the heap: a series keeps the ref and last time
 * of its newest one (16 bytes however many it has), and each chunk's record links to the one before
 * it. So cutting chunks early or often costs no heap. The writer's per-batch state is in the
 * appender's arrays, not here.
 */
final class MemSeries extends XorEncoder {
  /**
   * An open chunk is cut once it holds this many bytes, even before 120 samples. Scraped series
   * (~1-1.3 bytes per sample) still get chunks of about 100-120 samples; noisy values (random
   * mantissas, jittered timestamps: 3-8 bytes per sample) would otherwise keep up to ~1 KB per
   * series on the heap, and at 1M series in lockstep that is the head's largest peak. Finished
   * chunks cost the heap nothing (see {@link FinishedChunks}), and blocks are re-chunked at 120
   * samples on export, so a smaller head chunk only means more, shorter reads of the head. Measured
   * at 1M series of 3.5-byte samples: 128 instead of 256 took the live heap from ~490 to ~350 MB
   * (docs/memory.md). System property {@code rwgateway.head.chunkMaxBytes} (64..2048).
   */
  static final int CHUNK_MAX_BYTES =
      Math.max(64, Math.min(2048, Integer.getInteger("rwgateway.head.chunkMaxBytes", 128)));

  final int ref;

  /** The head's arena of open-chunk pieces. */
  private final ChunkPieces pieces;

  /**
   * The newest piece of the open chunk, which holds the next bit to write ({@link #bitPos}), or
   * {@link ChunkPieces#NONE} before the first sample (and after removal).
   */
  private int lastPiece = ChunkPieces.NONE;

  /** The symbol ids of the label set (see {@link SymbolTable}); decode with the head's table. */
  final byte[] labelRefs;

  // ---- float samples (the open chunk is the superclass); writer reads without lock ----
  /**
   * The newest finished chunk's ref in the head's {@link HeadChunks} ({@link HeadChunks#NO_CHUNK}
   * for none); its record links to the one before, and so on (see {@link FinishedChunks}). Every
   * sample of a chunk is older than the next chunk's first (or the open chunk's).
   */
  long lastChunkRef = HeadChunks.NO_CHUNK;

  /** The time of the newest finished chunk's last sample. */
  long lastChunkMaxT = Long.MIN_VALUE;

  /** Over floats and histograms. */
  long minTime = Long.MAX_VALUE;

  SeriesExtras extras;

  // ---- writer-only bookkeeping ----
  /** False until a WAL record holding this series' definition was appended successfully. */
  boolean logged;

  /**
   * Set by head truncation (writer excluded) when the series is dropped; lookups skip it, and the
   * writer re-resolves a series an event loop found if it has been removed since. Lookups read it
   * plainly (a stale false only costs the writer a re-check); truncation writes it and queriers
   * read it through {@link #markRemoved}/{@link #isRemovedVolatile}, which order it against the
   * release of the series' label pairs.
   */
  boolean removed;

  private static final VarHandle REMOVED;

  static {
    try {
      REMOVED = MethodHandles.lookup().findVarHandle(MemSeries.class, "removed", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * Head truncation: marks the series dropped, visible to readers before its pairs are released.
   */
  void markRemoved() {
    REMOVED.setVolatile(this, true);
  }

  /** Readers: whether truncation dropped the series (a volatile read). */
  boolean isRemovedVolatile() {
    return (boolean) REMOVED.getVolatile(this);
  }

  /** Latest float timestamp (Long.MIN_VALUE before the first); the open chunk keeps it. */
  long floatMaxT() {
    return lastTime();
  }

  MemSeries(int ref, byte[] labelRefs, ChunkPieces pieces) {
    super(Long.MIN_VALUE);
    this.ref = ref;
    this.labelRefs = labelRefs;
    this.pieces = pieces;
  }

  /**
   * Appends a float; the caller holds the head's write lock (or replays) and checked ordering. A
   * full chunk goes to {@code chunks} (buffered; the caller flushes before it releases the lock).
   */
  void appendFloat(HeadChunks chunks, long t, long bits) {
    SeriesExtras x = extras;
    if (x != null && x.runKind != 0 && t > x.histMaxT) {
      x.closeRun(chunks); // a float after the histograms: the next histogram starts a run
    }
    if (isFull() || length() >= CHUNK_MAX_BYTES) {
      cutChunk(chunks);
    }
    if (lastPiece == ChunkPieces.NONE) {
      lastPiece = pieces.alloc(ChunkPieces.NONE);
    }
    append(t, Double.longBitsToDouble(bits));
    if (t < minTime) {
      minTime = t;
    }
  }

  /**
   * Writes bits into the open chunk's pieces; a write that reaches the end of the newest piece
   * continues in a new one, so the newest always has room for the next bit.
   */
  @Override
  protected void writeBits(long v, int n) {
    int pos = bitPos;
    int left = ChunkPieces.PIECE_BITS - (pos & (ChunkPieces.PIECE_BITS - 1));
    if (n < left) {
      pieces.orBits(lastPiece, pos, v, n);
    } else {
      int rest = n - left;
      pieces.orBits(lastPiece, pos, v >>> rest, left);
      lastPiece = pieces.alloc(lastPiece);
      if (rest > 0) {
        pieces.orBits(lastPiece, pos + left, v, rest);
      }
    }
    bitPos = (char) (pos + n);
  }

  /** Copies the open chunk (header included, {@link #length()} bytes) into {@code dst}. */
  private void copyOpen(byte[] dst) {
    pieces.copy(lastPiece, bitPos >>> 3, length(), dst);
    writeHeader(dst, 0);
  }

  /** Timestamp of the open chunk's first sample; only valid when {@code count() > 0}. */
  long firstTime() {
    int first = lastPiece;
    for (int k = bitPos >>> (ChunkPieces.PIECE_SHIFT + 3); k > 0; k--) {
      first = pieces.prev(first);
    }
    byte[] b = new byte[ChunkPieces.PIECE_BYTES];
    pieces.copy(first, 0, Math.min(length(), ChunkPieces.PIECE_BYTES), b);
    return XorIterator.firstTime(b);
  }

  /**
   * Head truncation, under the write lock, for a series it removes (all its samples are in a
   * block): frees the open chunk's pieces for other series.
   */
  void releaseOpenChunk() {
    pieces.freeChain(lastPiece);
    lastPiece = ChunkPieces.NONE;
    restart();
  }

  /**
   * Memory pressure: moves the open chunk to {@code chunks} now if it holds at least {@code
   * minBytes}, which gives all but one of its pieces back to the head's pool. The caller holds the
   * write lock. The next sample starts a new chunk; order checks use the last time, which a cut
   * keeps. Returns whether it cut.
   */
  boolean cutIfAtLeast(HeadChunks chunks, int minBytes) {
    if (count() == 0 || length() < minBytes) {
      return false;
    }
    cutChunk(chunks);
    return true;
  }

  private void cutChunk(HeadChunks chunks) {
    int len = length();
    byte[] done = pieces.scratch(len);
    copyOpen(done);
    long maxT = lastTime();
    lastChunkRef =
        chunks.append(done, 0, len, XorIterator.firstTime(done), maxT, lastChunkRef, lastChunkMaxT);
    lastChunkMaxT = maxT;
    // NOTE: the bytes are in the chunks' buffer now, and readers copy the open chunk under the
    // read lock, which excludes this; the next chunk starts in the newest piece, zeroed.
    pieces.restartAt(lastPiece);
    restart();
  }

  /**
   * Stores an out-of-order float (older than the newest, inside the window); the caller holds the
   * head's write lock (or replays). A time already held out of order keeps its first value.
   */
  void insertOutOfOrder(long t, long bits) {
    extras().oooInsert(t, bits);
    if (t < minTime) {
      minTime = t;
    }
  }

  /**
   * Appends a histogram (its protobuf message in {@code b[off, off + len)}) to the open histogram
   * chunk; the caller holds the head's write lock (or replays) and checked ordering. A finished
   * chunk goes to {@code chunks} (buffered, as for floats). One no chunk can hold is counted in
   * {@code hs} and kept out; it still counts as the series' newest histogram.
   */
  void appendHistogram(HeadChunks chunks, HistogramScratch hs, long t, byte[] b, int off, int len) {
    SeriesExtras x = extras();
    x.acceptHistogram(t, b, off, len);
    int kind = hs.decode(b, off, len);
    if (kind == 0) {
      hs.notChunked(ref, t, "mixed counts or undecodable");
      return;
    }
    try {
      x.appendHistogram(chunks, t, kind, hs.decoded(kind), hs.chunkRange);
    } catch (IllegalArgumentException | IllegalStateException e) {
      // NOTE: IllegalStateException is the encoder refusing a sample in an empty chunk, which the
      // rules make impossible; caught anyway, so that a bug drops one histogram, not the batch.
      hs.notChunked(ref, t, "not encodable: " + e.getMessage());
      return;
    }
    if (t < minTime) {
      minTime = t;
    }
  }

  /**
   * Head truncation, under the head's write lock: drops finished chunks whose samples are all
   * before {@code t}, float and histogram alike, and the open histogram chunk if it ends before
   * {@code t}; the caller told the head's {@link HeadChunks} first ({@link HeadChunks#dropBefore}).
   * Older links of the chains are not touched: walks stop at the first chunk before {@code t}. A
   * chunk that straddles {@code t} is kept whole (readers clamp to the head's range). Returns the
   * number of histograms of the open chunk dropped (those of finished chunks are counted by {@link
   * SeriesExtras#finishedHistogramsBefore} first).
   */
  int truncateBefore(long t) {
    if (lastChunkRef != HeadChunks.NO_CHUNK && lastChunkMaxT < t) {
      lastChunkRef = HeadChunks.NO_CHUNK; // so that nothing points into a segment to be deleted
      lastChunkMaxT = Long.MIN_VALUE;
    }
    int histDropped = 0;
    // A lower bound: the oldest kept finished chunk may start before t, but the head shows nothing
    // before t, and its first time would take reading the chain.
    long min =
        lastChunkRef != HeadChunks.NO_CHUNK
            ? Math.max(minTime, t)
            : count() > 0 ? firstTime() : Long.MAX_VALUE;
    if (extras != null) {
      long seriesMin = minTime;
      histDropped = extras.dropHistogramsBefore(t);
      extras.oooDropBefore(t);
      min = Math.min(min, Math.min(extras.histMinT(t, seriesMin), extras.oooMinT()));
    }
    minTime = min;
    return histDropped;
  }

  SeriesExtras extras() {
    SeriesExtras x = extras;
    if (x == null) {
      x = extras = new SeriesExtras();
    }
    return x;
  }

  long histMaxT() {
    SeriesExtras x = extras;
    return x == null ? Long.MIN_VALUE : x.histMaxT;
  }

  /** Latest float or histogram timestamp; caller holds the lock (or is the writer). */
  long maxTime() {
    return Math.max(lastTime(), histMaxT());
  }

  /** True when the series has data within [mint, maxt] by its min/max times. Any thread. */
  boolean overlaps(StampedLock lock, long mint, long maxt) {
    long stamp = lock.tryOptimisticRead();
    long min = minTime;
    long max = maxTime();
    if (!lock.validate(stamp)) {
      stamp = lock.readLock();
      try {
        min = minTime;
        max = maxTime();
      } finally {
        lock.unlockRead(stamp);
      }
    }
    return min <= maxt && max >= mint && min != Long.MAX_VALUE;
  }

  /** A consistent copy of what a reader needs. Any thread. */
  Snapshot snapshot(StampedLock lock, HeadChunks chunks) {
    long stamp = lock.readLock();
    try {
      return snapshotLocked(chunks.liveFrom());
    } finally {
      lock.unlockRead(stamp);
    }
  }

  private Snapshot snapshotLocked(long liveFrom) {
    byte[] open = null;
    if (count() > 0) {
      open = new byte[length()];
      copyOpen(open);
    }
    SeriesExtras x = extras;
    if (x == null) {
      return new Snapshot(
          lastChunkRef,
          lastChunkMaxT,
          liveFrom,
          open,
          lastTime(),
          HeadChunks.NO_CHUNK,
          Long.MIN_VALUE,
          null,
          0,
          0,
          0,
          false,
          null,
          null);
    }
    long[] oooT = x.oooCount == 0 ? null : Arrays.copyOf(x.oooT, x.oooCount);
    long[] oooBits = x.oooCount == 0 ? null : Arrays.copyOf(x.oooBits, x.oooCount);
    boolean histOpen = x.openHistCount() > 0;
    return new Snapshot(
        lastChunkRef,
        lastChunkMaxT,
        liveFrom,
        open,
        lastTime(),
        x.histLastRef,
        x.histLastMaxT,
        histOpen ? x.hw.bytes() : null,
        histOpen ? x.hwKind : 0,
        histOpen ? x.hw.minTime() : 0,
        histOpen ? x.hw.lastTime() : 0,
        histOpen && x.openRunStart,
        oooT,
        oooBits);
  }

  /**
   * The newest finished chunk (its ref in the head's {@link HeadChunks} and last time; read the
   * others with {@link FinishedChunks}) and the head's {@link HeadChunks#liveFrom} when the
   * snapshot was taken (a snapshot taken before a truncation still reads what it dropped, as it
   * would have before), the open chunk's copy and the time of its last sample (the series' newest
   * float); the same for histograms (the newest finished histogram chunk's ref and last time, and a
   * copy of the open histogram chunk with its encoding, first and last times and run-start flag;
   * null when none); and copies of the out-of-order floats (null when none).
   */
  record Snapshot(
      long lastChunkRef,
      long lastChunkMaxT,
      long liveFrom,
      byte[] open,
      long openMaxT,
      long histLastRef,
      long histLastMaxT,
      byte[] histOpen,
      int histOpenEncoding,
      long histOpenMinT,
      long histOpenMaxT,
      boolean histOpenRunStart,
      long[] oooT,
      long[] oooBits) {
    /** Whether the open histogram chunk has samples in [mint, maxt]. */
    boolean histOpenIn(long mint, long maxt) {
      return histOpen != null && histOpenMinT <= maxt && histOpenMaxT >= mint;
    }

    /**
     * Whether histogram chunks may have samples in [mint, maxt] (the open one, or the chain when
     * its newest chunk ends at or after mint); a cheap test before reading any chunk.
     */
    boolean mayHaveHistogramsIn(long mint, long maxt) {
      return histOpenIn(mint, maxt)
          || (histLastRef != HeadChunks.NO_CHUNK && histLastMaxT >= Math.max(mint, liveFrom));
    }
  }
}
