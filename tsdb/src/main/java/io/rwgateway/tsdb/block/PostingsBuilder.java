package io.rwgateway.tsdb.block;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The postings of an index under construction: for every label pair (as symbol references), the
 * series references that carry it, in the order they were added (which is ascending).
 *
 * <p>NOTE: keys are {@code nameRef << 32 | valueRef}. Symbols are numbered in byte order, so
 * sorting the keys as unsigned numbers sorts the pairs by name, then value, exactly the order the
 * postings offset table needs, without comparing a single string.
 */
final class PostingsBuilder {
  private final Map<Long, int[]> lists = new HashMap<>();
  private int[] all = new int[64];
  private int allCount;

  /** Records series {@code seriesRef} (offset / 16) with the given label pair. */
  void add(int nameRef, int valueRef, int seriesRef) {
    long key = ((long) nameRef << 32) | (valueRef & 0xFFFFFFFFL);
    // Slot 0 holds the count, so one array per pair and no wrapper objects.
    int[] list = lists.get(key);
    if (list == null) {
      list = new int[4];
      lists.put(key, list);
    } else if (list[0] + 1 == list.length) {
      list = Arrays.copyOf(list, list.length * 2);
      lists.put(key, list);
    }
    list[++list[0]] = seriesRef;
  }

  void addSeries(int seriesRef) {
    if (allCount == all.length) {
      all = Arrays.copyOf(all, all.length * 2);
    }
    all[allCount++] = seriesRef;
  }

  int[] allSeries() {
    return Arrays.copyOf(all, allCount);
  }

  /** Every key, ascending: by name reference, then value reference. */
  long[] sortedKeys() {
    long[] keys = new long[lists.size()];
    int i = 0;
    for (Long k : lists.keySet()) {
      keys[i++] = k;
    }
    // Both halves are non-negative ints, so signed order is the unsigned order.
    Arrays.sort(keys);
    return keys;
  }

  /** The series of one key, ascending. */
  int[] series(long key) {
    int[] list = lists.get(key);
    return Arrays.copyOfRange(list, 1, list[0] + 1);
  }

  static int nameRef(long key) {
    return (int) (key >>> 32);
  }

  static int valueRef(long key) {
    return (int) key;
  }
}
