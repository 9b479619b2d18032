package io.rwgateway.tsdb.chunk;

/**
 * What a native histogram is whatever its counts: schema, zero threshold, count, zero count, sum,
 * reset hint, and a positive and a negative side of buckets. {@link Histogram} (integer counts,
 * delta-encoded buckets) and {@link FloatHistogram} (float counts, absolute buckets) say how the
 * counts read and what a side is. {@code S} is the subclass, which the setters return for chaining;
 * {@code B} its side. Only this package extends it.
 */
public abstract class NativeHistogram<
    S extends NativeHistogram<S, B>, B extends NativeHistogram.BucketSide<B>> {
  /** What a side of buckets can do, whatever its counts. */
  public interface BucketSide<B> {
    /** No spans and no buckets; keeps the arrays. */
    void clear();

    /** Makes this an exact copy of {@code o}. */
    void copyFrom(B o);

    /** Heap this side holds, itself and its arrays (a 64-bit JVM, compressed references). */
    long heapBytes();
  }

  /**
   * Heap this histogram holds, itself, its sides and their arrays (a 64-bit JVM with compressed
   * references): for the head's accounting of the scratch histograms its encoders keep.
   */
  public long heapBytes() {
    return 64 + positive.heapBytes() + negative.heapBytes() + arrayBytes(customValues.length, 8);
  }

  /** Heap of an array of {@code n} elements of {@code size} bytes, 8-byte aligned. */
  static long arrayBytes(int n, int size) {
    return (16L + (long) n * size + 7) & ~7L;
  }

  private int schema;
  private double zeroThreshold;

  /** The counts as the subclass stores them: an unsigned integer, or a double's raw bits. */
  private long countBits;

  private long zeroCountBits;
  private double sum;
  private int resetHint;
  private final B positive;
  private final B negative;

  /** Custom bucket bounds (schema {@link #CUSTOM_BUCKETS_SCHEMA}); owned, never shared. */
  private double[] customValues = NO_BOUNDS;

  /**
   * Prometheus 3's schema of histograms with custom bucket bounds ("NHCB"): bucket {@code i} covers
   * {@code (cv[i-1], cv[i]]}, bucket 0 from -Inf, bucket {@code cv.length} up to +Inf.
   */
  public static final int CUSTOM_BUCKETS_SCHEMA = -53;

  private static final double[] NO_BOUNDS = new double[0];

  NativeHistogram(B positive, B negative) {
    this.positive = positive;
    this.negative = negative;
  }

  /** This, as the subclass. */
  abstract S self();

  /** The positive side's spans (for a float histogram, without counts). */
  abstract Histogram.Buckets positiveSpans();

  abstract Histogram.Buckets negativeSpans();

  /** The count as {@link #toString()} shows it. */
  abstract String countString(long bits);

  /** The zero count as {@link #toString()} shows it. */
  abstract String zeroCountString(long bits);

  final long countBits() {
    return countBits;
  }

  final S countBits(long c) {
    countBits = c;
    return self();
  }

  final long zeroCountBits() {
    return zeroCountBits;
  }

  final S zeroCountBits(long c) {
    zeroCountBits = c;
    return self();
  }

  public B positive() {
    return positive;
  }

  public B negative() {
    return negative;
  }

  public int schema() {
    return schema;
  }

  public S schema(int s) {
    schema = s;
    return self();
  }

  /** Whether the schema is {@link #CUSTOM_BUCKETS_SCHEMA}. */
  public boolean hasCustomBuckets() {
    return schema == CUSTOM_BUCKETS_SCHEMA;
  }

  /**
   * The custom bucket bounds (remote write 2.0 {@code custom_values}, field 16): empty when none.
   * The histogram's own array: do not modify it.
   */
  public double[] customValues() {
    return customValues;
  }

  /** Sets the custom bucket bounds to a copy of {@code cv[0, n)}. */
  public S customValues(double[] cv, int n) {
    if (customValues.length != n) {
      customValues = n == 0 ? NO_BOUNDS : new double[n];
    }
    System.arraycopy(cv, 0, customValues, 0, n);
    return self();
  }

  /** Sets the custom bucket bounds to a copy of {@code cv}. */
  public S customValues(double... cv) {
    return customValues(cv, cv.length);
  }

  /** Whether {@code a} and {@code b} hold the same bounds, bit for bit (Prometheus' comparison). */
  static boolean sameBounds(double[] a, double[] b) {
    if (a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length; i++) {
      if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(b[i])) {
        return false;
      }
    }
    return true;
  }

  public double zeroThreshold() {
    return zeroThreshold;
  }

  public S zeroThreshold(double z) {
    zeroThreshold = z;
    return self();
  }

  public double sum() {
    return sum;
  }

  public S sum(double s) {
    sum = s;
    return self();
  }

  /** One of {@link Histogram}'s {@code HINT_*} constants. */
  public int resetHint() {
    return resetHint;
  }

  public S resetHint(int h) {
    resetHint = h;
    return self();
  }

  /**
   * Whether this is a staleness marker (the sum's bits are exactly {@link
   * Histogram#STALE_NAN_BITS}).
   */
  public boolean isStale() {
    return Double.doubleToRawLongBits(sum) == Histogram.STALE_NAN_BITS;
  }

  /** Sets every field to zero and both sides to no spans and no buckets; keeps the arrays. */
  public S clear() {
    schema = 0;
    zeroThreshold = 0;
    countBits = 0;
    zeroCountBits = 0;
    sum = 0;
    resetHint = Histogram.HINT_UNKNOWN;
    customValues = NO_BOUNDS;
    positive.clear();
    negative.clear();
    return self();
  }

  /** Makes this an exact copy of {@code o}, reusing this one's arrays where they are big enough. */
  public S copyFrom(S o) {
    NativeHistogram<S, B> from = o;
    schema = from.schema;
    zeroThreshold = from.zeroThreshold;
    countBits = from.countBits;
    zeroCountBits = from.zeroCountBits;
    sum = from.sum;
    resetHint = from.resetHint;
    if (!sameBounds(customValues, from.customValues)) {
      customValues(from.customValues, from.customValues.length);
    }
    positive.copyFrom(from.positive);
    negative.copyFrom(from.negative);
    return self();
  }

  /** Of the same type with equal fields, doubles compared by their bits (NaNs and -0.0 count). */
  @Override
  public boolean equals(Object other) {
    if (other == null || other.getClass() != getClass()) {
      return false;
    }
    NativeHistogram<?, ?> o = (NativeHistogram<?, ?>) other;
    return schema == o.schema
        && Double.doubleToRawLongBits(zeroThreshold) == Double.doubleToRawLongBits(o.zeroThreshold)
        && zeroCountBits == o.zeroCountBits
        && countBits == o.countBits
        && Double.doubleToRawLongBits(sum) == Double.doubleToRawLongBits(o.sum)
        && resetHint == o.resetHint
        && sameBounds(customValues, o.customValues)
        && positive.equals(o.positive)
        && negative.equals(o.negative);
  }

  /** Subclasses hash as they always have. */
  @Override
  public abstract int hashCode();

  @Override
  public String toString() {
    return getClass().getSimpleName()
        + "{schema="
        + schema
        + " zt="
        + zeroThreshold
        + " zc="
        + zeroCountString(zeroCountBits)
        + " count="
        + countString(countBits)
        + " sum="
        + sum
        + " hint="
        + resetHint
        + " pos="
        + positive
        + " neg="
        + negative
        + (customValues.length == 0 ? "" : " cv=" + java.util.Arrays.toString(customValues))
        + "}";
  }
}
