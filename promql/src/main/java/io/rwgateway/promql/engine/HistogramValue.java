package io.rwgateway.promql.engine;

import io.rwgateway.tsdb.chunk.FloatHistogram;
import io.rwgateway.tsdb.chunk.Histogram;
import io.rwgateway.tsdb.chunk.NativeHistogram;
import java.util.Arrays;

/**
 * A native histogram as PromQL computes with it (Prometheus 2.42's float histogram): float counts,
 * and each side's buckets as sorted absolute indices with their counts. NOTE: buckets with a zero
 * count are kept as the chunk or the arithmetic left them, because 2.42's results depend on which
 * buckets exist (the first bucket answers {@code histogram_quantile(0, ...)} even when empty); only
 * {@link #compact} drops them, where 2.42 compacts. Span boundaries are not kept: no answer shows
 * them.
 */
public final class HistogramValue {
  int schema;

  /** Custom bucket bounds (schema -53), null for an exponential schema. */
  double[] customValues;

  double zeroThreshold;
  double zeroCount;
  double count;
  double sum;
  final Side positive;
  final Side negative;

  /** One side's buckets: indices ascending, counts absolute. */
  static final class Side {
    int[] idx;
    double[] cnt;
    int n;

    Side(int capacity) {
      idx = new int[Math.max(capacity, 1)];
      cnt = new double[Math.max(capacity, 1)];
    }

    Side copy() {
      Side s = new Side(n);
      System.arraycopy(idx, 0, s.idx, 0, n);
      System.arraycopy(cnt, 0, s.cnt, 0, n);
      s.n = n;
      return s;
    }

    void append(int index, double c) {
      if (n == idx.length) {
        idx = Arrays.copyOf(idx, n * 2);
        cnt = Arrays.copyOf(cnt, n * 2);
      }
      idx[n] = index;
      cnt[n] = c;
      n++;
    }

    /** Adds {@code c} to the bucket {@code index}, creating it (with count c) if missing. */
    void add(int index, double c) {
      int at = Arrays.binarySearch(idx, 0, n, index);
      if (at >= 0) {
        cnt[at] += c;
        return;
      }
      int ins = -at - 1;
      if (n == idx.length) {
        idx = Arrays.copyOf(idx, n * 2);
        cnt = Arrays.copyOf(cnt, n * 2);
      }
      System.arraycopy(idx, ins, idx, ins + 1, n - ins);
      System.arraycopy(cnt, ins, cnt, ins + 1, n - ins);
      idx[ins] = index;
      cnt[ins] = c;
      n++;
    }

    void compact() {
      int k = 0;
      for (int i = 0; i < n; i++) {
        if (cnt[i] != 0) {
          idx[k] = idx[i];
          cnt[k] = cnt[i];
          k++;
        }
      }
      n = k;
    }
  }

  private HistogramValue(Side positive, Side negative) {
    this.positive = positive;
    this.negative = negative;
  }

  /** An integer histogram read from a chunk, with its counts as floats. */
  static HistogramValue of(Histogram h) {
    return new HistogramValue(side(h.positive()), side(h.negative()))
        .header(h, h.zeroCount(), h.count());
  }

  static HistogramValue of(FloatHistogram h) {
    return new HistogramValue(side(h.positive()), side(h.negative()))
        .header(h, h.zeroCount(), h.count());
  }

  /** Everything but the buckets, from a chunk's histogram (counts passed as doubles). */
  private HistogramValue header(NativeHistogram<?, ?> h, double zeroCount, double count) {
    this.schema = h.schema();
    this.customValues = h.hasCustomBuckets() ? h.customValues().clone() : null;
    this.zeroThreshold = h.zeroThreshold();
    this.zeroCount = zeroCount;
    this.count = count;
    this.sum = h.sum();
    return this;
  }

  private static Side side(Histogram.Buckets b) {
    int[] idx = new int[b.bucketCount()];
    long[] counts = new long[b.bucketCount()];
    int n = b.absolute(idx, counts);
    Side s = new Side(n);
    for (int k = 0; k < n; k++) {
      s.append(idx[k], counts[k]);
    }
    return s;
  }

  private static Side side(FloatHistogram.Side b) {
    Side s = new Side(b.bucketCount());
    int at = 0;
    int k = 0;
    for (int i = 0; i < b.spanCount(); i++) {
      at += b.spanOffset(i);
      for (int j = 0; j < b.spanLength(i); j++, at++, k++) {
        s.append(at, b.count(k));
      }
    }
    return s;
  }

