package io.rwgateway.promql.parser;

/** A subquery, {@code expr[range:step]} (step 0 when left out), with its own modifiers. */
public record SubqueryExpr(
    Expr expr, long rangeMillis, long stepMillis, TimeModifiers modifiers, int end)
    implements Expr {
  @Override
  public ValueType type() {
    return ValueType.MATRIX;
  }

  @Override
  public int start() {
    return expr.start();
  }

  SubqueryExpr withModifiers(TimeModifiers m, int newEnd) {
    return new SubqueryExpr(expr, rangeMillis, stepMillis, m, newEnd);
  }

  @Override
  public String toString() {
    return expr
        + "["
        + Durations.format(rangeMillis)
        + ":"
        + (stepMillis != 0 ? Durations.format(stepMillis) : "")
        + "]"
        + modifiers.suffix();
  }
}
