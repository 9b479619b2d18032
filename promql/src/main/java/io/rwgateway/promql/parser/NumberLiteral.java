package io.rwgateway.promql.parser;

/**
 * A number: {@code 1}, {@code 0x1f}, {@code 1e-3}, {@code Inf}, {@code -2} (the sign folded in).
 */
public record NumberLiteral(double value, int start, int end) implements Expr {
  @Override
  public ValueType type() {
    return ValueType.SCALAR;
  }

  @Override
  public String toString() {
    return GoFormat.formatFloat(value);
  }
}
