package io.rwgateway.promql.parser;

/** Parentheses, kept in the tree so that the expression prints as written. */
public record ParenExpr(Expr expr, int start, int end) implements Expr {
  @Override
  public ValueType type() {
    return expr.type();
  }

  @Override
  public String toString() {
    return "(" + expr + ")";
  }
}
