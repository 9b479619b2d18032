package io.rwgateway.tsdb.chunk;

import java.util.Arrays;

/**
 * An integer native histogram as remote write 1.0 carries it (prompb {@code Histogram} with the
 * integer {@code count}/{@code zero_count} alternatives): schema, zero bucket, count, sum, and per
 * side the bucket spans with the bucket counts delta-encoded (the first bucket absolute, each next
 * one the difference to the one before).
 *
 * <p>Mutable and reusable: the chunk iterator fills one instance per sample without allocating once
 * its arrays are large enough. Counts are unsigned 64-bit values held in longs, as Go's uint64.
 */
public final class Histogram extends NativeHistogram<Histogram, Histogram.Buckets> {
  /** The raw bits of Prometheus' staleness marker; a histogram with this sum is a stale marker. */
  public static final long STALE_NAN_BITS = 0x7ff0000000000002L;

  /** prompb {@code Histogram.ResetHint}: UNKNOWN. */
  public static final int HINT_UNKNOWN = 0;

  /** prompb {@code Histogram.ResetHint}: YES (this sample follows a counter reset). */
  public static final int HINT_COUNTER_RESET = 1;

  /** prompb {@code Histogram.ResetHint}: NO. */
  public static final int HINT_NOT_COUNTER_RESET = 2;

  /** prompb {@code Histogram.ResetHint}: GAUGE (a gauge histogram, never reset). */
  public static final int HINT_GAUGE = 3;

  public Histogram() {
    super(new Buckets(), new Buckets());
  }

  @Override
  Histogram self() {
    return this;
  }

  @Override
  Buckets positiveSpans() {
    return positive();
  }

  @Override
  Buckets negativeSpans() {
    return negative();
  }

  public long zeroCount() {
    return zeroCountBits();
  }

  public Histogram zeroCount(long c) {
    return zeroCountBits(c);
  }

  /** The count, an unsigned 64-bit value (Go's uint64). */
  public long count() {
    return countBits();
  }

  public Histogram count(long c) {
    return countBits(c);
  }

  @Override
  public int hashCode() {
    return (int) (count() * 31 + schema() * 17 + positive().hashCode() * 7 + negative().hashCode());
  }

  @Override
  String countString(long bits) {
    return Long.toUnsignedString(bits);
  }

  @Override
  String zeroCountString(long bits) {
    return String.valueOf(bits);
  }

  /**
   * One side (positive or negative) of a histogram: spans as (offset, length) pairs and the
   * delta-encoded bucket counts they cover. Spans follow Prometheus' rule: span 0 starts at bucket
   * index {@code offset}, every later span {@code offset} buckets after the end of the one before.
   */
  public static final class Buckets implements NativeHistogram.BucketSide<Buckets> {
    private int[] offsets = new int[0];
    private int[] lengths = new int[0];
    private int spans;
    private long[] deltas = new long[0];
    private int buckets;

    @Override
    public long heapBytes() {
      return 32
          + NativeHistogram.arrayBytes(offsets.length, 4)
          + NativeHistogram.arrayBytes(lengths.length, 4)
          + NativeHistogram.arrayBytes(deltas.length, 8);
    }

    public int spanCount() {
      return spans;
    }

    public int spanOffset(int i) {
      return offsets[i];
    }

    /** A span's length, an unsigned 32-bit value (Go's uint32). */
    public int spanLength(int i) {
      return lengths[i];
    }

    public int bucketCount() {
      return buckets;
    }

    /** The i-th bucket as stored: absolute for i = 0, else the difference to bucket i - 1. */
    public long delta(int i) {
      return deltas[i];
    }

    /** Copies spans and deltas in (arrays of exactly the spans' and buckets' lengths). */
    public Buckets set(int[] spanOffsets, int[] spanLengths, long[] bucketDeltas) {
      if (spanOffsets.length != spanLengths.length) {
        throw new IllegalArgumentException("offsets and lengths differ in number");
      }
      setSpanCount(spanOffsets.length);
      System.arraycopy(spanOffsets, 0, offsets, 0, spans);
      System.arraycopy(spanLengths, 0, lengths, 0, spans);
      setBucketCount(bucketDeltas.length);
      System.arraycopy(bucketDeltas, 0, deltas, 0, buckets);
      return this;
    }

