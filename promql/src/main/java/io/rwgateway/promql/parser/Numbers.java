package io.rwgateway.promql.parser;

import java.math.BigInteger;
import java.util.Locale;

/**
 * Number literals as Prometheus reads them: first as a Go integer literal with its base prefix
 * ({@code 0x1f}; a leading {@code 0} means octal, so {@code 010} is 8), else as a Go float ({@code
 * 1e3}, {@code .5}, {@code Inf}, {@code NaN}).
 */
final class Numbers {
  private Numbers() {}

  /** The value; throws with Go's {@code strconv.ParseFloat} message when it is not a number. */
  static double parse(String s) {
    Double asInt = parseInt(s);
    if (asInt != null) {
      return asInt;
    }
    String lower = s.toLowerCase(Locale.ROOT);
    switch (lower) {
      case "inf", "+inf", "infinity", "+infinity":
        return Double.POSITIVE_INFINITY;
      case "-inf", "-infinity":
        return Double.NEGATIVE_INFINITY;
      case "nan":
        return Double.NaN;
      default:
        break;
    }
    if (!lower.matches("[0-9]*\\.?[0-9]*(e[+-]?[0-9]+)?") || !lower.matches(".*[0-9].*")) {
      throw new IllegalArgumentException(
          "strconv.ParseFloat: parsing " + GoFormat.quote(s) + ": invalid syntax");
    }
    double v = Double.parseDouble(lower);
    if (Double.isInfinite(v)) {
      throw new IllegalArgumentException(
          "strconv.ParseFloat: parsing " + GoFormat.quote(s) + ": value out of range");
    }
    return v;
  }

  /** {@code strconv.ParseInt(s, 0, 64)} as a double, or null when that fails. */
  private static Double parseInt(String s) {
    int radix = 10;
    String digits = s;
    if (s.length() > 2 && s.charAt(0) == '0' && (s.charAt(1) == 'x' || s.charAt(1) == 'X')) {
      radix = 16;
      digits = s.substring(2);
    } else if (s.length() > 1 && s.charAt(0) == '0') {
      radix = 8;
      digits = s.substring(1);
    }
    if (digits.isEmpty()) {
      return null;
    }
    for (int i = 0; i < digits.length(); i++) {
      if (Character.digit(digits.charAt(i), radix) < 0) {
        return null;
      }
    }
    BigInteger v = new BigInteger(digits, radix);
    if (v.bitLength() > 63) {
      return null;
    }
    return (double) v.longValue();
  }
}
