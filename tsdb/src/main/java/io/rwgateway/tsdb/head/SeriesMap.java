package io.rwgateway.tsdb.head;

import java.util.Arrays;

/**
 * Label-set hash to series, open addressing with linear probing over two parallel arrays: no
 * boxing, no entry objects. Hash collisions are resolved by comparing label bytes. Used by the
 * writer thread only (and replay, before readers exist), so it needs no synchronization.
 * <p>
 * NOTE: slots hold the series itself rather than its ref: at 100k+ series every hop is a likely
 * cache miss, and going slot -> series -> labels instead of slot -> ref -> series table -> series
 * -> labels measurably shortens a lookup.
 */
final class SeriesMap {
  private long[] hashes;
  private MemSeries[] series;
  private int mask;
  private int size;
  private int resizeAt;

  SeriesMap(int initialCapacity) {
    int cap = Integer.highestOneBit(Math.max(16, initialCapacity) * 2 - 1);
    alloc(cap);
  }

  private void alloc(int cap) {
    hashes = new long[cap];
    series = new MemSeries[cap];
    mask = cap - 1;
    resizeAt = (int) (cap * 0.75f);
  }

  int size() {
    return size;
  }

  private static int slot(long hash, int mask) {
    return (int) (hash ^ (hash >>> 29)) & mask;
  }

  /** The series with these label bytes, or null. */
  MemSeries get(long hash, byte[] b, int off, int len) {
    int m = mask;
    long[] h = hashes;
    MemSeries[] ss = series;
    for (int i = slot(hash, m); ; i = (i + 1) & m) {
      MemSeries s = ss[i];
      if (s == null) {
        return null;
      }
      if (h[i] == hash) {
        byte[] l = s.labels;
        if (Arrays.equals(l, 0, l.length, b, off, off + len)) {
          return s;
        }
      }
    }
  }

  /** Adds a series known to be absent. */
  void put(long hash, MemSeries s) {
    if (size >= resizeAt) {
      grow();
    }
    insert(hash, s);
    size++;
  }

  private void insert(long hash, MemSeries s) {
    int m = mask;
    int i = slot(hash, m);
    while (series[i] != null) {
      i = (i + 1) & m;
    }
    hashes[i] = hash;
    series[i] = s;
  }

  private void grow() {
    long[] oldH = hashes;
    MemSeries[] oldS = series;
    alloc(oldH.length * 2);
    for (int i = 0; i < oldS.length; i++) {
      if (oldS[i] != null) {
        insert(oldH[i], oldS[i]);
      }
    }
  }
}
