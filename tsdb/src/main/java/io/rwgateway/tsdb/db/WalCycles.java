package io.rwgateway.tsdb.db;

import java.util.concurrent.ConcurrentSkipListMap;

/**
 * For each WAL roll cycle, an upper bound of the sample times written into it, so WAL truncation
 * can tell which whole cycles hold only samples that a block already has.
 *
 * <p>The writer records the cycles each append touched and, once the batch is settled, raises their
 * bound to the head's newest sample time: an over-estimate (it may keep a cycle one truncation
 * longer than needed), never an under-estimate, at one map update per batch instead of a look at
 * every sample. Replay records exact record times. The compactor reads concurrently.
 */
final class WalCycles {
  private final ConcurrentSkipListMap<Integer, Long> maxTime = new ConcurrentSkipListMap<>();
  // writer thread only
  private int firstTouched = -1;
  private int lastTouched = -1;
  private int cachedCycle = -1;
  private long cachedMax = Long.MIN_VALUE;

  /** Writer: a batch's appends start. */
  void beginAppend() {
    firstTouched = -1;
    lastTouched = -1;
  }

  /** Writer: one record went into {@code cycle}. */
  void appended(int cycle) {
    if (firstTouched < 0) {
      firstTouched = cycle;
    }
    lastTouched = cycle;
  }

  /** Writer: the batch is settled; {@code maxT} bounds every sample time it wrote. */
  void endAppend(long maxT) {
    if (firstTouched < 0) {
      return;
    }
    if (firstTouched == lastTouched && firstTouched == cachedCycle && maxT <= cachedMax) {
      return; // the common case: same cycle, bound already high enough; no boxing
    }
    for (int c = firstTouched; c <= lastTouched; c++) {
      raise(c, maxT);
    }
    cachedCycle = lastTouched;
    cachedMax = maxTime.getOrDefault(lastTouched, Long.MIN_VALUE);
  }

  /** Replay: a record of {@code cycle} held samples up to {@code maxT}. */
  void replayed(int cycle, long maxT) {
    raise(cycle, maxT);
  }

  private void raise(int cycle, long t) {
    maxTime.merge(cycle, t, Math::max);
  }

  /**
   * The first cycle that must be kept when everything before {@code before} is in blocks: cycles
   * are dropped oldest first while each holds only older samples (or none we know of), never {@code
   * currentCycle} or later.
   */
  int firstNeeded(int[] cyclesOnDisk, int currentCycle, long before) {
    for (int c : cyclesOnDisk) {
      if (c >= currentCycle) {
        return currentCycle;
      }
      Long max = maxTime.get(c);
      if (max != null && max >= before) {
        return c;
      }
    }
    return currentCycle;
  }

  /** Drops what is known of cycles before {@code cycle} (they were deleted). */
  void forget(int cycle) {
    maxTime.headMap(cycle).clear();
  }
}
