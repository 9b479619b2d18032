package io.rwgateway.promql.parser;

/**
 * {@code lhs op [bool] [on|ignoring (...)] [group_left|group_right (...)] rhs}. {@link #written} is
 * the vector matching as written; {@link #vectorMatching()} is what applies.
 */
public record BinaryExpr(
    BinaryOp op, Expr lhs, Expr rhs, boolean returnBool, VectorMatching written) implements Expr {
  @Override
  public ValueType type() {
    return lhs.type() == ValueType.SCALAR && rhs.type() == ValueType.SCALAR
        ? ValueType.SCALAR
        : ValueType.VECTOR;
  }

  @Override
  public int start() {
    return lhs.start();
  }

  @Override
  public int end() {
    return rhs.end();
  }

  /**
   * The vector matching that applies, as Prometheus' type check leaves it: none unless both sides
   * are instant vectors, and many-to-many for set operators.
   */
  public VectorMatching vectorMatching() {
    if (lhs.type() != ValueType.VECTOR || rhs.type() != ValueType.VECTOR) {
      return null;
    }
    if (op.isSetOperator() && written.card() == VectorMatching.Cardinality.ONE_TO_ONE) {
      return new VectorMatching(
          VectorMatching.Cardinality.MANY_TO_MANY,
          written.matchingLabels(),
          written.on(),
          written.include());
    }
    return written;
  }

  @Override
  public String toString() {
    VectorMatching vm = vectorMatching();
    return lhs
        + " "
        + op.symbol
        + (returnBool ? " bool" : "")
        + (vm == null ? "" : vm.suffix())
        + " "
        + rhs;
  }
}
