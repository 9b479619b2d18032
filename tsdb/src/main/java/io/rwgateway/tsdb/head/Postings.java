package io.rwgateway.tsdb.head;

import java.util.Arrays;

/**
 * The sorted refs of the series that carry one label pair. Changed by the writer thread (or by
 * head truncation, which excludes the writer), read by any thread.
 * <p>
 * NOTE: lock-free for readers. Appending stores the element (into a new array when growing),
 * publishes the array, then the size, both volatile. {@link #removeAll} publishes a new array of
 * exactly the remaining length, then the smaller size. A reader reads the array, the size, and the
 * array again, and retries if the array changed in between; with one array seen twice, its first
 * {@code min(size, length)} entries are a valid list (an exact-length array is only ever the
 * result of a removal, so clamping to its length is right).
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

  /**
   * Removes the refs set in {@code removed}; returns how many remain. Only while the writer is
   * excluded (head truncation). The old array is left untouched for readers still using it.
   */
  int removeAll(java.util.BitSet removed) {
    int n = size;
    int[] a = refs;
    int keep = 0;
    for (int i = 0; i < n; i++) {
      if (!removed.get(a[i])) {
        keep++;
      }
    }
    if (keep == n) {
      return n;
    }
    int[] b = new int[keep];
    int k = 0;
    for (int i = 0; i < n; i++) {
      if (!removed.get(a[i])) {
        b[k++] = a[i];
      }
    }
    refs = b;
    size = keep;
    return keep;
  }

  /** A sorted copy of the current refs. */
  int[] snapshot() {
    while (true) {
      int[] a = refs;
      int n = size;
      if (refs == a) {
        return Arrays.copyOf(a, Math.min(n, a.length));
      }
    }
  }

  /** Whether any current ref satisfies {@code p} (stops at the first). */
  boolean any(java.util.function.IntPredicate p) {
    int[] a;
    int n;
    do {
      a = refs;
      n = Math.min(size, a.length);
    } while (refs != a);
    for (int i = 0; i < n; i++) {
      if (p.test(a[i])) {
        return true;
      }
    }
    return false;
  }
}
