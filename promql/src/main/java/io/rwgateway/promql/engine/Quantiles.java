package io.rwgateway.promql.engine;

import java.util.Arrays;

/** The φ-quantile of values as Prometheus computes it (quantile, quantile_over_time). */
final class Quantiles {
  private Quantiles() {}

  /**
   * Linear interpolation between the two closest ranks; φ < 0 gives -Inf, φ > 1 +Inf, no values or
   * a NaN φ NaN. NaN values sort first. Sorts {@code values} in place.
   */
  static double quantile(double q, double[] values) {
    if (values.length == 0 || Double.isNaN(q)) {
      return Double.NaN;
    }
    if (q < 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (q > 1) {
      return Double.POSITIVE_INFINITY;
    }
    Arrays.sort(values); // NOTE: Java sorts NaN last; move them first as Prometheus' order does.
    int nans = 0;
    for (int i = values.length - 1; i >= 0 && Double.isNaN(values[i]); i--) {
      nans++;
    }
    if (nans > 0) {
      System.arraycopy(values, 0, values, nans, values.length - nans);
      Arrays.fill(values, 0, nans, Double.NaN);
    }
    double n = values.length;
    double rank = q * (n - 1);
    double lower = Math.max(0, Math.floor(rank));
    double upper = Math.min(n - 1, lower + 1);
    double weight = rank - Math.floor(rank);
    return values[(int) lower] * (1 - weight) + values[(int) upper] * weight;
  }
}
