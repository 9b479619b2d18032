package io.rwgateway.tsdb.chunk;

/**
 * What a native histogram is whatever its counts: schema, zero threshold, sum, reset hint, and per
 * side the bucket spans. {@link Histogram} (integer counts, delta-encoded) and {@link
 * FloatHistogram} (float counts, absolute) add the counts. {@code S} is the subclass, which the
 * setters return for chaining. Only this package extends it.
 */
public abstract class NativeHistogram<S extends NativeHistogram<S>> {
  private int schema;
  private double zeroThreshold;
  private double sum;
  private int resetHint;

  NativeHistogram() {}

  /** This, as the subclass. */
  abstract S self();

  /** The positive side's spans (for a float histogram, without counts). */
  abstract Histogram.Buckets positiveSpans();

  abstract Histogram.Buckets negativeSpans();

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

  /** Zeroes the fields kept here (the hint to {@link Histogram#HINT_UNKNOWN}). */
  final void clearShared() {
    schema = 0;
    zeroThreshold = 0;
    sum = 0;
    resetHint = Histogram.HINT_UNKNOWN;
  }

  final void copySharedFrom(NativeHistogram<?> o) {
    schema = o.schema;
    zeroThreshold = o.zeroThreshold;
    sum = o.sum;
    resetHint = o.resetHint;
  }

  /** The fields kept here equal, the doubles compared by their bits (NaNs and -0.0 count). */
  final boolean sameShared(NativeHistogram<?> o) {
    return schema == o.schema
        && Double.doubleToRawLongBits(zeroThreshold) == Double.doubleToRawLongBits(o.zeroThreshold)
        && Double.doubleToRawLongBits(sum) == Double.doubleToRawLongBits(o.sum)
        && resetHint == o.resetHint;
  }

  /** {@code Type{schema=.. zt=.. zc=.. count=.. sum=.. hint=.. pos=.. neg=..}}. */
  final String describe(String type, String zeroCount, String count, Object pos, Object neg) {
    return type
        + "{schema="
        + schema
        + " zt="
        + zeroThreshold
        + " zc="
        + zeroCount
        + " count="
        + count
        + " sum="
        + sum
        + " hint="
        + resetHint
        + " pos="
        + pos
        + " neg="
        + neg
        + "}";
  }
}
