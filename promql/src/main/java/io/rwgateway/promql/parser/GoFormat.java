package io.rwgateway.promql.parser;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Go's formatting of strings and floats, as Prometheus' {@code String()} methods and error messages
 * use it ({@code %q}, {@code %v}, {@code %f}, {@code %#U}).
 */
final class GoFormat {
  private GoFormat() {}

  /** {@code strconv.Quote}: double quotes, Go escapes, printable characters kept. */
  static String quote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    s.codePoints().forEach(cp -> appendEscaped(b, cp, '"'));
    return b.append('"').toString();
  }

  /** {@code %q} of a rune: a Go character literal. */
  static String quoteRune(int cp) {
    StringBuilder b = new StringBuilder().append('\'');
    appendEscaped(b, cp, '\'');
    return b.append('\'').toString();
  }

  /** {@code %#U} of a rune: {@code U+0071 'q'}. */
  static String unicode(int cp) {
    String hex = String.format("U+%04X", cp);
    return isPrint(cp) ? hex + " '" + new String(Character.toChars(cp)) + "'" : hex;
  }

  private static void appendEscaped(StringBuilder b, int cp, char quote) {
    if (cp == quote || cp == '\\') {
      b.append('\\').appendCodePoint(cp);
      return;
    }
    if (isPrint(cp)) {
      b.appendCodePoint(cp);
      return;
    }
    switch (cp) {
      case 7 -> b.append("\\a");
      case '\b' -> b.append("\\b");
      case '\f' -> b.append("\\f");
      case '\n' -> b.append("\\n");
      case '\r' -> b.append("\\r");
      case '\t' -> b.append("\\t");
      case 11 -> b.append("\\v");
      default -> {
        if (cp < ' ' || cp == 0x7f) {
          b.append(String.format("\\x%02x", cp));
        } else if (cp < 0x10000) {
          b.append(String.format("\\u%04x", cp));
        } else {
          b.append(String.format("\\U%08x", cp));
        }
      }
    }
  }

  /** Go's {@code unicode.IsPrint}: letters, marks, numbers, punctuation, symbols, ASCII space. */
  static boolean isPrint(int cp) {
    if (cp == ' ') {
      return true;
    }
    switch (Character.getType(cp)) {
      case Character.UPPERCASE_LETTER,
      Character.LOWERCASE_LETTER,
      Character.TITLECASE_LETTER,
      Character.MODIFIER_LETTER,
      Character.OTHER_LETTER,
      Character.NON_SPACING_MARK,
      Character.ENCLOSING_MARK,
      Character.COMBINING_SPACING_MARK,
      Character.DECIMAL_DIGIT_NUMBER,
      Character.LETTER_NUMBER,
      Character.OTHER_NUMBER,
      Character.CONNECTOR_PUNCTUATION,
      Character.DASH_PUNCTUATION,
      Character.START_PUNCTUATION,
      Character.END_PUNCTUATION,
      Character.INITIAL_QUOTE_PUNCTUATION,
      Character.FINAL_QUOTE_PUNCTUATION,
      Character.OTHER_PUNCTUATION,
      Character.MATH_SYMBOL,
      Character.CURRENCY_SYMBOL,
      Character.MODIFIER_SYMBOL,
      Character.OTHER_SYMBOL:
        return true;
      default:
        return false;
    }
  }

  /**
   * {@code fmt.Sprint(float64)}: the shortest decimal that reads back as {@code v}, in exponent
   * form ({@code 1e+06}, {@code 1e-05}) when the exponent is below -4 or at least 6 (the %g rule
   * with Go's "shortest" precision).
   */
  static String formatFloat(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == 0) {
      return (1 / v < 0) ? "-0" : "0";
    }
    String sign = v < 0 ? "-" : "";
    BigDecimal exact = new BigDecimal(Math.abs(v));
    BigDecimal shortest = exact;
    for (int p = 1; p <= 17; p++) {
      BigDecimal r = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
      if (r.doubleValue() == Math.abs(v)) {
        shortest = r;
        break;
      }
    }
    BigDecimal stripped = shortest.stripTrailingZeros();
    String digits = stripped.unscaledValue().toString();
    // The decimal exponent of the first digit.
    int exp = digits.length() - 1 - stripped.scale();
    if (exp < -4 || exp >= 6) {
      StringBuilder b = new StringBuilder(sign).append(digits.charAt(0));
      if (digits.length() > 1) {
        b.append('.').append(digits, 1, digits.length());
      }
      b.append('e').append(exp < 0 ? '-' : '+');
      int a = Math.abs(exp);
      if (a < 10) {
        b.append('0');
      }
      return b.append(a).toString();
    }
    return sign + stripped.toPlainString();
  }

  /** {@code %f}: six decimals; infinities as {@code +Inf}/{@code -Inf}. */
  static String formatFixed6(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    return new BigDecimal(v).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
  }
}
