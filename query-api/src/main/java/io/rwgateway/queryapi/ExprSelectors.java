package io.rwgateway.queryapi;

import io.rwgateway.model.Matcher;
import io.rwgateway.promql.parser.AggregateExpr;
import io.rwgateway.promql.parser.BinaryExpr;
import io.rwgateway.promql.parser.Call;
import io.rwgateway.promql.parser.Expr;
import io.rwgateway.promql.parser.MatrixSelector;
import io.rwgateway.promql.parser.ParenExpr;
import io.rwgateway.promql.parser.SubqueryExpr;
import io.rwgateway.promql.parser.UnaryExpr;
import io.rwgateway.promql.parser.VectorSelector;
import java.util.ArrayList;
import java.util.List;

/**
 * The matchers of every series selector in a query, in the order they are written (duplicates
 * kept), as Prometheus' exemplar endpoint collects them: an exemplar belongs to a query when its
 * series matches any one of them.
 */
final class ExprSelectors {
  private ExprSelectors() {}

  static List<Matcher[]> of(Expr expr) {
    List<Matcher[]> out = new ArrayList<>();
    collect(expr, out);
    return out;
  }

  private static void collect(Expr e, List<Matcher[]> out) {
    if (e instanceof VectorSelector v) {
      out.add(v.matchers().toArray(new Matcher[0]));
    } else if (e instanceof MatrixSelector m) {
      collect(m.selector(), out);
    } else if (e instanceof SubqueryExpr s) {
      collect(s.expr(), out);
    } else if (e instanceof ParenExpr p) {
      collect(p.expr(), out);
    } else if (e instanceof UnaryExpr u) {
      collect(u.expr(), out);
    } else if (e instanceof BinaryExpr b) {
      collect(b.lhs(), out);
      collect(b.rhs(), out);
    } else if (e instanceof AggregateExpr a) {
      collect(a.expr(), out);
      if (a.param() != null) {
        collect(a.param(), out); // topk's k may be a query too
      }
    } else if (e instanceof Call c) {
      for (Expr arg : c.args()) {
        collect(arg, out);
      }
    }
    // Number and string literals hold no selector.
  }
}
