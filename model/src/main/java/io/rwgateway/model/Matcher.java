package io.rwgateway.model;

import java.util.List;
import java.util.Set;

/**
 * A label matcher with Prometheus semantics: regular expressions are RE2 (Go's syntax, linear
 * time), fully anchored, with {@code .} matching newlines ({@link FastRegex}); a missing label
 * matches as the empty string. The one matcher implementation: head, blocks, the HTTP API, remote
 * read and the StoreAPI all select through it.
 */
public final class Matcher {
  public enum Type {
    EQ("="),
    NEQ("!="),
    RE("=~"),
    NRE("!~");

    public final String op;

    Type(String op) {
      this.op = op;
    }
  }

  private final Type type;
  private final String name;
  private final String value;
  private final FastRegex regex;

  /**
   * @throws InvalidMatcherException when a regex matcher's expression does not parse or is too
   *     large to compile
   */
  public Matcher(Type type, String name, String value) {
    this.type = type;
    this.name = name;
    this.value = value;
    this.regex = (type == Type.RE || type == Type.NRE) ? FastRegex.compile(value) : null;
  }

  public static Matcher eq(String name, String value) {
    return new Matcher(Type.EQ, name, value);
  }

  public Type type() {
    return type;
  }

  public String name() {
    return name;
  }

  public String value() {
    return value;
  }

  public boolean matches(String v) {
    switch (type) {
      case EQ:
        return value.equals(v);
      case NEQ:
        return !value.equals(v);
      case RE:
        return regex.matches(v);
      default:
        return !regex.matches(v);
    }
  }

  /**
   * For {@code =} and {@code =~} matchers that match only a finite set of values ({@code a}, {@code
   * a|b|c}): those values, so postings can be looked up instead of testing every value. Null
   * otherwise.
   */
  public Set<String> matchedValues() {
    switch (type) {
      case EQ:
        return Set.of(value);
      case RE:
        return regex.literals();
      default:
        return null;
    }
  }

  /** True when this matcher also selects series that lack the label. */
  public boolean matchesEmpty() {
    return matches("");
  }

  /**
   * Whether some matcher does not match the empty string: Prometheus' rule for a selector, which
   * would otherwise select every series.
   */
  public static boolean anyNonEmpty(List<Matcher> matchers) {
    for (Matcher m : matchers) {
      if (!m.matchesEmpty()) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return name + type.op + '"' + value + '"';
  }
}
