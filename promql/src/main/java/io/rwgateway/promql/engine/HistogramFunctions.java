package io.rwgateway.promql.engine;

import io.rwgateway.promql.parser.Expr;
import java.util.List;

/**
 * histogram_count, histogram_sum and histogram_fraction: of native histogram points only (a float
 * point gives nothing), without the metric name, as Prometheus 2.42.
 */
final class HistogramFunctions {
  private HistogramFunctions() {}

  static SeriesStream eval(Evaluator ev, String name, List<Expr> args, Grid g) {
    double[] lower = null;
    double[] upper = null;
    if (name.equals("histogram_fraction")) {
      lower = ev.scalarValues(args.get(0), g);
      upper = ev.scalarValues(args.get(1), g);
    }
    double[] lo = lower;
    double[] hi = upper;
    return Streams.distinct(
        Streams.map(
            ev.vector(args.get(args.size() - 1), g),
            s -> {
              HistogramValue[] h = s.h;
              s.dropHistograms();
              for (int i = 0; i < s.v.length; i++) {
                if (!s.has[i]) {
                  continue;
                }
                if (h == null || h[i] == null) {
                  s.has[i] = false;
                  continue;
                }
                s.v[i] =
                    switch (name) {
                      case "histogram_count" -> h[i].count;
                      case "histogram_sum" -> h[i].sum;
                      default -> fraction(lo[i], hi[i], h[i]);
                    };
              }
              s.labels = LabelSets.dropName(s.labels);
              return s;
            }));
  }

  /**
   * The share of observations between {@code lower} and {@code upper}, interpolating linearly in
   * the buckets the bounds fall into (2.42: also in exponential buckets; the zero bucket counts
   * from 0 when the histogram has buckets on one side only). NaN for an empty histogram.
   */
  static double fraction(double lower, double upper, HistogramValue h) {
    if (h.count == 0 || Double.isNaN(lower) || Double.isNaN(upper)) {
      return Double.NaN;
    }
    if (lower >= upper) {
      return 0;
    }
    Fraction f = new Fraction(lower, upper, h);
    h.forEachBucket(f);
    double lowerRank = !f.lowerSet || f.lowerRank > h.count ? h.count : f.lowerRank;
    double upperRank = !f.upperSet || f.upperRank > h.count ? h.count : f.upperRank;
    return (upperRank - lowerRank) / h.count;
  }

  private static final class Fraction implements HistogramValue.BucketVisitor {
    final double lower;
    final double upper;
    final boolean onlyPositive;
    final boolean onlyNegative;
    double rank;
    double lowerRank;
    double upperRank;
    boolean lowerSet;
    boolean upperSet;
    boolean done;

    Fraction(double lower, double upper, HistogramValue h) {
      this.lower = lower;
      this.upper = upper;
      this.onlyPositive = h.negativeBuckets() == 0 && h.positiveBuckets() > 0;
      this.onlyNegative = h.positiveBuckets() == 0 && h.negativeBuckets() > 0;
    }

    @Override
    public void bucket(int boundaries, double bLower, double bUpper, double count) {
      if (done) {
        return;
      }
      if (bLower < 0 && bUpper > 0) {
        if (onlyPositive) {
          bLower = 0;
        } else if (onlyNegative) {
          bUpper = 0;
        }
      }
      if (!lowerSet && bLower >= lower) {
        lowerRank = rank;
        lowerSet = true;
      }
      if (!upperSet && bLower >= upper) {
        upperRank = rank;
        upperSet = true;
      }
      if (lowerSet && upperSet) {
        done = true;
        return;
      }
      if (!lowerSet && bLower < lower && bUpper > lower) {
        lowerRank = rank + count * (lower - bLower) / (bUpper - bLower);
        lowerSet = true;
      }
      if (!upperSet && bLower < upper && bUpper > upper) {
        upperRank = rank + count * (upper - bLower) / (bUpper - bLower);
        upperSet = true;
      }
      if (lowerSet && upperSet) {
        done = true;
        return;
      }
      rank += count;
    }
  }

  /**
   * The φ-quantile of a native histogram: the bucket where the cumulative count reaches φ·count,
   * interpolated linearly within it; -Inf below 0, +Inf above 1, NaN for NaN or an empty histogram.
   */
  static double quantile(double q, HistogramValue h) {
    if (q < 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (q > 1) {
      return Double.POSITIVE_INFINITY;
    }
    if (h.count == 0 || Double.isNaN(q)) {
      return Double.NaN;
    }
    final double target = q * h.count;
    double[] found = new double[4]; // lower, upper, count, cumulative count
    boolean[] stop = new boolean[1];
    h.forEachBucket(
        (boundaries, lower, upper, count) -> {
          if (stop[0]) {
            return;
          }
          found[0] = lower;
          found[1] = upper;
          found[2] = count;
          found[3] += count;
          if (found[3] >= target) {
            stop[0] = true;
          }
        });
    double lower = found[0];
    double upper = found[1];
    double bucketCount = found[2];
    double count = found[3];
    if (h.usesCustomBuckets()) {
      // Prometheus 3's open ends: the first bucket from 0 (or its bound when that is not
      // positive), the last one answers its lower bound.
      if (lower == Double.NEGATIVE_INFINITY) {
        if (upper <= 0) {
          return upper;
        }
        lower = 0;
      } else if (upper == Double.POSITIVE_INFINITY) {
        return lower;
      }
    } else if (lower < 0 && upper > 0) {
      if (h.negativeBuckets() == 0 && h.positiveBuckets() > 0) {
        lower = 0;
      } else if (h.positiveBuckets() == 0 && h.negativeBuckets() > 0) {
        upper = 0;
      }
    }
    if (count > h.count) {
      count = h.count;
    }
    if (count < target) {
      return upper;
    }
    double rank = target - (count - bucketCount);
    return lower + (upper - lower) * (rank / bucketCount);
  }
}
