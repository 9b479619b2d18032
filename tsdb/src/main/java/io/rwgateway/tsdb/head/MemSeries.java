package io.rwgateway.tsdb.head;

import io.rwgateway.tsdb.chunk.XorChunk;
import io.rwgateway.tsdb.chunk.XorIterator;
import java.util.Arrays;
import java.util.concurrent.locks.StampedLock;

/**
 * One series in the head: its ref, label bytes, float chunks, and (rarely) histograms and the
 * last exemplar.
 * <p>
 * NOTE: concurrency. The tenant's single writer thread is the only mutator. It reads this state
 * without locking during validation, and applies a whole batch under the head's
 * {@link java.util.concurrent.locks.StampedLock} write lock, taken once per batch. Readers hold the
 * read lock only while they snapshot one series (copy the open chunk's few bytes, take references
 * to immutable finished chunks) and decode outside it; time-range checks use an optimistic read.
 * Rejected alternatives: a monitor per series costs a locked instruction per series per batch,
 * which on x86 is a full fence that stops the CPU from overlapping the cache misses of successive
 * series (measured: the apply phase took about twice as long); a StampedLock per series adds an
 * object per series; a seqlock over a chunk buffer that is rewritten in place is easy to get wrong.
 * A reader waits at most for one batch to be applied (well under a millisecond).
 * <p>
 * NOTE: memory. Fields are primitives and a few references; label strings exist once per head
 * (the {@link SymbolTable} and the label index), a series keeps only their ids, and
 * histogram/exemplar state lives in a lazily created {@link SeriesExtras}, so a float-only series
 * is this object, a few dozen bytes of symbol ids and one chunk.
 */
final class MemSeries extends XorChunk {
  final int ref;
  /** The symbol ids of the label set (see {@link SymbolTable}); decode with the head's table. */
  final byte[] labelRefs;

  // ---- float samples (the open chunk is the superclass); writer reads without lock ----
  byte[][] closed;
  int closedCount;
  /** Over floats and histograms. */
  long minTime = Long.MAX_VALUE;
  SeriesExtras extras;

  // ---- writer-only bookkeeping ----
  /** Batch epoch in which {@link #pendingSlot} is valid (see HeadAppender). */
  int pendingEpoch;
  int pendingSlot;
  /** False until a WAL record holding this series' definition was appended successfully. */
  boolean logged;
  /**
   * Set by head truncation (writer excluded) when the series is dropped; lookups skip it, and the
   * writer re-resolves a series an event loop found if it has been removed since.
   */
  volatile boolean removed;

  /** Latest float timestamp (Long.MIN_VALUE before the first); the open chunk keeps it. */
  long floatMaxT() {
    return lastTime();
  }

  MemSeries(int ref, byte[] labelRefs) {
    this.ref = ref;
    this.labelRefs = labelRefs;
  }

  /** Appends a float; the caller holds the head's write lock (or replays) and checked ordering. */
  void appendFloat(long t, long bits) {
    if (isFull()) {
      int len = length();
      // NOTE: the next chunk is likely about as long as this one; a little headroom means it
      // rarely grows (a copy) and rarely needs trimming when cut (another copy).
      byte[] done = cut(len + (len >>> 4) + 24); // 24: a sample may need up to 19 bytes
      if (closed == null) {
        closed = new byte[2][];
      } else if (closedCount == closed.length) {
        closed = Arrays.copyOf(closed, closedCount * 2);
      }
      closed[closedCount++] = done;
    }
    append(t, Double.longBitsToDouble(bits));
    if (t < minTime) {
      minTime = t;
    }
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

  /** Appends a histogram's raw bytes; the caller holds the head's write lock (or replays). */
  void appendHistogram(long t, byte[] b, int off, int len) {
    SeriesExtras x = extras();
    x.addHistogram(t, b, off, len);
    if (t < minTime) {
      minTime = t;
    }
  }

  /**
   * Head truncation, under the head's write lock: drops finished chunks whose samples are all
   * before {@code t} and histograms before {@code t}. A chunk that straddles {@code t} is kept
   * whole (readers clamp to the head's range). Returns the number of histograms dropped.
   */
  int truncateBefore(long t) {
    int drop = 0;
    while (drop < closedCount) {
      // Every sample of a chunk is older than the next chunk's first sample.
      byte[] next = drop + 1 < closedCount ? closed[drop + 1] : count() > 0 ? buffer() : null;
      boolean allBefore = next == null ? lastTime() < t : XorIterator.firstTime(next) <= t;
      if (!allBefore) {
        break;
      }
      drop++;
    }
    if (drop > 0) {
      int keep = closedCount - drop;
      if (keep == 0) {
        closed = null;
      } else {
        System.arraycopy(closed, drop, closed, 0, keep);
        Arrays.fill(closed, keep, closedCount, null);
      }
      closedCount = keep;
    }
    int histDropped = 0;
    long min = closedCount > 0 ? XorIterator.firstTime(closed[0]) : count() > 0 ? firstTime() : Long.MAX_VALUE;
    if (extras != null) {
      histDropped = extras.dropHistogramsBefore(t);
      extras.oooDropBefore(t);
      min = Math.min(min, Math.min(extras.histMinT(), extras.oooMinT()));
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
  Snapshot snapshot(StampedLock lock) {
    long stamp = lock.readLock();
    try {
      return snapshotLocked();
    } finally {
      lock.unlockRead(stamp);
    }
  }

  private Snapshot snapshotLocked() {
    byte[][] done = closedCount == 0 ? new byte[0][] : Arrays.copyOf(closed, closedCount);
    byte[] open = null;
    if (count() > 0) {
      open = Arrays.copyOf(buffer(), length());
    }
    SeriesExtras x = extras;
    if (x == null) {
      return new Snapshot(done, open, null, null, null, 0, null, null);
    }
    long[] oooT = x.oooCount == 0 ? null : Arrays.copyOf(x.oooT, x.oooCount);
    long[] oooBits = x.oooCount == 0 ? null : Arrays.copyOf(x.oooBits, x.oooCount);
    // Histogram arrays are append-only: entries below the count never change, so references do.
    return new Snapshot(done, open, x.histT, x.histEnd, x.histBytes, x.histCount, oooT, oooBits);
  }

  /**
   * Finished chunks, the open chunk's copy, histogram arrays valid up to histCount, and copies of
   * the out-of-order floats (null when none).
   */
  record Snapshot(byte[][] closed, byte[] open, long[] histT, int[] histEnd, byte[] histBytes, int histCount,
      long[] oooT, long[] oooBits) {}
}
