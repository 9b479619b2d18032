package io.rwgateway.tsdb.head;

import java.util.Arrays;

/**
 * A tenant's exemplars: a bounded ring, oldest overwritten first, as Prometheus' circular exemplar
 * storage. Ordering per series is decided before an exemplar gets here (see {@link HeadAppender}).
 *
 * <p>NOTE: slots keep their label buffers and reuse them when the new labels fit, so after warm-up
 * adding an exemplar allocates nothing. One monitor guards the ring; the writer takes it once per
 * batch, readers to copy matches out.
 */
final class ExemplarRing {
  private final int[] ref;
  private final long[] t;
  private final long[] vBits;
  private final byte[][] labels;
  private final int[] labelsLen;
  private int next;
  private int size;

  ExemplarRing(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("exemplar capacity must be positive");
    }
    ref = new int[capacity];
    t = new long[capacity];
    vBits = new long[capacity];
    labels = new byte[capacity][];
    labelsLen = new int[capacity];
  }

  /** Caller holds this ring's monitor (one lock per batch). */
  void addLocked(int seriesRef, long ts, long bits, byte[] b, int off, int len) {
    int i = next;
    ref[i] = seriesRef;
    t[i] = ts;
    vBits[i] = bits;
    byte[] l = labels[i];
    if (l == null || l.length < len) {
      l = labels[i] = new byte[Math.max(len, 16)];
    }
    System.arraycopy(b, off, l, 0, len);
    labelsLen[i] = len;
    next = i + 1 == ref.length ? 0 : i + 1;
    if (size < ref.length) {
      size++;
    }
  }

  synchronized int size() {
    return size;
  }

  /** Visitor over stored exemplars, oldest first. */
  interface Sink {
    void accept(int seriesRef, long t, double v, byte[] labels);
  }

  /** Calls {@code sink} for every stored exemplar at or after {@code mint}, oldest first. */
  synchronized void forEachFrom(long mint, Sink sink) {
    int cap = ref.length;
    int start = size < cap ? 0 : next;
    for (int k = 0; k < size; k++) {
      int i = (start + k) % cap;
      if (t[i] >= mint) {
        sink.accept(
            ref[i],
            t[i],
            Double.longBitsToDouble(vBits[i]),
            Arrays.copyOf(labels[i], labelsLen[i]));
      }
    }
  }

  /** Calls {@code sink} for each exemplar of a ref in {@code refs} (sorted) within [mint, maxt]. */
  synchronized void forEach(int[] sortedRefs, long mint, long maxt, Sink sink) {
    int cap = ref.length;
    int start = size < cap ? 0 : next;
    for (int k = 0; k < size; k++) {
      int i = (start + k) % cap;
      if (t[i] < mint || t[i] > maxt || Arrays.binarySearch(sortedRefs, ref[i]) < 0) {
        continue;
      }
      sink.accept(
          ref[i], t[i], Double.longBitsToDouble(vBits[i]), Arrays.copyOf(labels[i], labelsLen[i]));
    }
  }
}
