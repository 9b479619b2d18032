package io.rwgateway.model;

import java.util.Set;

/**
 * Recognises the regular expressions {@link FastRegex} answers without a regex engine. Anything it
 * is not sure about is left to re2j (which also reports syntax errors), so a shape recognised here
 * always means exactly what RE2 would make of it.
 */
final class SimpleRegex {
  private SimpleRegex() {}

  /** A literal between optional {@code .*} / {@code .+} (FastRegex' NONE, STAR, PLUS). */
  record Around(String literal, int before, int after) {}

  /**
   * The set of values when {@code regex} is a literal or an alternation of literals, optionally
   * inside one group ({@code (a|b)}, {@code (?:a|b)}); null for anything else.
   */
  static Set<String> literalSet(String regex) {
    String body = unwrapGroup(regex);
    Set<String> set = FastRegex.newSet();
    int start = 0;
    for (int i = 0; i <= body.length(); i++) {
      if (i == body.length() || body.charAt(i) == '|') {
        String lit = literal(body, start, i);
        if (lit == null) {
          return null;
        }
        set.add(lit);
        start = i + 1;
      } else if (body.charAt(i) == '\\') {
        if (i + 1 == body.length()) {
          return null; // a trailing backslash: the engine reports it
        }
        i++; // an escaped character is never a separator
      }
    }
    return set;
  }

  /** {@code regex} as {@code [.*|.+] literal [.*|.+]}, or null. */
  static Around around(String regex) {
    int before = dotRepeat(regex, 0);
    int from = before == 0 ? 0 : 2;
    int after = 0;
    int to = regex.length();
    if (to - from >= 2 && regex.charAt(to - 2) == '.' && !escaped(regex, to - 2)) {
      after = dotRepeat(regex, to - 2);
      if (after != 0) {
        to -= 2;
      }
    }
    if (before == 0 && after == 0) {
      return null; // a plain literal is a one-element set
    }
    String lit = literal(regex, from, to);
    return lit == null ? null : new Around(lit, before, after);
  }

  /** 1 for {@code .*}, 2 for {@code .+} at {@code at}, else 0. */
  private static int dotRepeat(String s, int at) {
    if (at + 1 >= s.length() || s.charAt(at) != '.') {
      return 0;
    }
    char c = s.charAt(at + 1);
    return c == '*' ? 1 : c == '+' ? 2 : 0;
  }

  /** Whether the character at {@code at} follows an odd number of backslashes. */
  private static boolean escaped(String s, int at) {
    int n = 0;
    for (int i = at - 1; i >= 0 && s.charAt(i) == '\\'; i--) {
      n++;
    }
    return (n & 1) == 1;
  }

  /** The text of {@code (x)} or {@code (?:x)} when x holds no parentheses, else the input. */
  private static String unwrapGroup(String s) {
    int open = s.startsWith("(?:") ? 3 : s.startsWith("(") && !s.startsWith("(?") ? 1 : 0;
    if (open == 0 || !s.endsWith(")") || escaped(s, s.length() - 1)) {
      return s;
    }
    String inner = s.substring(open, s.length() - 1);
    for (int i = 0; i < inner.length(); i++) {
      char c = inner.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '(' || c == ')') {
        return s;
      }
    }
    return inner;
  }

  /**
   * {@code s[from, to)} as the literal it denotes: plain characters and backslash-escaped ASCII
   * punctuation; null when it holds anything with a meaning in RE2.
   */
  private static String literal(String s, int from, int to) {
    StringBuilder out = null;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        if (i + 1 >= to || !isAsciiPunct(s.charAt(i + 1))) {
          return null; // \d, \pL, \Q..., a trailing backslash: leave to the engine
        }
        if (out == null) {
          out = new StringBuilder(to - from).append(s, from, i);
        }
        out.append(s.charAt(++i));
      } else if (isMeta(c)) {
        return null;
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? s.substring(from, to) : out.toString();
  }

  private static boolean isMeta(char c) {
    switch (c) {
      case '.':
      case '+':
      case '*':
      case '?':
      case '(':
      case ')':
      case '|':
      case '[':
      case ']':
      case '{':
      case '}':
      case '^':
      case '$':
        return true;
      default:
        return false;
    }
  }

  /** What RE2 lets a backslash make literal: {@code !-/ :-@ [-` {-~}. */
  private static boolean isAsciiPunct(char c) {
    return (c >= '!' && c <= '/')
        || (c >= ':' && c <= '@')
        || (c >= '[' && c <= '`')
        || (c >= '{' && c <= '~');
  }
}
