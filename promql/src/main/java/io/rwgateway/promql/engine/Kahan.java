package io.rwgateway.promql.engine;

/** Kahan-Neumaier compensated summation, as Prometheus 2.42 sums where it is exact about it. */
final class Kahan {
  private Kahan() {}

  /** The rounding error of {@code sum + inc == newSum}, to be added to the running compensation. */
  static double compensation(double sum, double inc, double newSum) {
    return Math.abs(sum) >= Math.abs(inc) ? (sum - newSum) + inc : (inc - newSum) + sum;
  }
}
