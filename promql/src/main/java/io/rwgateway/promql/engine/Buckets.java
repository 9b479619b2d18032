package io.rwgateway.promql.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;

/**
 * Native histogram bucket bounds: bucket {@code idx} of schema {@code s} is {@code (b(idx-1),
 * b(idx)]} with {@code b(i) = 2^(i / 2^s)}.
 *
 * <p>NOTE: for schemas 1 to 8 the fractional powers are the exact doubles Prometheus computes its
 * bounds from ({@code native-histogram-bounds.txt}), not computed here: a few hundred of them are
 * an ulp or two away from the double nearest to the true root (measured), and a bound one ulp off
 * is written differently in the API's bucket bounds and moves quantiles. Each entry is checked at
 * load to be within four ulps of the true root (to 100 digits), so a damaged table cannot load.
 */
final class Buckets {
  private Buckets() {}

  private static final String TABLE = "native-histogram-bounds.txt";
  private static final MathContext PRECISION = new MathContext(100);
  private static final double[][] FRACTIONS = load();

  private static double[][] load() {
    double[][] f = new double[9][];
    try (InputStream in = Buckets.class.getResourceAsStream(TABLE)) {
      if (in == null) {
        throw new IllegalStateException(TABLE + " is missing from the jar");
      }
      int s = 0;
      for (String line : new String(in.readAllBytes(), StandardCharsets.US_ASCII).split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.trim().split(" ");
        if (s > 8 || parts.length != 1 << s) {
          throw new IllegalStateException(TABLE + ": schema " + s + " has " + parts.length);
        }
        f[s] = new double[parts.length];
        for (int k = 0; k < parts.length; k++) {
          f[s][k] = Double.parseDouble(parts[k]);
          checkRoot(f[s][k] * 2, k, parts.length);
        }
        s++;
      }
      if (s != 9) {
        throw new IllegalStateException(TABLE + ": " + s + " schemas");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return f;
  }

  /** Fails unless {@code d} is within four ulps of {@code 2^(k/n)}. */
  private static void checkRoot(double d, int k, int n) {
    BigDecimal target = BigDecimal.valueOf(2).pow(k);
    BigDecimal ulp = new BigDecimal(Math.ulp(d) * 4);
    BigDecimal exact = new BigDecimal(d);
    if (target.compareTo(exact.subtract(ulp).pow(n, PRECISION)) < 0
        || target.compareTo(exact.add(ulp).pow(n, PRECISION)) > 0) {
      throw new IllegalStateException(TABLE + ": " + d + " is not 2^(" + k + "/" + n + ")");
    }
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
