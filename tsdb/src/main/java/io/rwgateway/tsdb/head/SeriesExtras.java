package io.rwgateway.tsdb.head;

import java.util.Arrays;

/**
 * State most float-only series never need: native histograms (raw protobuf bytes, time ordered) and
 * the last accepted exemplar, which decides exemplar ordering.
 *
 * <p>NOTE: histograms are packed into one growing byte arena per series with end offsets, not one
 * {@code byte[]} each: no object per histogram, and readers can share the arrays because entries
 * below {@link #histCount} are never rewritten.
 */
final class SeriesExtras {
  long[] histT = new long[4];
  int[] histEnd = new int[4];
  byte[] histBytes = new byte[256];
  int histCount;
  long histMaxT = Long.MIN_VALUE;

  /**
   * Out-of-order float samples (older than the series' newest, inside the out-of-order window),
   * sorted by time, unique times. Changed in place under the head's write lock; readers copy them
   * under the read lock (they are few: bounded by the window).
   */
  long[] oooT;

  long[] oooBits;
  int oooCount;

  long exT = Long.MIN_VALUE;
  long exVBits;
  byte[] exLabels;
  int exLabelsLen;

  void addHistogram(long t, byte[] b, int off, int len) {
    int n = histCount;
    int start = n == 0 ? 0 : histEnd[n - 1];
    byte[] arena = histBytes;
    if (start + len > arena.length) {
      arena = Arrays.copyOf(arena, Math.max(start + len, arena.length * 2));
    }
    System.arraycopy(b, off, arena, start, len);
    long[] ts = histT;
    int[] ends = histEnd;
    if (n == ts.length) {
      ts = Arrays.copyOf(ts, n * 2);
      ends = Arrays.copyOf(ends, n * 2);
    }
    ts[n] = t;
    ends[n] = start + len;
    // Publish new arrays before the count so a reader never sees a count beyond them.
    histBytes = arena;
    histT = ts;
    histEnd = ends;
    histCount = n + 1;
    histMaxT = t;
  }

  /**
   * Head truncation, under the head's write lock: drops histograms before {@code t} into new arrays
   * (readers may still hold the old ones) and returns how many were dropped.
   */
  int dropHistogramsBefore(long t) {
    int n = histCount;
    int k = 0;
    while (k < n && histT[k] < t) {
      k++;
    }
    if (k == 0) {
      return 0;
    }
    int from = histEnd[k - 1];
    int keep = n - k;
    long[] ts = new long[Math.max(4, keep)];
    int[] ends = new int[Math.max(4, keep)];
    System.arraycopy(histT, k, ts, 0, keep);
    for (int i = 0; i < keep; i++) {
      ends[i] = histEnd[k + i] - from;
    }
    histBytes =
        Arrays.copyOfRange(
            histBytes, from, Math.max(from + 256, keep == 0 ? from : histEnd[n - 1]));
    histT = ts;
    histEnd = ends;
    histCount = keep;
    return k;
  }

  /** Index of the out-of-order sample at {@code t}, or {@code -(insertion point) - 1}. */
  int oooFind(long t) {
    return oooCount == 0 ? -1 : Arrays.binarySearch(oooT, 0, oooCount, t);
  }

  /** Inserts an out-of-order sample; an existing time keeps its first value (false returned). */
  boolean oooInsert(long t, long bits) {
    int at = oooFind(t);
    if (at >= 0) {
      return false;
    }
    at = -at - 1;
    int n = oooCount;
    if (oooT == null) {
      oooT = new long[4];
      oooBits = new long[4];
    } else if (n == oooT.length) {
      oooT = Arrays.copyOf(oooT, n * 2);
      oooBits = Arrays.copyOf(oooBits, n * 2);
    }
    System.arraycopy(oooT, at, oooT, at + 1, n - at);
    System.arraycopy(oooBits, at, oooBits, at + 1, n - at);
    oooT[at] = t;
    oooBits[at] = bits;
    oooCount = n + 1;
    return true;
  }

  /** Head truncation (write lock held): drops out-of-order samples before {@code t}. */
  void oooDropBefore(long t) {
    int k = 0;
    while (k < oooCount && oooT[k] < t) {
      k++;
    }
    if (k == 0) {
      return;
    }
    int keep = oooCount - k;
    if (keep == 0) {
      oooT = null;
      oooBits = null;
    } else {
      System.arraycopy(oooT, k, oooT, 0, keep);
      System.arraycopy(oooBits, k, oooBits, 0, keep);
    }
    oooCount = keep;
  }

  /** Oldest stored histogram time, or Long.MAX_VALUE when none. */
  long histMinT() {
    return histCount == 0 ? Long.MAX_VALUE : histT[0];
  }

  /** Oldest out-of-order sample time, or Long.MAX_VALUE when none. */
  long oooMinT() {
    return oooCount == 0 ? Long.MAX_VALUE : oooT[0];
  }

  /** True when the last stored histogram has exactly these bytes. */
  boolean lastHistogramEquals(byte[] b, int off, int len) {
    int n = histCount;
    if (n == 0) {
      return false;
    }
    int start = n == 1 ? 0 : histEnd[n - 2];
    int end = histEnd[n - 1];
    return Arrays.equals(histBytes, start, end, b, off, off + len);
  }

  void setLastExemplar(long t, long vBits, byte[] b, int off, int len) {
    exT = t;
    exVBits = vBits;
    if (exLabels == null || exLabels.length < len) {
      exLabels = new byte[Math.max(len, 16)];
    }
    System.arraycopy(b, off, exLabels, 0, len);
    exLabelsLen = len;
  }

  boolean lastExemplarEquals(long t, long vBits, byte[] b, int off, int len) {
    return exLabels != null
        && exT == t
        && exVBits == vBits
        && Arrays.equals(exLabels, 0, exLabelsLen, b, off, off + len);
  }
}
