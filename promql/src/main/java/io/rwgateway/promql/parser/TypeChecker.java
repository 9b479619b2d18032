package io.rwgateway.promql.parser;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import java.util.List;

/**
 * The checks Prometheus runs over a tree that parsed ({@code checkAST}), in its order, so that the
 * first failure is the one Prometheus reports: children before their parent, each function and
 * aggregation argument checked and then its type.
 */
final class TypeChecker {
  private final String input;

  TypeChecker(String input) {
    this.input = input;
  }

  private ParseException error(int pos, String message) {
    return new ParseException(input, pos, message);
  }

  ValueType check(Expr node) {
    if (node instanceof AggregateExpr a) {
      expectType(a.expr(), ValueType.VECTOR, "aggregation expression");
      switch (a.op()) {
        case TOPK, BOTTOMK, QUANTILE ->
            expectType(a.param(), ValueType.SCALAR, "aggregation parameter");
        case COUNT_VALUES -> expectType(a.param(), ValueType.STRING, "aggregation parameter");
        default -> {}
      }
    } else if (node instanceof BinaryExpr b) {
      checkBinary(b);
    } else if (node instanceof Call c) {
      checkCall(c);
    } else if (node instanceof ParenExpr p) {
      check(p.expr());
    } else if (node instanceof UnaryExpr u) {
      ValueType t = check(u.expr());
      if (t != ValueType.SCALAR && t != ValueType.VECTOR) {
        throw error(
            u.start(),
            "unary expression only allowed on expressions of type scalar or instant vector, got "
                + GoFormat.quote(t.documentedName));
      }
    } else if (node instanceof SubqueryExpr s) {
      ValueType t = check(s.expr());
      if (t != ValueType.VECTOR) {
        throw error(
            s.start(),
            "subquery is only allowed on instant vector, got " + t.internalName + " instead");
      }
    } else if (node instanceof MatrixSelector m) {
      check(m.selector());
    } else if (node instanceof VectorSelector v) {
      checkSelector(v);
    }
    return node.type();
  }

  private void expectType(Expr e, ValueType want, String context) {
    ValueType t = check(e);
    if (t != want) {
      throw error(
          e.start(),
          "expected type " + want.documentedName + " in " + context + ", got " + t.documentedName);
    }
  }

  private void checkBinary(BinaryExpr n) {
    ValueType lt = check(n.lhs());
    ValueType rt = check(n.rhs());
    if (n.returnBool() && !n.op().isComparison()) {
      throw error(operatorPos(n), "bool modifier can only be used on comparison operators");
    }
    if (n.op().isComparison()
        && !n.returnBool()
        && lt == ValueType.SCALAR
        && rt == ValueType.SCALAR) {
      throw error(operatorPos(n), "comparisons between scalars must use BOOL modifier");
    }
    VectorMatching vm = n.written();
    if (vm.on()) {
      for (String l : vm.matchingLabels()) {
        if (vm.include().contains(l)) {
          throw error(
              operatorPos(n),
              "label " + GoFormat.quote(l) + " must not occur in ON and GROUP clause at once");
        }
      }
    }
    if (lt != ValueType.SCALAR && lt != ValueType.VECTOR) {
      throw error(
          n.lhs().start(), "binary expression must contain only scalar and instant vector types");
    }
    if (rt != ValueType.SCALAR && rt != ValueType.VECTOR) {
      throw error(
          n.rhs().start(), "binary expression must contain only scalar and instant vector types");
    }
    String op = GoFormat.quote(n.op().symbol);
    if (lt != ValueType.VECTOR || rt != ValueType.VECTOR) {
      if (!vm.matchingLabels().isEmpty()) {
        throw error(n.start(), "vector matching only allowed between instant vectors");
      }
    } else if (n.op().isSetOperator()) {
      if (vm.card() == VectorMatching.Cardinality.ONE_TO_MANY
          || vm.card() == VectorMatching.Cardinality.MANY_TO_ONE) {
        throw error(n.start(), "no grouping allowed for " + op + " operation");
      }
    }
    if ((lt == ValueType.SCALAR || rt == ValueType.SCALAR) && n.op().isSetOperator()) {
      throw error(n.start(), "set operator " + op + " not allowed in binary scalar expression");
    }
  }

  /** Where the operator stands: the first non-space after the left-hand side. */
  private int operatorPos(BinaryExpr n) {
    int p = n.lhs().end();
    while (p < input.length() && Lexer.isSpace(input.charAt(p))) {
      p++;
    }
    return p;
  }

  private void checkCall(Call n) {
    Function f = n.function();
    List<ValueType> types = f.argTypes();
    int nargs = types.size();
    String name = GoFormat.quote(f.name());
    int got = n.args().size();
    if (f.variadic() == 0) {
      if (nargs != got) {
        throw error(
            n.start(), "expected " + nargs + " argument(s) in call to " + name + ", got " + got);
      }
    } else {
      int na = nargs - 1;
      if (na > got) {
        throw error(
            n.start(),
            "expected at least " + na + " argument(s) in call to " + name + ", got " + got);
      } else if (f.variadic() > 0 && na + f.variadic() < got) {
        throw error(
            n.start(),
            "expected at most "
                + (na + f.variadic())
                + " argument(s) in call to "
                + name
                + ", got "
                + got);
      }
    }
    for (int i = 0; i < got; i++) {
      int ti = i;
      if (i >= nargs) {
        if (f.variadic() == 0) {
          break;
        }
        ti = nargs - 1;
      }
      expectType(n.args().get(i), types.get(ti), "call to function " + name);
    }
  }

  private void checkSelector(VectorSelector v) {
    List<Matcher> ms = v.matchers();
    if (!v.name().isEmpty()) {
      // The last matcher is the one the name became.
      for (Matcher m : ms.subList(0, ms.size() - 1)) {
        if (m.name().equals(Labels.METRIC_NAME)) {
          throw error(v.start(), Parser.metricNameTwice(v.name(), m.value()));
        }
      }
      return;
    }
    if (!Matcher.anyNonEmpty(ms)) {
      throw error(v.start(), "vector selector must contain at least one non-empty matcher");
    }
  }
}
