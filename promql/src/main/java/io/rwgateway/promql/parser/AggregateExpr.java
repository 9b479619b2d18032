package io.rwgateway.promql.parser;

import java.util.List;

/** {@code op [by|without (labels)] ([param,] expr)}; {@link #param} is null for most ops. */
public record AggregateExpr(
    AggregateOp op,
    Expr param,
    Expr expr,
    List<String> grouping,
    boolean without,
    int start,
    int end)
    implements Expr {
  public AggregateExpr {
    grouping = List.copyOf(grouping);
  }

  @Override
  public ValueType type() {
    return ValueType.VECTOR;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(op.keyword);
    if (without) {
      b.append(" without (").append(String.join(", ", grouping)).append(") ");
    } else if (!grouping.isEmpty()) {
      b.append(" by (").append(String.join(", ", grouping)).append(") ");
    }
    b.append('(');
    if (param != null) {
      b.append(param).append(", ");
    }
    return b.append(expr).append(')').toString();
  }
}