  public int schema() {
    return schema;
  }

  public double count() {
    return count;
  }

  public double sum() {
    return sum;
  }

  public double zeroCount() {
    return zeroCount;
  }

  public double zeroThreshold() {
    return zeroThreshold;
  }

  /** The schema of histograms with custom bucket bounds (Prometheus 3; none in 2.42). */
  static final int CUSTOM_BUCKETS_SCHEMA = -53;

  /** Thrown where 2.42/3 give no result: histograms of incompatible bucket layouts. */
  static final class Incompatible extends RuntimeException {
    Incompatible() {
      super("incompatible bucket layouts", null, false, false);
    }
  }

  boolean usesCustomBuckets() {
    return customValues != null;
  }

  /**
   * Upper bound of bucket {@code idx}: {@code 2^(idx/2^schema)}, or for custom buckets the bound
   * itself, with bucket 0 starting at -Inf and the one past the last bound ending at +Inf.
   */
  double bound(int idx) {
    if (customValues == null) {
      return Buckets.bound(idx, schema);
    }
    if (idx < 0) {
      return Double.NEGATIVE_INFINITY;
    }
    return idx >= customValues.length ? Double.POSITIVE_INFINITY : customValues[idx];
  }

  /** Whether the two can be added: both exponential, or the same custom bounds. */
  private boolean compatible(HistogramValue o) {
    if (customValues == null && o.customValues == null) {
      return true;
    }
    return customValues != null
        && o.customValues != null
        && java.util.Arrays.equals(customValues, o.customValues);
  }

  HistogramValue copy() {
    HistogramValue c = new HistogramValue(positive.copy(), negative.copy());
    c.schema = schema;
    c.customValues = customValues;
    c.zeroThreshold = zeroThreshold;
    c.zeroCount = zeroCount;
    c.count = count;
    c.sum = sum;
    return c;
  }

  boolean isStale() {
    return Double.doubleToRawLongBits(sum) == RawSeries.STALE_NAN_BITS;
  }

  /** A copy at a lower (or the same) schema: neighbouring buckets merged. */
  HistogramValue copyToSchema(int target) {
    if (target == schema) {
      return copy();
    }
    if (customValues != null || target == CUSTOM_BUCKETS_SCHEMA) {
      throw new Incompatible();
    }
    if (target > schema) {
      throw new IllegalArgumentException("cannot copy from schema " + schema + " to " + target);
    }
    HistogramValue c = new HistogramValue(new Side(positive.n), new Side(negative.n));
    c.schema = target;
    c.zeroThreshold = zeroThreshold;
    c.zeroCount = zeroCount;
    c.count = count;
    c.sum = sum;
    Merged it = new Merged();
    for (it.start(positive, schema, target, 0); it.next(); ) {
      c.positive.add(it.index, it.count);
    }
    for (it.start(negative, schema, target, 0); it.next(); ) {
      c.negative.add(it.index, it.count);
    }
    return c;
  }

  HistogramValue scale(double factor) {
    zeroCount *= factor;
    count *= factor;
    sum *= factor;
    for (int i = 0; i < positive.n; i++) {
      positive.cnt[i] *= factor;
    }
    for (int i = 0; i < negative.n; i++) {
      negative.cnt[i] *= factor;
    }
    return this;
  }

  /**
   * Adds {@code other} into this one; {@code other}'s schema must be at least this one's (its
   * buckets are merged down). Zero buckets of different widths are reconciled first.
   */
  HistogramValue add(HistogramValue other) {
    return addScaled(other, false);
  }

  HistogramValue sub(HistogramValue other) {
    return addScaled(other, true);
  }

  private HistogramValue addScaled(HistogramValue other, boolean negate) {
    if (!compatible(other)) {
      throw new Incompatible();
    }
    double otherZero = customValues == null ? reconcileZeroBuckets(other) : other.zeroCount;
    if (negate) {
      zeroCount -= otherZero;
      count -= other.count;
      sum -= other.sum;
    } else {
      zeroCount += otherZero;
      count += other.count;
      sum += other.sum;
    }
    Merged it = new Merged();
    // Custom buckets: the same bounds, index for index; nothing is below a zero bucket.
    double start = customValues == null ? zeroThreshold : Double.NEGATIVE_INFINITY;
    for (it.start(other.positive, other.schema, schema, start); it.next(); ) {
      positive.add(it.index, negate ? -it.count : it.count);
    }
    for (it.start(other.negative, other.schema, schema, start); it.next(); ) {
      negative.add(it.index, negate ? -it.count : it.count);
    }
    return this;
  }

