package io.rwgateway.promql.parser;

/**
 * A range vector selector, {@code selector[5m]}. Its {@code offset} and {@code @} live on the
 * vector selector, as in Prometheus, but print after the range.
 */
public record MatrixSelector(VectorSelector selector, long rangeMillis, int end) implements Expr {
  @Override
  public ValueType type() {
    return ValueType.MATRIX;
  }

  @Override
  public int start() {
    return selector.start();
  }

  @Override
  public String toString() {
    return selector.selectorString()
        + "["
        + Durations.format(rangeMillis)
        + "]"
        + selector.modifiers().suffix();
  }
}
