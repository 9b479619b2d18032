package io.rwgateway.tsdb.head;

import io.rwgateway.model.Varint;
import java.util.Arrays;
import java.util.BitSet;
import java.util.function.IntPredicate;

/**
 * The sorted refs of the series that carry one label pair, stored as uvarint gaps (the first ref,
 * then each ref minus the previous one). Changed by the writer thread (or by head truncation, which
 * excludes the writer), read by any thread.
 *
 * <p>NOTE: memory. A plain {@code int[]} took 4 bytes per series per label plus growth slack (~70
 * MB at 1M series of 13 labels); series of one pair are mostly created close together, so their
 * gaps take one or two bytes.
 *
 * <p>NOTE: lock-free for readers. Appending writes the new bytes past the published length (into a
 * new array when growing), publishes the array, then the length, both volatile. {@link #removeAll}
 * and the rare out-of-order insert publish a new array of exactly the new length, then the length.
 * A reader reads the array, the length, and the array again, and retries if the array changed in
 * between; with one array seen twice, its first {@code min(length, array length)} bytes are a valid
 * list (an exact-length array is only ever a complete list, so clamping to it is right).
 */
final class Postings {
  private volatile byte[] bytes = new byte[4];
  private volatile int length;
  // ---- writer-only ----
  private int last;
  private int count;

  /** Adds a ref; refs normally arrive in increasing order (new series get the next ref). */
  void add(int ref) {
    int n = length;
    if (count > 0 && ref <= last) {
      insertOutOfOrder(ref);
      return;
    }
    byte[] a = bytes;
    int gap = count == 0 ? ref : ref - last;
    if (n + 5 > a.length) {
      a = Arrays.copyOf(a, Math.max(n + 5, a.length + (a.length >>> 1)));
      n = Varint.put(a, n, gap);
      bytes = a;
    } else {
      n = Varint.put(a, n, gap);
    }
    length = n;
    last = ref;
    count++;
  }

  /**
   * Only replay reaches this (a series re-logged after a failed batch); copy, never shift in place.
   */
  private void insertOutOfOrder(int ref) {
    int[] refs = snapshot();
    int at = Arrays.binarySearch(refs, ref);
    if (at >= 0) {
      return;
    }
    at = -at - 1;
    int[] b = new int[refs.length + 1];
    System.arraycopy(refs, 0, b, 0, at);
    b[at] = ref;
    System.arraycopy(refs, at, b, at + 1, refs.length - at);
    publish(b, b.length);
  }

  /** Number of refs. Writer (or with the writer excluded). */
  int size() {
    return count;
  }

  /**
   * Removes the refs set in {@code removed}; returns how many remain. Only while the writer is
   * excluded (head truncation). The old array is left untouched for readers still using it.
   */
  int removeAll(BitSet removed) {
    int[] refs = snapshot();
    int keep = 0;
    for (int r : refs) {
      if (!removed.get(r)) {
        refs[keep++] = r;
      }
    }
    if (keep != refs.length) {
      publish(refs, keep);
    }
    return keep;
  }

  /** Publishes the first {@code n} of sorted refs as a new exact-length array. */
  private void publish(int[] refs, int n) {
    int size = 0;
    int prev = 0;
    for (int i = 0; i < n; i++) {
      size += Varint.size(refs[i] - prev);
      prev = refs[i];
    }
    byte[] a = new byte[size];
    int p = 0;
    prev = 0;
    for (int i = 0; i < n; i++) {
      p = Varint.put(a, p, refs[i] - prev);
      prev = refs[i];
    }
    bytes = a;
    length = size;
    count = n;
    last = n == 0 ? 0 : refs[n - 1];
  }

  /** Heap bytes of this object and its encoded refs (see {@link Head#memory}). Any thread. */
  long bytesHeld() {
    return HeapSizes.POSTINGS + HeapSizes.byteArray(bytes.length);
  }

  /** The current refs, sorted, as a new array. Any thread. */
  int[] snapshot() {
    byte[] a;
    int n;
    do {
      a = bytes;
      n = Math.min(length, a.length);
    } while (bytes != a);
    int refs = 0;
    for (int i = 0; i < n; i++) {
      if (a[i] >= 0) {
        refs++;
      }
    }
    int[] out = new int[refs];
    int ref = 0;
    int k = 0;
    for (int p = 0; p < n; ) {
      int gap = Varint.getInt(a, p);
      p += Varint.size(gap);
      ref += gap;
      out[k++] = ref;
    }
    return out;
  }

  /** Whether any current ref satisfies {@code p} (stops at the first). Any thread. */
  boolean any(IntPredicate p) {
    byte[] a;
    int n;
    do {
      a = bytes;
      n = Math.min(length, a.length);
    } while (bytes != a);
    int ref = 0;
    for (int i = 0; i < n; ) {
      int gap = Varint.getInt(a, i);
      i += Varint.size(gap);
      ref += gap;
      if (p.test(ref)) {
        return true;
      }
    }
    return false;
  }
}
