package io.rwgateway.tsdb.head;

import java.util.Arrays;

/**
 * The writer's map, for one batch, from a series (by ref) to its slot: the batch index of its first
 * occurrence, where the appender keeps the series' pending state.
 *
 * <p>NOTE: a small open-addressing table cleared per batch instead of two ints in every series (the
 * slot and the batch it is valid for): 8 bytes less per series, 8 MB at 1M series, for one probe
 * into a table that stays in cache.
 */
final class BatchSlots {
  private static final int MIN_CAPACITY = 128;

  /** Refs (never 0: refs start at 1); 0 is an empty cell. */
  private int[] refs = new int[MIN_CAPACITY];

  private int[] slots = new int[MIN_CAPACITY];
  private int mask = MIN_CAPACITY - 1;

  /** Cells the previous batch may have filled (the ones {@link #clear} zeroes). */
  private int dirty;

  /** Empties the table for a batch of up to {@code series} entries. */
  void clear(int series) {
    int cap = Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, series) * 2 - 1) << 1);
    if (cap > refs.length) {
      refs = new int[cap];
      slots = new int[cap];
    } else {
      Arrays.fill(refs, 0, dirty, 0);
    }
    mask = cap - 1;
    dirty = cap;
  }

  /**
   * The slot of {@code ref} in this batch; if it has none yet, {@code slot} becomes it and -1 is
   * returned.
   */
  int putIfAbsent(int ref, int slot) {
    int i = (ref * 0x9E3779B9) >>> 7 & mask;
    while (true) {
      int r = refs[i];
      if (r == ref) {
        return slots[i];
      }
      if (r == 0) {
        refs[i] = ref;
        slots[i] = slot;
        return -1;
      }
      i = (i + 1) & mask;
    }
  }
}
