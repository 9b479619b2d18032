package io.rwgateway.tsdb.head;

import java.util.Arrays;

/**
 * The sorted refs of the series that carry one label pair. Appended by the writer thread, read
 * by any thread.
 * <p>
 * NOTE: lock-free for readers: the writer stores the element (into a new array when growing) and
 * publishes the array, then the size, both volatile; a reader reads the size first, then the
 * array, and so always sees an array at least that long whose first {@code size} entries are set.
 */
final class Postings {
  private volatile int[] refs = new int[1];
  private volatile int size;

  /** Adds a ref; refs normally arrive in increasing order (new series get the next ref). */
  void add(int ref) {
    int n = size;
    int[] a = refs;
    if (n > 0 && a[n - 1] >= ref) {
      insertOutOfOrder(ref, a, n);
      return;
    }
    if (n == a.length) {
      a = Arrays.copyOf(a, Math.max(4, n * 2));
      a[n] = ref;
      refs = a;
    } else {
      a[n] = ref;
    }
    size = n + 1;
  }

  /** Only replay reaches this (a series re-logged after a failed batch); copy, never shift in place. */
  private void insertOutOfOrder(int ref, int[] a, int n) {
    int at = Arrays.binarySearch(a, 0, n, ref);
    if (at >= 0) {
      return;
    }
    at = -at - 1;
    int[] b = new int[Math.max(4, n + 1 + (n >>> 1))];
    System.arraycopy(a, 0, b, 0, at);
    b[at] = ref;
    System.arraycopy(a, at, b, at + 1, n - at);
    refs = b;
    size = n + 1;
  }

  int size() {
    return size;
  }

  /** A sorted copy of the current refs. */
  int[] snapshot() {
    int n = size;
    return Arrays.copyOf(refs, n);
  }

  /** Whether any current ref satisfies {@code p} (stops at the first). */
  boolean any(java.util.function.IntPredicate p) {
    int n = size;
    int[] a = refs;
    for (int i = 0; i < n; i++) {
      if (p.test(a[i])) {
        return true;
      }
    }
    return false;
  }
}