  /** Drops every empty bucket. */
  HistogramValue compact() {
    positive.compact();
    negative.compact();
    return this;
  }

  /** Whether this histogram, following {@code previous}, shows a counter reset. */
  boolean detectReset(HistogramValue previous) {
    if (count < previous.count) {
      return true;
    }
    if (!compatible(previous)) {
      return true; // other custom bounds, or a switch to or from them: a new histogram
    }
    if (customValues != null) {
      return sideReset(positive, previous.positive, previous.schema);
    }
    if (schema > previous.schema) {
      return true;
    }
    if (zeroThreshold < previous.zeroThreshold) {
      return true;
    }
    double[] wider = previous.zeroCountForLargerThreshold(zeroThreshold);
    if (wider[1] != zeroThreshold) {
      return true;
    }
    if (zeroCount < wider[0]) {
      return true;
    }
    return sideReset(positive, previous.positive, previous.schema)
        || sideReset(negative, previous.negative, previous.schema);
  }

  private boolean sideReset(Side curr, Side prev, int prevSchema) {
    double start = customValues == null ? zeroThreshold : Double.NEGATIVE_INFINITY;
    Merged c = new Merged().start(curr, schema, schema, start);
    Merged p = new Merged().start(prev, prevSchema, schema, start);
    if (!p.next()) {
      return false;
    }
    if (!c.next()) {
      return anyLeft(p);
    }
    while (true) {
      while (c.index < p.index) {
        if (!c.next()) {
          return anyLeft(p);
        }
      }
      if (c.index > p.index) {
        if (p.count != 0) {
          return true;
        }
      } else if (c.count < p.count) {
        return true;
      }
      if (!p.next()) {
        return false;
      }
    }
  }

  /** Whether the current bucket of {@code p} or any after it has a count. */
  private static boolean anyLeft(Merged p) {
    do {
      if (p.count != 0) {
        return true;
      }
    } while (p.next());
    return false;
  }

  /**
   * The zero count this histogram would have with a zero bucket at least {@code larger} wide, and
   * that bucket's width (wider still when a populated bucket straddles the threshold): {count,
   * threshold}.
   */
  double[] zeroCountForLargerThreshold(double larger) {
    if (larger == zeroThreshold) {
      return new double[] {zeroCount, larger};
    }
    if (larger < zeroThreshold) {
      throw new IllegalArgumentException(
          "new threshold " + larger + " is less than old threshold " + zeroThreshold);
    }
    outer:
    while (true) {
      double c = zeroCount;
      for (int i = 0; i < positive.n; i++) {
        double lower = bound(positive.idx[i] - 1);
        double upper = bound(positive.idx[i]);
        if (lower >= larger) {
          break;
        }
        c += positive.cnt[i];
        if (upper > larger) {
          if (positive.cnt[i] != 0) {
            larger = upper;
          }
          break;
        }
      }
      for (int i = 0; i < negative.n; i++) {
        double lower = -bound(negative.idx[i]);
        double upper = -bound(negative.idx[i] - 1);
        if (upper <= -larger) {
          break;
        }
        c += negative.cnt[i];
        if (lower < -larger) {
          if (negative.cnt[i] != 0) {
            larger = -lower;
            continue outer;
          }
          break;
        }
      }
      return new double[] {c, larger};
    }
  }

  /** Widens this histogram's zero bucket and that of {@code other} to the same; other's count. */
  private double reconcileZeroBuckets(HistogramValue other) {
    double otherZero = other.zeroCount;
    double otherThreshold = other.zeroThreshold;
    while (otherThreshold != zeroThreshold) {
      if (zeroThreshold > otherThreshold) {
        double[] r = other.zeroCountForLargerThreshold(zeroThreshold);
        otherZero = r[0];
        otherThreshold = r[1];
      }
      if (otherThreshold > zeroThreshold) {
        double[] r = zeroCountForLargerThreshold(otherThreshold);
        zeroCount = r[0];
        zeroThreshold = r[1];
        trimBucketsInZeroBucket();
      }
    }
    return otherZero;
  }

