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
        + "}";
  }
}
