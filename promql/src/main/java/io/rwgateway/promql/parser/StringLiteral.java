package io.rwgateway.promql.parser;

/** A string, its escapes resolved; printed back double-quoted with Go's escapes. */
public record StringLiteral(String value, int start, int end) implements Expr {
  @Override
  public ValueType type() {
    return ValueType.STRING;
  }

  @Override
  public String toString() {
    return GoFormat.quote(value);
  }
}