  /** Empties the buckets the zero bucket now covers, then drops every empty bucket (as 2.42). */
  private void trimBucketsInZeroBucket() {
    for (int i = 0; i < positive.n; i++) {
      if (bound(positive.idx[i] - 1) >= zeroThreshold) {
        break;
      }
      positive.cnt[i] = 0;
    }
    for (int i = 0; i < negative.n; i++) {
      if (-bound(negative.idx[i] - 1) <= -zeroThreshold) {
        break;
      }
      negative.cnt[i] = 0;
    }
    compact();
  }

  /** Receives the buckets of a histogram from the lowest values to the highest. */
  @FunctionalInterface
  public interface BucketVisitor {
    /**
     * @param boundaries 0: (lower, upper]; 1: [lower, upper); 2: (lower, upper); 3: [lower, upper]
     */
    void bucket(int boundaries, double lower, double upper, double count);
  }

  /**
   * Every bucket, negative ones first (most negative first), then the zero bucket if it has a
   * count, then the positive ones: what the API shows and what quantiles walk through.
   */
  public void forEachBucket(BucketVisitor v) {
    if (customValues != null) {
      // Prometheus 3's custom buckets: (lower, upper], the first one closed at -Inf too.
      for (int i = 0; i < positive.n; i++) {
        int idx = positive.idx[i];
        v.bucket(idx == 0 ? 3 : 0, bound(idx - 1), bound(idx), positive.cnt[i]);
      }
      return;
    }
    for (int i = negative.n - 1; i >= 0; i--) {
      double lower = -bound(negative.idx[i]);
      double upper = -bound(negative.idx[i] - 1);
      if (upper > -zeroThreshold) {
        upper = -zeroThreshold;
      }
      v.bucket(boundaries(lower, upper), lower, upper, negative.cnt[i]);
    }
    if (zeroCount > 0) {
      v.bucket(3, -zeroThreshold, zeroThreshold, zeroCount);
    }
    for (int i = 0; i < positive.n; i++) {
      double lower = bound(positive.idx[i] - 1);
      double upper = bound(positive.idx[i]);
      if (lower < zeroThreshold) {
        lower = zeroThreshold;
      }
      v.bucket(boundaries(lower, upper), lower, upper, positive.cnt[i]);
    }
  }

  /**
   * Inclusiveness as 2.42 marks it: a bound is inclusive when it lies away from zero (the bound was
   * computed before the zero bucket clipped it, but only its sign matters here).
   */
  private static int boundaries(double lower, double upper) {
    boolean lowerInclusive = lower < 0;
    boolean upperInclusive = upper > 0;
    if (lowerInclusive) {
      return upperInclusive ? 3 : 1;
    }
    return upperInclusive ? 0 : 2;
  }

  int positiveBuckets() {
    return positive.n;
  }

  int negativeBuckets() {
    return negative.n;
  }

  /**
   * Walks one side's buckets at a target schema (merging neighbours, summed in index order) and
   * skips those whose upper bound is at most an absolute start value, as 2.42's bucket iterator.
   */
  static final class Merged {
    private Side side;
    private int from;
    private int target;
    private double startValue;
    private int at;
    int index;
    double count;

    Merged start(Side s, int fromSchema, int targetSchema, double absoluteStartValue) {
      if (targetSchema > fromSchema) {
        throw new IllegalArgumentException(
            "cannot merge from schema " + fromSchema + " to " + targetSchema);
      }
      this.side = s;
      this.from = fromSchema;
      this.target = targetSchema;
      this.startValue = absoluteStartValue;
      this.at = 0;
      return this;
    }

    boolean next() {
      while (at < side.n) {
        int idx = targetIndex(side.idx[at]);
        double c = 0;
        while (at < side.n && targetIndex(side.idx[at]) == idx) {
          c += side.cnt[at];
          at++;
          if (from == target) {
            break;
          }
        }
        if (startValue != Double.NEGATIVE_INFINITY && Buckets.bound(idx, target) <= startValue) {
          continue;
        }
        index = idx;
        count = c;
        return true;
      }
      return false;
    }

    private int targetIndex(int idx) {
      if (from == target) {
        return idx;
      }
      return ((idx - 1) >> (from - target)) + 1;
    }
  }
}
