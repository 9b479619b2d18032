package io.rwgateway.model;

import java.util.regex.Pattern;

/**
 * A label matcher with Prometheus semantics: regular expressions are fully anchored, and a missing
 * label matches as the empty string.
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
  private final Pattern pattern;

  public Matcher(Type type, String name, String value) {
    this.type = type;
    this.name = name;
    this.value = value;
    this.pattern =
        (type == Type.RE || type == Type.NRE)
            ? Pattern.compile("^(?:" + value + ")$", Pattern.DOTALL)
            : null;
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
        return pattern.matcher(v).matches();
      default:
        return !pattern.matcher(v).matches();
    }
  }

  /** True when this matcher also selects series that lack the label. */
  public boolean matchesEmpty() {
    return matches("");
  }

  @Override
  public String toString() {
    return name + type.op + '"' + value + '"';
  }
}
