package io.rwgateway.promql.parser;

/**
 * An expression as Prometheus 2.42's {@code Pretty()} prints it, what {@code /api/v1/format_query}
 * answers: a node whose one-line form ({@link Object#toString()}) is longer than 100 bytes is
 * split, its operands on lines of their own, indented two spaces per level; shorter nodes stay on
 * one line.
 *
 * <p>NOTE: two quirks kept on purpose, since users compare our answer with Prometheus': a subquery
 * short enough for one line is not indented, and a split number, string or selector never happens
 * (they are printed whole, however long).
 */
public final class Pretty {
  private static final int MAX_LINE = 100;

  private Pretty() {}

  public static String format(Expr e) {
    StringBuilder b = new StringBuilder();
    write(b, e, 0);
    return b.toString();
  }

  private static void write(StringBuilder b, Expr e, int level) {
    if (e instanceof AggregateExpr a) {
      if (fits(b, a, level)) {
        return;
      }
      indent(b, level).append(aggregateHead(a)).append("(\n");
      if (a.param() != null) {
        write(b, a.param(), level + 1);
        b.append(",\n");
      }
      write(b, a.expr(), level + 1);
      indent(b.append('\n'), level).append(')');
    } else if (e instanceof BinaryExpr x) {
      if (fits(b, x, level)) {
        return;
      }
      VectorMatching vm = x.vectorMatching();
      write(b, x.lhs(), level + 1);
      indent(b.append('\n'), level)
          .append(x.op().symbol)
          .append(x.returnBool() ? " bool" : "")
          .append(vm == null ? "" : vm.suffix())
          .append('\n');
      write(b, x.rhs(), level + 1);
    } else if (e instanceof Call c) {
      if (fits(b, c, level)) {
        return;
      }
      indent(b, level).append(c.function().name()).append("(\n");
      for (int i = 0; i < c.args().size(); i++) {
        if (i > 0) {
          b.append(",\n");
        }
        write(b, c.args().get(i), level + 1);
      }
      indent(b.append('\n'), level).append(')');
    } else if (e instanceof ParenExpr p) {
      if (fits(b, p, level)) {
        return;
      }
      indent(b, level).append("(\n");
      write(b, p.expr(), level + 1);
      indent(b.append('\n'), level).append(')');
    } else if (e instanceof SubqueryExpr s) {
      String one = s.toString();
      if (bytes(one) <= MAX_LINE) {
        b.append(one); // 2.42 adds no indent here
        return;
      }
      write(b, s.expr(), level);
      b.append(one, s.expr().toString().length(), one.length());
    } else if (e instanceof UnaryExpr u) {
      // The operand's own indent goes; the sign takes its place.
      StringBuilder child = new StringBuilder();
      write(child, u.expr(), level);
      indent(b, level).append(u.negative() ? '-' : '+').append(child.toString().strip());
    } else {
      indent(b, level).append(e);
    }
  }

  /** Writes {@code e} on one line and returns true when it is short enough. */
  private static boolean fits(StringBuilder b, Expr e, int level) {
    String one = e.toString();
    if (bytes(one) > MAX_LINE) {
      return false;
    }
    indent(b, level).append(one);
    return true;
  }

  private static String aggregateHead(AggregateExpr a) {
    String s = a.op().keyword;
    if (a.without()) {
      return s + " without (" + String.join(", ", a.grouping()) + ") ";
    }
    if (!a.grouping().isEmpty()) {
      return s + " by (" + String.join(", ", a.grouping()) + ") ";
    }
    return s;
  }

  /** Go's {@code len(string)}: UTF-8 bytes, not characters. */
  private static int bytes(String s) {
    int n = s.length();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        n += c >= 0x800 && !Character.isSurrogate(c) ? 2 : 1;
      }
    }
    return n;
  }

  private static StringBuilder indent(StringBuilder b, int level) {
    for (int i = 0; i < level; i++) {
      b.append("  ");
    }
    return b;
  }
}
