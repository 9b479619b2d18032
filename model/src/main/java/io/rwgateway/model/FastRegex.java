package io.rwgateway.model;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/**
 * A matcher's regular expression with Prometheus' semantics: RE2 syntax (Go's), matched against the
 * whole value, {@code .} matching newlines too ({@code ^(?s:...)$}), in time linear in the value's
 * length whatever the expression.
 *
 * <p>The shapes selectors use most skip the regex engine, as Prometheus' {@code FastRegexMatcher}
 * does: a literal ({@code api}) and an alternation of literals ({@code api|web|db}, what Grafana
 * sends for a multi-value variable) become a set lookup; a literal with {@code .*} or {@code .+}
 * before and/or after it ({@code api-.*}, {@code .*-prod}, {@code .*err.*}) becomes a prefix,
 * suffix or substring test; {@code .*} alone matches everything. Everything else runs on re2j.
 *
 * <p>NOTE: Prometheus 2.42 anchors as {@code ^(?:...)$}, where {@code .} stops at a newline;
 * Prometheus 3 and Thanos use {@code (?s)}. We follow the newer rule (label values with newlines
 * are rare, and both readers we serve behave so today).
 */
public final class FastRegex {
  /**
   * Longest expression that is compiled (a literal set has no limit beyond the request's). re2j's
   * program grows with the expression: at this size it takes a few MB and a few ms to compile.
   */
  public static final int MAX_COMPILED_CHARS = 128 * 1024;

  private enum Kind {
    /** The value is one of {@link #literals}. */
    SET,
    /** {@code [.*|.+] literal [.*|.+]}: see {@link #around}. */
    AROUND,
    /** Anything else: the compiled expression. */
    REGEX
  }

  /** What may stand before or after the literal of an {@link Kind#AROUND} expression. */
  private static final int NONE = 0;

  private static final int STAR = 1; // .*
  private static final int PLUS = 2; // .+

  private final String source;
  private final Kind kind;
  private final Set<String> literals;
  private final String literal;
  private final int before;
  private final int after;
  private final Pattern pattern;

  private FastRegex(
      String source,
      Kind kind,
      Set<String> literals,
      String literal,
      int before,
      int after,
      Pattern pattern) {
    this.source = source;
    this.kind = kind;
    this.literals = literals;
    this.literal = literal;
    this.before = before;
    this.after = after;
    this.pattern = pattern;
  }

  /** Parses {@code regex}; throws {@link InvalidMatcherException} with the parser's reason. */
  public static FastRegex compile(String regex) {
    Set<String> set = SimpleRegex.literalSet(regex);
    if (set != null) {
      return new FastRegex(regex, Kind.SET, set, null, NONE, NONE, null);
    }
    SimpleRegex.Around a = SimpleRegex.around(regex);
    if (a != null) {
      return new FastRegex(regex, Kind.AROUND, null, a.literal(), a.before(), a.after(), null);
    }
    if (regex.length() > MAX_COMPILED_CHARS) {
      throw new InvalidMatcherException(
          "regular expression of "
              + regex.length()
              + " characters is over the limit of "
              + MAX_COMPILED_CHARS
              + " (a list of plain values joined by | has no such limit)");
    }
    try {
      return new FastRegex(
          regex, Kind.REGEX, null, null, NONE, NONE, Pattern.compile(regex, Pattern.DOTALL));
    } catch (PatternSyntaxException e) {
      throw new InvalidMatcherException(e.getMessage());
    }
  }

  /** Whether the whole of {@code value} matches. */
  public boolean matches(String value) {
    switch (kind) {
      case SET:
        return literals.contains(value);
      case AROUND:
        return matchesAround(value);
      default:
        return pattern.matcher(value).matches();
    }
  }

  private boolean matchesAround(String v) {
    int n = v.length();
    int len = literal.length();
    if (len == 0) {
      // Only dots: count code points, as a surrogate pair is one character to RE2.
      int need = (before == PLUS ? 1 : 0) + (after == PLUS ? 1 : 0);
      return need == 0 || (n >= need && v.codePointCount(0, n) >= need);
    }
    if (before == NONE) {
      return v.startsWith(literal) && (after == STAR || (after == PLUS ? n > len : n == len));
    }
    if (after == NONE) {
      return v.endsWith(literal) && (before == STAR || n > len);
    }
    // Literal inside: the first occurrence (from 1 when something must precede it) ends
    // earliest, so it is the one to test against "something must follow".
    int p = v.indexOf(literal, before == PLUS ? 1 : 0);
    return p >= 0 && (after == STAR || p + len < n);
  }

  /**
   * The values this expression matches when it is a finite set of literals (so postings can be
   * looked up directly instead of testing every value), else null.
   */
  public Set<String> literals() {
    return literals == null ? null : Collections.unmodifiableSet(literals);
  }

  /** The expression as written. */
  public String source() {
    return source;
  }

  @Override
  public String toString() {
    return source;
  }

  static Set<String> newSet() {
    return new HashSet<>();
  }
}
