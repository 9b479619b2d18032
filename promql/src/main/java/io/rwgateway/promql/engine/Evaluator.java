package io.rwgateway.promql.engine;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.promql.parser.AggregateExpr;
import io.rwgateway.promql.parser.BinaryExpr;
import io.rwgateway.promql.parser.Call;
import io.rwgateway.promql.parser.Expr;
import io.rwgateway.promql.parser.MatrixSelector;
import io.rwgateway.promql.parser.NumberLiteral;
import io.rwgateway.promql.parser.ParenExpr;
import io.rwgateway.promql.parser.StringLiteral;
import io.rwgateway.promql.parser.TimeModifiers;
import io.rwgateway.promql.parser.UnaryExpr;
import io.rwgateway.promql.parser.VectorSelector;
import java.util.Arrays;

/**
 * Evaluates an expression over a grid of steps, series by series: a selector yields one series at a
 * time, functions map it, aggregations fold it into their groups. Only what needs a whole side at
 * once (the "one" side of a vector match, sort, quantiles, topk) holds more.
 */
final class Evaluator {
  final QuerierSource source;
  final QueryContext ctx;
  final long lookbackMillis;

  /** The query's own start and end, what {@code @ start()} and {@code @ end()} mean. */
  final long queryStart;

  final long queryEnd;

  /** The step of subqueries written without one. */
  final long defaultSubqueryStep;

  Evaluator(
      QuerierSource source,
      QueryContext ctx,
      long lookbackMillis,
      long queryStart,
      long queryEnd,
      long defaultSubqueryStep) {
    this.source = source;
    this.ctx = ctx;
    this.lookbackMillis = lookbackMillis;
    this.queryStart = queryStart;
    this.queryEnd = queryEnd;
    this.defaultSubqueryStep = defaultSubqueryStep;
  }

  Value eval(Expr e, Grid g) {
    ctx.check();
    if (e instanceof NumberLiteral n) {
      return scalar(g, n.value());
    }
    if (e instanceof StringLiteral s) {
      return new Value.Str(s.value());
    }
    if (e instanceof ParenExpr p) {
      return eval(p.expr(), g);
    }
    if (e instanceof UnaryExpr u) {
      return u.negative() ? negate(eval(u.expr(), g)) : eval(u.expr(), g);
    }
    if (e instanceof VectorSelector vs) {
      return new Value.Vector(new SelectorStream(this, vs, g));
    }
    if (e instanceof AggregateExpr a) {
      return new Value.Vector(Aggregations.eval(this, a, g));
    }
    if (e instanceof BinaryExpr b) {
      return BinaryOperations.eval(this, b, g);
    }
    if (e instanceof Call c) {
      return Functions.eval(this, c, g);
    }
    throw new QueryException(
        QueryException.Kind.BAD_DATA, "unexpected range vector " + e + " in this position");
  }

  SeriesStream vector(Expr e, Grid g) {
    Value v = eval(e, g);
    if (v instanceof Value.Vector vec) {
      return vec.stream();
    }
    throw new QueryException(QueryException.Kind.BAD_DATA, "expected an instant vector: " + e);
  }

  double[] scalarValues(Expr e, Grid g) {
    Value v = eval(e, g);
    if (v instanceof Value.Scalar s) {
      return s.v();
    }
    throw new QueryException(QueryException.Kind.BAD_DATA, "expected a scalar: " + e);
  }

  static Value.Scalar scalar(Grid g, double value) {
    double[] v = new double[g.size()];
    Arrays.fill(v, value);
    return new Value.Scalar(v);
  }

  private static Value negate(Value v) {
    if (v instanceof Value.Scalar s) {
      double[] out = s.v().clone();
      for (int i = 0; i < out.length; i++) {
        out[i] = -out[i];
      }
      return new Value.Scalar(out);
    }
    return new Value.Vector(
        Streams.valuesWithoutName(((Value.Vector) v).stream(), (i, x) -> -x, true));
  }

  /** The time a selector or subquery reads at for a step at {@code ts}: {@code @} and offset. */
  long refTime(TimeModifiers m, long ts) {
    long base =
        switch (m.at()) {
          case NONE -> ts;
          case TIMESTAMP -> m.atMillis();
          case START -> queryStart;
          case END -> queryEnd;
        };
    return base - m.offsetMillis();
  }

  /** The first and last reference times a selector or subquery reads at over {@code g}. */
  long[] refRange(TimeModifiers m, Grid g) {
    return new long[] {refTime(m, g.start()), refTime(m, g.end())};
  }

  static Matcher[] matchers(VectorSelector vs) {
    return vs.matchers().toArray(new Matcher[0]);
  }

  /** Series labels for {@code absent}: the selector's equality matchers, but not the name. */
  static Labels absentLabels(Expr arg) {
    VectorSelector vs;
    if (arg instanceof VectorSelector v) {
      vs = v;
    } else if (arg instanceof MatrixSelector m) {
      vs = m.selector();
    } else {
      return Labels.EMPTY;
    }
    Labels l = Labels.EMPTY;
    java.util.Set<String> drop = new java.util.HashSet<>();
    for (Matcher m : vs.matchers()) {
      if (m.name().equals(Labels.METRIC_NAME)) {
        continue;
      }
      if (m.type() == Matcher.Type.EQ && l.get(m.name()).isEmpty() && !drop.contains(m.name())) {
        l = LabelSets.with(l, m.name(), m.value());
      } else {
        drop.add(m.name());
      }
    }
    return drop.isEmpty() ? l : LabelSets.without(l, drop, false);
  }
}
