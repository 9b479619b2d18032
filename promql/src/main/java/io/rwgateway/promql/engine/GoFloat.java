package io.rwgateway.promql.engine;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Go's float formatting where PromQL answers and messages show numbers. */
public final class GoFloat {
  private GoFloat() {}

  /**
   * {@code strconv.FormatFloat(v, 'f', -1, 64)}, the form of sample values in the HTTP API and of
   * {@code count_values}' label: the shortest decimal that reads back as {@code v}, never in
   * exponent form; {@code NaN}, {@code +Inf}, {@code -Inf}.
   */
  public static String formatF(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return (v == 0 && 1 / v < 0) ? "-0" : Long.toString((long) v);
    }
    return (v < 0 ? "-" : "") + ShortestDecimal.of(Math.abs(v)).plain();
  }

  /**
   * A sample value as Prometheus' API writes it in vectors and matrices: {@code 'f'} form for 1e-6
   * <= |v| < 1e21 (and zero), else Go's {@code 'e'} form with at least two exponent digits ({@code
   * 2e-07}, {@code 1.2345678901234569e+23}).
   */
  public static String formatSample(double v) {
    double a = Math.abs(v);
    if (a == 0 || Double.isNaN(v) || Double.isInfinite(v) || (a >= 1e-6 && a < 1e21)) {
      return formatF(v);
    }
    return (v < 0 ? "-" : "") + ShortestDecimal.of(a).scientific();
  }

  /** A JSON number as Go's encoding/json writes a float64 (a scalar result's time). */
  public static String formatJsonNumber(double v) {
    return formatSample(v).replace("e-0", "e-");
  }

  /**
   * A sample's time in the API's vectors and matrices: whole seconds, then the milliseconds as
   * three digits when there are any ({@code 1700000000}, {@code 1700000000.500}).
   */
  public static String formatTimestamp(long ms) {
    StringBuilder b = new StringBuilder();
    long t = ms;
    if (t < 0) {
      b.append('-');
      t = -t;
    }
    b.append(t / 1000);
    long fraction = t % 1000;
    if (fraction != 0) {
      b.append('.');
      if (fraction < 100) {
        b.append('0');
      }
      if (fraction < 10) {
        b.append('0');
      }
      b.append(fraction);
    }
    return b.toString();
  }

  /** {@code %f}: six decimals. */
  static String formatF6(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    return new BigDecimal(v).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
  }
}
