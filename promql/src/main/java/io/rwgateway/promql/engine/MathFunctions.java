package io.rwgateway.promql.engine;

import java.util.function.DoubleUnaryOperator;

/**
 * The element-wise functions, with Go's {@code math} results where Java's differ: log2 of a power
 * of two is exact, log10 goes through log2, and the inverse hyperbolic functions Java lacks.
 */
final class MathFunctions {
  private MathFunctions() {}

  private static final double LN2 = 0.693147180559945309417232121458176568;
  private static final double LN10 = 2.30258509299404568401799145468436421;
  private static final double NEAR_ZERO = 1.0 / (1 << 28);
  private static final double LARGE = 1 << 28;

  static DoubleUnaryOperator of(String name) {
    return switch (name) {
      case "abs" -> Math::abs;
      case "ceil" -> Math::ceil;
      case "floor" -> Math::floor;
      case "exp" -> Math::exp;
      case "sqrt" -> Math::sqrt;
      case "ln" -> Math::log;
      case "log2" -> MathFunctions::log2;
      case "log10" -> x -> log2(x) * (LN2 / LN10);
      case "sgn" -> x -> x < 0 ? -1 : x > 0 ? 1 : x;
      case "sin" -> Math::sin;
      case "cos" -> Math::cos;
      case "tan" -> Math::tan;
      case "asin" -> Math::asin;
      case "acos" -> Math::acos;
      case "atan" -> Math::atan;
      case "sinh" -> Math::sinh;
      case "cosh" -> Math::cosh;
      case "tanh" -> Math::tanh;
      case "asinh" -> MathFunctions::asinh;
      case "acosh" -> MathFunctions::acosh;
      case "atanh" -> MathFunctions::atanh;
      case "deg" -> x -> x * 180 / Math.PI;
      case "rad" -> x -> x * Math.PI / 180;
      default -> null;
    };
  }

  static double log2(double x) {
    if (Double.isNaN(x) || x <= 0 || Double.isInfinite(x)) {
      return Math.log(x) / LN2; // NaN, -Inf, +Inf as Go gives them
    }
    // x = frac * 2^exp with frac in [0.5, 1)
    int exp = Math.getExponent(x);
    double frac;
    if (exp == Double.MIN_EXPONENT - 1) { // subnormal
      double scaled = x * 0x1p54;
      exp = Math.getExponent(scaled) - 54;
      frac = scaled / Math.scalb(1.0, Math.getExponent(scaled) + 1);
    } else {
      frac = x / Math.scalb(1.0, exp + 1);
    }
    exp += 1;
    if (frac == 0.5) {
      return exp - 1;
    }
    return Math.log(frac) * (1 / LN2) + exp;
  }

  static double asinh(double x) {
    if (Double.isNaN(x) || Double.isInfinite(x)) {
      return x;
    }
    boolean negative = x < 0;
    double a = Math.abs(x);
    double r;
    if (a > LARGE) {
      r = Math.log(a) + LN2;
    } else if (a > 2) {
      r = Math.log(2 * a + 1 / (Math.sqrt(a * a + 1) + a));
    } else if (a < NEAR_ZERO) {
      r = a;
    } else {
      r = Math.log1p(a + a * a / (1 + Math.sqrt(1 + a * a)));
    }
    return negative ? -r : r;
  }

  static double acosh(double x) {
    if (x < 1 || Double.isNaN(x)) {
      return Double.NaN;
    }
    if (x == 1) {
      return 0;
    }
    if (x >= LARGE) {
      return Math.log(x) + LN2;
    }
    if (x > 2) {
      return Math.log(2 * x - 1 / (x + Math.sqrt(x * x - 1)));
    }
    double t = x - 1;
    return Math.log1p(t + Math.sqrt(2 * t + t * t));
  }

  static double atanh(double x) {
    if (x < -1 || x > 1 || Double.isNaN(x)) {
      return Double.NaN;
    }
    if (x == 1) {
      return Double.POSITIVE_INFINITY;
    }
    if (x == -1) {
      return Double.NEGATIVE_INFINITY;
    }
    boolean negative = x < 0;
    double a = Math.abs(x);
    double r;
    if (a < NEAR_ZERO) {
      r = a;
    } else if (a < 0.5) {
      double t = a + a;
      r = 0.5 * Math.log1p(t + t * a / (1 - a));
    } else {
      r = 0.5 * Math.log1p((a + a) / (1 - a));
    }
    return negative ? -r : r;
  }
}
