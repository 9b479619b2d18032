package io.rwgateway.tsdb.chunk;

import java.util.Arrays;

/**
 * A native histogram with float counts, as remote write carries it ({@code count_float}, {@code
 * zero_count_float}, {@code positive_counts}/{@code negative_counts}) and Prometheus 2.42's float
 * histogram chunk (encoding 3) stores it: schema, zero bucket, count, sum, and per side the bucket
 * spans with the buckets' <b>absolute</b> counts (not delta-encoded, unlike {@link Histogram}).
 *
 * <p>Mutable and reusable, like {@link Histogram}; the reset hints are {@link Histogram}'s.
 */
public final class FloatHistogram extends NativeHistogram<FloatHistogram, FloatHistogram.Side> {
  public FloatHistogram() {
    super(new Side(), new Side());
  }

  @Override
  FloatHistogram self() {
    return this;
  }

  @Override
  Histogram.Buckets positiveSpans() {
    return positive().spans;
  }

  @Override
  Histogram.Buckets negativeSpans() {
    return negative().spans;
  }

  public double zeroCount() {
    return Double.longBitsToDouble(zeroCountBits());
  }

  public FloatHistogram zeroCount(double c) {
    return zeroCountBits(bits(c));
  }

  public double count() {
    return Double.longBitsToDouble(countBits());
  }

  public FloatHistogram count(double c) {
    return countBits(bits(c));
  }

  private static long bits(double d) {
    return Double.doubleToRawLongBits(d);
  }

  @Override
  public int hashCode() {
    return Double.hashCode(count()) * 31 + schema() * 17 + positive().hashCode() * 7;
  }

  @Override
  String countString(long bits) {
    return String.valueOf(Double.longBitsToDouble(bits));
  }

  @Override
  String zeroCountString(long bits) {
    return countString(bits);
  }

  /** One side: spans (kept in a {@link Histogram.Buckets} without deltas) and absolute counts. */
  public static final class Side implements NativeHistogram.BucketSide<Side> {
    final Histogram.Buckets spans = new Histogram.Buckets();
    private double[] counts = new double[0];
    private int n;

    @Override
    public long heapBytes() {
      return 24 + spans.heapBytes() + NativeHistogram.arrayBytes(counts.length, 8);
    }

    public int spanCount() {
      return spans.spanCount();
    }

    public int spanOffset(int i) {
      return spans.spanOffset(i);
    }

    public int spanLength(int i) {
      return spans.spanLength(i);
    }

    public int bucketCount() {
      return n;
    }

    /** The i-th bucket's absolute count. */
    public double count(int i) {
      return counts[i];
    }

    /** Copies spans and counts in (arrays of exactly the spans' and buckets' lengths). */
    public Side set(int[] spanOffsets, int[] spanLengths, double[] bucketCounts) {
      spans.set(spanOffsets, spanLengths, new long[0]);
      setCounts(bucketCounts, bucketCounts.length);
      return this;
    }

    /** As {@link #set(int[], int[], double[])} from the arrays' first elements; copies. */
    Side set(int[] spanOffsets, int[] spanLengths, int spanCount, double[] bucketCounts, int k) {
      spans.set(spanOffsets, spanLengths, spanCount, NO_DELTAS, 0);
      setCounts(bucketCounts, k);
      return this;
    }

    private static final long[] NO_DELTAS = new long[0];

    /** Canonical spans for ascending {@code indices[0, k)} with these counts. */
    public Side setAbsolute(int[] indices, double[] bucketCounts, int k) {
      spans.setAbsolute(indices, new long[k], k);
      spans.setBucketCount(0);
      setCounts(bucketCounts, k);
      return this;
    }

    void setCounts(double[] c, int k) {
      if (counts.length < k) {
        counts = Arrays.copyOf(counts, Math.max(k, counts.length * 2));
      }
      System.arraycopy(c, 0, counts, 0, k);
      n = k;
    }

    void setCount(int i, double c) {
      counts[i] = c;
    }

    void setBucketCount(int k) {
      if (counts.length < k) {
        counts = Arrays.copyOf(counts, Math.max(k, counts.length * 2));
      }
      n = k;
    }

    /** Buckets the spans cover (lengths as unsigned); a valid side has this many counts. */
    public long bucketsInSpans() {
      return spans.bucketsInSpans();
    }

    @Override
    public void clear() {
      spans.clear();
      n = 0;
    }

    @Override
    public void copyFrom(Side o) {
      spans.copyFrom(o.spans);
      setCounts(o.counts, o.n);
    }

    @Override
    public boolean equals(Object other) {
      if (!(other instanceof Side)) {
        return false;
      }
      Side o = (Side) other;
      if (!spans.sameSpans(o.spans) || n != o.n) {
        return false;
      }
      for (int i = 0; i < n; i++) {
        if (bits(counts[i]) != bits(o.counts[i])) {
          return false;
        }
      }
      return true;
    }

    @Override
    public int hashCode() {
      return n * 31 + spans.spanCount();
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < spanCount(); i++) {
        sb.append(i == 0 ? "" : " ").append(spanOffset(i)).append(':').append(spanLength(i));
      }
      sb.append(" | ");
      for (int i = 0; i < n; i++) {
        sb.append(i == 0 ? "" : " ").append(counts[i]);
      }
      return sb.append(']').toString();
    }
  }
}
