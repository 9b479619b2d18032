package io.rwgateway.promql.parser;

/** {@code -expr} or {@code +expr} (a sign before a number literal is folded into the number). */
public record UnaryExpr(boolean negative, Expr expr, int start) implements Expr {
  @Override
  public ValueType type() {
    return expr.type();
  }

  @Override
  public int end() {
    return expr.end();
  }

  @Override
  public String toString() {
    return (negative ? "-" : "+") + expr;
  }
}
