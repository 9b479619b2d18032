package io.rwgateway.promql.engine;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Native histogram bucket bounds: bucket {@code idx} of schema {@code s} is {@code (b(idx-1),
 * b(idx)]} with {@code b(i) = 2^(i / 2^s)}.
 *
 * <p>NOTE: for schemas 1 to 8 the fractional powers come from a table of correctly rounded values
 * of {@code 2^(k / 2^s) / 2}, as Prometheus keeps one; {@code Math.pow} may be one ulp off, and a
 * bound one ulp off shows in the API's bucket bounds and in quantiles. The table is computed here
 * once and each entry is checked exactly (with {@link BigDecimal}) to be the double nearest to the
 * true root (to 100 digits: a root that close to a midpoint between two doubles would need 2^-300
 * luck).
 */
final class Buckets {
  private Buckets() {}

  private static final double[][] FRACTIONS = new double[9][];
  private static final MathContext PRECISION = new MathContext(100);

  static {
    for (int s = 0; s <= 8; s++) {
      int n = 1 << s;
      double[] f = new double[n];
      for (int k = 0; k < n; k++) {
        f[k] = nearestRoot(k, n) / 2;
      }
      FRACTIONS[s] = f;
    }
  }

  /** The double nearest to {@code 2^(k/n)}, n a power of two, 0 <= k < n. */
  private static double nearestRoot(int k, int n) {
    double d = Math.pow(2, (double) k / n);
    BigDecimal target = BigDecimal.valueOf(2).pow(k);
    // d is the nearest double when 2^k lies between the n-th powers of the midpoints around it.
    for (int tries = 0; tries < 4; tries++) {
      BigDecimal half = new BigDecimal(Math.ulp(d)).divide(BigDecimal.valueOf(2));
      BigDecimal exact = new BigDecimal(d);
      BigDecimal low = exact.subtract(half).pow(n, PRECISION);
      BigDecimal high = exact.add(half).pow(n, PRECISION);
      if (target.compareTo(low) < 0) {
        d = Math.nextDown(d);
      } else if (target.compareTo(high) > 0) {
        d = Math.nextUp(d);
      } else {
        return d;
      }
    }
    return d;
  }

  /**
   * The upper bound of bucket {@code idx} in {@code schema} (the lower bound is that of idx-1). The
   * last finite bucket ends at {@link Double#MAX_VALUE}, so that only infinite observations fall
   * into the bucket after it.
   */
  static double bound(int idx, int schema) {
    if (schema < 0) {
      long exp = (long) idx << -schema;
      if (exp == 1024) {
        return Double.MAX_VALUE;
      }
      return ldexp(1, exp);
    }
    int frac = idx & ((1 << schema) - 1);
    double f = FRACTIONS[schema][frac];
    long exp = (idx >> schema) + 1;
    if (f == 0.5 && exp == 1025) {
      return Double.MAX_VALUE;
    }
    return ldexp(f, exp);
  }

  /** {@code f * 2^exp}, saturating to 0 or infinity like Go's math.Ldexp. */
  private static double ldexp(double f, long exp) {
    if (exp > 2100) {
      return Double.POSITIVE_INFINITY;
    }
    if (exp < -2100) {
      return 0;
    }
    return Math.scalb(f, (int) exp);
  }
}
