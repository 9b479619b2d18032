package io.rwgateway.promql.parser;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * How deeply expressions may nest. NOTE: why a limit. Parsing, type checking, printing and
 * evaluation walk the tree recursively, and a query of 10,000 nested parentheses or a 1 MB chain of
 * {@code a + a + ...} would overflow a thread's stack; Prometheus (Go, whose stacks grow) accepts
 * such queries, but no real query nests beyond a few dozen levels, so they get a parse error (400)
 * instead.
 */
final class Depth {
  static final int MAX = 256;

  private Depth() {}

  static String message() {
    return "expression nests more than " + MAX + " levels deep";
  }

  /** The depth of a tree, walked without recursion (a parse left-deep chains build iteratively). */
  static int of(Expr root) {
    Deque<Object[]> stack = new ArrayDeque<>();
    stack.push(new Object[] {root, 1});
    int max = 0;
    while (!stack.isEmpty()) {
      Object[] top = stack.pop();
      Expr e = (Expr) top[0];
      int d = (Integer) top[1];
      if (d > max) {
        max = d;
        if (max > MAX) {
          return max;
        }
      }
      for (Expr c : children(e)) {
        stack.push(new Object[] {c, d + 1});
      }
    }
    return max;
  }

  private static Expr[] children(Expr e) {
    if (e instanceof BinaryExpr b) {
      return new Expr[] {b.lhs(), b.rhs()};
    }
    if (e instanceof ParenExpr p) {
      return new Expr[] {p.expr()};
    }
    if (e instanceof UnaryExpr u) {
      return new Expr[] {u.expr()};
    }
    if (e instanceof SubqueryExpr s) {
      return new Expr[] {s.expr()};
    }
    if (e instanceof MatrixSelector m) {
      return new Expr[] {m.selector()};
    }
    if (e instanceof Call c) {
      return c.args().toArray(new Expr[0]);
    }
    if (e instanceof AggregateExpr a) {
      return a.param() == null ? new Expr[] {a.expr()} : new Expr[] {a.param(), a.expr()};
    }
    return new Expr[0];
  }
}
