package io.rwgateway.queryapi;

import io.rwgateway.model.InvalidMatcherException;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the series-selector subset of PromQL, as used by {@code match[]}: {@code metric}, {@code
 * metric{...}} and {@code {...}}, where the braces hold a comma-separated (trailing comma allowed)
 * list of {@code label op "value"} with op one of {@code = != =~ !~}.
 *
 * <p>Strings are single-, double- or backtick-quoted with Go's escapes ({@code \" \\ \n \t \xNN
 * \NNN \\uXXXX \UXXXXXXXX} ...; backticks are raw). As in Prometheus 3, a label name may be a
 * quoted string, and a lone quoted string in the braces ({@code {"my.metric"}}) is the metric name.
 * {@code #} starts a comment that runs to the end of the line.
 *
 * <p>The parser checks syntax only; the rule that a {@code match[]} selector needs a matcher that
 * does not match the empty string is {@link #hasNonEmptyMatcher}, applied by the HTTP API, as
 * Prometheus does. The metric name, when given, is the first matcher ({@code __name__="..."}).
 */
public final class SeriesSelectorParser {
  private final String s;
  private int pos;
  private String metricName;
  private final List<Matcher> matchers = new ArrayList<>();

  private SeriesSelectorParser(String s) {
    this.s = s;
  }

  /** Parses one selector into the matchers that must all match. */
  public static Matcher[] parse(String selector) {
    SeriesSelectorParser p = new SeriesSelectorParser(selector);
    p.selector();
    return p.matchers.toArray(new Matcher[0]);
  }

  /** Prometheus' guard against selecting every series by accident. */
  public static boolean hasNonEmptyMatcher(Matcher[] matchers) {
    for (Matcher m : matchers) {
      if (!m.matchesEmpty()) {
        return true;
      }
    }
    return false;
  }

  private void selector() {
    skipSpace();
    if (pos < s.length() && isMetricStart(s.charAt(pos))) {
      int start = pos;
      while (pos < s.length() && isMetricPart(s.charAt(pos))) {
        pos++;
      }
      setMetricName(s.substring(start, pos), start);
      skipSpace();
    }
    if (pos < s.length() && s.charAt(pos) == '{') {
      pos++;
      braces();
      skipSpace();
    } else if (metricName == null) {
      throw unexpected("");
    }
    if (pos < s.length()) {
      throw unexpected(" after selector");
    }
  }

  private void braces() {
    while (true) {
      skipSpace();
      if (pos >= s.length()) {
        throw new SelectorParseException(pos, "unexpected end of input inside braces");
      }
      char c = s.charAt(pos);
      if (c == '}') {
        pos++;
        return;
      }
      int labelAt = pos;
      String label;
      boolean quoted = isQuote(c);
      if (quoted) {
        label = string();
      } else if (isLabelStart(c)) {
        while (pos < s.length() && isLabelPart(s.charAt(pos))) {
          pos++;
        }
        label = s.substring(labelAt, pos);
      } else {
        throw unexpected(" inside braces, expected label name or \"}\"");
      }
      skipSpace();
      if (quoted && pos < s.length() && (s.charAt(pos) == ',' || s.charAt(pos) == '}')) {
        setMetricName(label, labelAt); // {"metric.name", ...}
      } else {
        matcher(label);
      }
      skipSpace();
      if (pos < s.length() && s.charAt(pos) == ',') {
        pos++;
      } else if (pos < s.length() && s.charAt(pos) != '}') {
        throw unexpected(" inside braces, expected \",\" or \"}\"");
      }
    }
  }

  private void matcher(String label) {
    Matcher.Type type = operator();
    skipSpace();
    if (pos >= s.length() || !isQuote(s.charAt(pos))) {
      throw unexpected(" in label matching, expected string");
    }
    int valueAt = pos;
    String value = string();
    if (label.equals(Labels.METRIC_NAME) && metricName != null) {
      throw new SelectorParseException(
          valueAt,
          "metric name must not be set twice: \"" + metricName + "\" or \"" + value + "\"");
    }
    try {
      matchers.add(new Matcher(type, label, value));
    } catch (InvalidMatcherException e) {
      throw new SelectorParseException(valueAt, e.getMessage());
    }
  }

  private Matcher.Type operator() {
    if (pos + 1 < s.length()) {
      char a = s.charAt(pos);
      char b = s.charAt(pos + 1);
      if (a == '=' && b == '~') {
        pos += 2;
        return Matcher.Type.RE;
      }
      if (a == '!' && b == '=') {
        pos += 2;
        return Matcher.Type.NEQ;
      }
      if (a == '!' && b == '~') {
        pos += 2;
        return Matcher.Type.NRE;
      }
    }
    if (pos < s.length() && s.charAt(pos) == '=') {
      pos++;
      return Matcher.Type.EQ;
    }
    throw unexpected(" in label matching, expected label matching operator");
  }

  private void setMetricName(String name, int at) {
    if (metricName != null) {
      throw new SelectorParseException(
          at, "metric name must not be set twice: \"" + metricName + "\" or \"" + name + "\"");
    }
    for (Matcher m : matchers) {
      if (m.name().equals(Labels.METRIC_NAME)) {
        throw new SelectorParseException(
            at, "metric name must not be set twice: \"" + m.value() + "\" or \"" + name + "\"");
      }
    }
    metricName = name;
    matchers.add(0, Matcher.eq(Labels.METRIC_NAME, name));
  }

  /** Reads a quoted string starting at {@code pos} and returns its unescaped value. */
  private String string() {
    int start = pos;
    char q = s.charAt(pos++);
    if (q == '`') {
      int end = s.indexOf('`', pos);
      if (end < 0) {
        throw new SelectorParseException(start, "unterminated raw string");
      }
      String v = s.substring(pos, end);
      pos = end + 1;
      return v;
    }
    Utf8Builder out = new Utf8Builder(s.length() - pos);
    while (true) {
      if (pos >= s.length() || s.charAt(pos) == '\n') {
        throw new SelectorParseException(start, "unterminated quoted string");
      }
      char c = s.charAt(pos);
      if (c == q) {
        pos++;
        return out.toString();
      }
      if (c == '\\') {
        escape(q, out);
      } else {
        int cp = s.codePointAt(pos);
        out.appendCodePoint(cp);
        pos += Character.charCount(cp);
      }
    }
  }

  private void escape(char quote, Utf8Builder out) {
    int at = pos;
    pos++; // the backslash
    if (pos >= s.length()) {
      throw new SelectorParseException(at, "unterminated quoted string");
    }
    char e = s.charAt(pos++);
    switch (e) {
      case 'a':
        out.appendByte(7);
        return;
      case 'b':
        out.appendByte(8);
        return;
      case 'f':
        out.appendByte(12);
        return;
      case 'n':
        out.appendByte('\n');
        return;
      case 'r':
        out.appendByte('\r');
        return;
      case 't':
        out.appendByte('\t');
        return;
      case 'v':
        out.appendByte(11);
        return;
      case '\\':
        out.appendByte('\\');
        return;
      case 'x':
        out.appendByte(hex(2, at));
        return;
      case 'u':
      case 'U':
        {
          int cp = hex(e == 'u' ? 4 : 8, at);
          if (cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF)) {
            throw new SelectorParseException(
                at, "escape sequence is an invalid Unicode code point");
          }
          out.appendCodePoint(cp);
          return;
        }
      default:
        if (e == quote) {
          out.appendByte(e);
          return;
        }
        if (e >= '0' && e <= '7') {
          pos--;
          int v = 0;
          for (int i = 0; i < 3; i++) {
            char d = pos < s.length() ? s.charAt(pos) : 0;
            if (d < '0' || d > '7') {
              throw new SelectorParseException(at, "invalid octal escape sequence");
            }
            v = v * 8 + (d - '0');
            pos++;
          }
          if (v > 255) {
            throw new SelectorParseException(at, "octal escape value > 255");
          }
          out.appendByte(v);
          return;
        }
        throw new SelectorParseException(at, "unknown escape sequence '\\" + e + "'");
    }
  }

  private int hex(int digits, int at) {
    int v = 0;
    for (int i = 0; i < digits; i++) {
      int d = pos < s.length() ? Character.digit(s.charAt(pos), 16) : -1;
      if (d < 0) {
        throw new SelectorParseException(at, "invalid hex escape sequence");
      }
      v = (v << 4) | d;
      pos++;
    }
    return v;
  }

  private void skipSpace() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        pos++;
      } else if (c == '#') {
        while (pos < s.length() && s.charAt(pos) != '\n') {
          pos++;
        }
      } else {
        return;
      }
    }
  }

  private SelectorParseException unexpected(String where) {
    if (pos >= s.length()) {
      return new SelectorParseException(pos, "unexpected end of input" + where);
    }
    return new SelectorParseException(
        pos, "unexpected character " + quoteChar(s.codePointAt(pos)) + where);
  }

  private static String quoteChar(int cp) {
    return "'" + new String(Character.toChars(cp)) + "'";
  }

  private static boolean isQuote(char c) {
    return c == '"' || c == '\'' || c == '`';
  }

  private static boolean isLabelStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isLabelPart(char c) {
    return isLabelStart(c) || (c >= '0' && c <= '9');
  }

  private static boolean isMetricStart(char c) {
    return isLabelStart(c) || c == ':';
  }

  private static boolean isMetricPart(char c) {
    return isLabelPart(c) || c == ':';
  }
}