    /**
     * As {@link #set(int[], int[], long[])} from the first {@code spanCount} spans and {@code
     * bucketCount} deltas of the arrays: copies, allocates nothing once the side is large enough.
     */
    Buckets set(
        int[] spanOffsets, int[] spanLengths, int spanCount, long[] bucketDeltas, int bucketCount) {
      setSpanCount(spanCount);
      System.arraycopy(spanOffsets, 0, offsets, 0, spans);
      System.arraycopy(spanLengths, 0, lengths, 0, spans);
      setBucketCount(bucketCount);
      System.arraycopy(bucketDeltas, 0, deltas, 0, buckets);
      return this;
    }

    /**
     * Sets this side from absolute counts: {@code counts[k]} for bucket index {@code indices[k]},
     * {@code k < n}, indices strictly ascending. The spans are canonical: one per run of
     * consecutive indices, the first offset the first index, each later offset the gap before it.
     */
    public Buckets setAbsolute(int[] indices, long[] counts, int n) {
      int s = 0;
      for (int k = 0; k < n; k++) {
        if (k == 0 || indices[k] != indices[k - 1] + 1) {
          s++;
        }
      }
      setSpanCount(s);
      setBucketCount(n);
      s = -1;
      long prev = 0;
      for (int k = 0; k < n; k++) {
        if (k == 0 || indices[k] != indices[k - 1] + 1) {
          s++;
          offsets[s] = k == 0 ? indices[0] : indices[k] - indices[k - 1] - 1;
          lengths[s] = 0;
        }
        lengths[s]++;
        deltas[k] = counts[k] - prev;
        prev = counts[k];
      }
      return this;
    }

    /**
     * Writes the bucket index and absolute count of every bucket into {@code indices} and {@code
     * counts} (each at least {@link #bucketCount()} long) and returns how many.
     */
    public int absolute(int[] indices, long[] counts) {
      int b = 0;
      int at = 0;
      long v = 0;
      for (int s = 0; s < spans; s++) {
        at += offsets[s];
        for (int k = 0; k < lengths[s] && b < buckets; k++) {
          v += deltas[b];
          indices[b] = at++;
          counts[b++] = v;
        }
      }
      return b;
    }

    /** Total buckets the spans cover (lengths as unsigned); a valid side has this many deltas. */
    public long bucketsInSpans() {
      long n = 0;
      for (int i = 0; i < spans; i++) {
        n += lengths[i] & 0xffffffffL;
      }
      return n;
    }

    @Override
    public void clear() {
      spans = 0;
      buckets = 0;
    }

    @Override
    public void copyFrom(Buckets o) {
      setSpanCount(o.spans);
      System.arraycopy(o.offsets, 0, offsets, 0, spans);
      System.arraycopy(o.lengths, 0, lengths, 0, spans);
      setBucketCount(o.buckets);
      System.arraycopy(o.deltas, 0, deltas, 0, buckets);
    }

    /**
     * Sets the span count, growing the arrays when needed (values past the old count are stale).
     */
    void setSpanCount(int n) {
      if (offsets.length < n) {
        offsets = Arrays.copyOf(offsets, n);
        lengths = Arrays.copyOf(lengths, n);
      }
      spans = n;
    }

    void setSpan(int i, int offset, int length) {
      offsets[i] = offset;
      lengths[i] = length;
    }

    void setBucketCount(int n) {
      if (deltas.length < n) {
        deltas = Arrays.copyOf(deltas, n);
      }
      buckets = n;
    }

    void setDelta(int i, long d) {
      deltas[i] = d;
    }

    /** Same spans (offsets and lengths exactly, not just the same buckets covered). */
    boolean sameSpans(Buckets o) {
      return spans == o.spans
          && Arrays.equals(offsets, 0, spans, o.offsets, 0, spans)
          && Arrays.equals(lengths, 0, spans, o.lengths, 0, spans);
    }

    @Override
    public boolean equals(Object other) {
      if (!(other instanceof Buckets)) {
        return false;
      }
      Buckets o = (Buckets) other;
      return sameSpans(o) && Arrays.equals(deltas, 0, buckets, o.deltas, 0, o.buckets);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(Arrays.copyOf(deltas, buckets)) * 31 + spans;
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < spans; i++) {
        sb.append(i == 0 ? "" : " ").append(offsets[i]).append(':').append(lengths[i]);
      }
      sb.append(" | ");
      for (int i = 0; i < buckets; i++) {
        sb.append(i == 0 ? "" : " ").append(deltas[i]);
      }
      return sb.append(']').toString();
    }
  }
}
