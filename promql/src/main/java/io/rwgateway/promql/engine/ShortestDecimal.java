package io.rwgateway.promql.engine;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * The shortest decimal that reads back as a double, and of those the closest (what Go's {@code
 * strconv} writes with precision -1): {@code value = d1.d2...dn x 10^exponent}.
 *
 * <p>NOTE: speed. Answers of range queries format hundreds of thousands of values; an exact search
 * over precisions with {@link BigDecimal} took ~5 us a value (1.1 s for 180k points). From JDK 19
 * on, {@link Double#toString} is specified to give this decimal (but for two digits where one would
 * do, when the two are closer: checked). JDK 17's gives too many digits for ~1.7% of doubles
 * (checked: a decimal one digit shorter must not read back as the same double, two parses) and, at
 * 17 digits, not always the closest (rounded exactly then).
 */
record ShortestDecimal(String digits, int exponent) {
  private static final boolean TO_STRING_IS_SHORTEST = Runtime.version().feature() >= 19;

  /** Of a positive, finite double. */
  static ShortestDecimal of(double a) {
    ShortestDecimal d = fromToString(Double.toString(a));
    if (TO_STRING_IS_SHORTEST) {
      // Except that where one digit would do, JDK 19+ may give the closer of two (4.9E-324 where
      // Go writes 5e-324).
      return d.digits.length() == 2 && d.hasShorter(a) ? exact(a) : d;
    }
    if (d.hasShorter(a)) {
      return exact(a); // JDK 17 gave too many digits (~1.7% of doubles)
    }
    if (d.digits.length() == 17) {
      // At 17 digits several decimals read back as the same double; JDK 17 does not always give
      // the closest (2 in a million): round the exact value instead.
      ShortestDecimal c = closest17(a, d.exponent);
      return c != null ? c : rounded(new BigDecimal(a), 17);
    }
    return d;
  }

  private static final double[] POW10 = new double[23];

  static {
    double p = 1;
    for (int i = 0; i < POW10.length; i++) {
      POW10[i] = p; // 10^0 .. 10^22 are exact doubles
      p *= 10;
    }
  }

  /**
   * The 17 significant digits of {@code a} correctly rounded (half even), without BigDecimal:
   * {@code a * 10^k} is exactly {@code hi + lo} (the product and its fused-multiply-add residual)
   * when {@code 10^k} is an exact double; null outside that range.
   */
  static ShortestDecimal closest17(double a, int exponent) {
    int k = 16 - exponent;
    if (k < 0 || k >= POW10.length) {
      return null;
    }
    double p = POW10[k];
    double hi = a * p;
    double lo = Math.fma(a, p, -hi);
    if (!(hi >= 0x1p53 && hi < 0x1p63)) {
      return null; // hi must be an integer for the split below
    }
    long n = (long) hi;
    double f = Math.floor(lo);
    double r = lo - f; // exact: lo is small
    n += (long) f;
    if (r > 0.5 || (r == 0.5 && (n & 1) == 1)) {
      n++;
    }
    int e = exponent;
    if (n >= 100_000_000_000_000_000L) {
      if (n % 10 != 0) {
        return null;
      }
      n /= 10;
      e++;
    }
    if (n < 10_000_000_000_000_000L) {
      return null;
    }
    String digits = Long.toString(n);
    int end = digits.length();
    while (end > 1 && digits.charAt(end - 1) == '0') {
      end--;
    }
    return new ShortestDecimal(digits.substring(0, end), e);
  }

  /** Parses {@code 123.45}, {@code 0.00123}, {@code 1.2345E-5}, {@code 1.0E21}. */
  static ShortestDecimal fromToString(String s) {
    int e = s.indexOf('E');
    int exp = e < 0 ? 0 : Integer.parseInt(s.substring(e + 1));
    String m = e < 0 ? s : s.substring(0, e);
    int dot = m.indexOf('.');
    int intDigits = dot < 0 ? m.length() : dot;
    String all = dot < 0 ? m : m.substring(0, dot) + m.substring(dot + 1);
    int lead = 0;
    while (lead < all.length() - 1 && all.charAt(lead) == '0') {
      lead++;
    }
    int end = all.length();
    while (end > lead + 1 && all.charAt(end - 1) == '0') {
      end--;
    }
    return new ShortestDecimal(all.substring(lead, end), intDigits - 1 - lead + exp);
  }

  /** Whether a decimal of one digit fewer reads back as {@code a}. */
  private boolean hasShorter(double a) {
    int n = digits.length();
    if (n < 2) {
      return false;
    }
    if (n > 18) {
      return true;
    }
    long p = Long.parseLong(digits, 0, n - 1, 10);
    int k = exponent - (n - 2);
    return reads(p, k, a) || reads(p + 1, k, a);
  }

  /**
   * Whether {@code mantissa x 10^exp10} reads back as {@code a}. NOTE: without parsing where it can
   * (Clinger's fast path): a mantissa below 2^53 and a power of ten up to 10^22 are exact doubles,
   * so one correctly rounded multiplication or division gives the double nearest the decimal, which
   * is what parsing gives.
   */
  private static boolean reads(long mantissa, int exp10, double a) {
    if (mantissa <= 0) {
      return false;
    }
    if (mantissa < (1L << 53) && exp10 >= -22 && exp10 <= 22) {
      double m = mantissa;
      return (exp10 >= 0 ? m * POW10[exp10] : m / POW10[-exp10]) == a;
    }
    return Double.parseDouble(mantissa + "E" + exp10) == a;
  }

  /** By search over precisions of the exact binary value. */
  static ShortestDecimal exact(double a) {
    BigDecimal exact = new BigDecimal(a);
    for (int p = 1; p < 17; p++) {
      BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (r.doubleValue() == a) {
        return of(r);
      }
    }
    return rounded(exact, 17);
  }

  private static ShortestDecimal rounded(BigDecimal exact, int precision) {
    return of(exact.round(new MathContext(precision, RoundingMode.HALF_EVEN)));
  }

  private static ShortestDecimal of(BigDecimal r) {
    BigDecimal s = r.stripTrailingZeros();
    String digits = s.unscaledValue().toString();
    return new ShortestDecimal(digits, digits.length() - 1 - s.scale());
  }

  /** Plain notation: {@code 123.45}, {@code 0.0000001}, {@code 1000000000000000000000}. */
  String plain() {
    int n = digits.length();
    StringBuilder b = new StringBuilder(n + Math.abs(exponent) + 2);
    if (exponent < 0) {
      b.append("0.");
      for (int i = -1; i > exponent; i--) {
        b.append('0');
      }
      return b.append(digits).toString();
    }
    if (n <= exponent + 1) {
      b.append(digits);
      for (int i = n; i <= exponent; i++) {
        b.append('0');
      }
      return b.toString();
    }
    return b.append(digits, 0, exponent + 1).append('.').append(digits, exponent + 1, n).toString();
  }

  /** Go's {@code 'e'} notation: {@code 1.5e-07}, {@code 1e+21}. */
  String scientific() {
    StringBuilder b = new StringBuilder(digits.length() + 6).append(digits.charAt(0));
    if (digits.length() > 1) {
      b.append('.').append(digits, 1, digits.length());
    }
    b.append('e').append(exponent < 0 ? '-' : '+');
    int e = Math.abs(exponent);
    if (e < 10) {
      b.append('0');
    }
    return b.append(e).toString();
  }
}
