package io.rwgateway.promql.engine;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.promql.parser.Expr;
import io.rwgateway.promql.parser.MatrixSelector;
import io.rwgateway.promql.parser.ParenExpr;
import io.rwgateway.promql.parser.SubqueryExpr;
import io.rwgateway.promql.parser.ValueType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Evaluates parsed PromQL (Prometheus 2.42's semantics) over a {@link QuerierSource}: instant
 * queries at one time, range queries over a grid of steps. Thread-safe; each query has its own
 * state.
 */
public final class Engine {
  /**
   * @param lookbackMillis how far back an instant selector looks for a sample ({@code
   *     --query.lookback-delta}, 5m)
   * @param maxSamples samples a query may hold at once ({@code --query.max-samples}, 50M)
   * @param subqueryStepMillis the step of a subquery written without one (Prometheus: the global
   *     evaluation interval, 1m)
   */
  public record Options(long lookbackMillis, long maxSamples, long subqueryStepMillis) {
    public static final Options DEFAULTS = new Options(300_000, 50_000_000, 60_000);
  }

  private final Options options;

  public Engine(Options options) {
    this.options = options;
  }

  /** The value of {@code expr} at {@code time} (ms). */
  public QueryResult instant(QuerierSource source, Expr expr, long time, long timeoutMillis) {
    return instant(source, expr, time, timeoutMillis, () -> false);
  }

  /** The same, given up when {@code canceled} turns true. */
  public QueryResult instant(
      QuerierSource source, Expr expr, long time, long timeoutMillis, BooleanSupplier canceled) {
    QueryContext ctx = new QueryContext(timeoutMillis, options.maxSamples(), canceled);
    Evaluator ev = evaluator(source, ctx, time, time);
    Grid g = Grid.instant(time);
    Expr e = unwrap(expr);
    if (e instanceof MatrixSelector || e instanceof SubqueryExpr) {
      return rangeVectorAt(ev, e, g);
    }
    Value v = ev.eval(expr, g);
    if (v instanceof Value.Scalar s) {
      return new QueryResult.Scalar(time, s.v()[0]);
    }
    if (v instanceof Value.Str s) {
      return new QueryResult.Str(time, s.s());
    }
    List<QueryResult.Sample> out = new ArrayList<>();
    try (SeriesStream in = ((Value.Vector) v).stream()) {
      for (StepSeries s = in.next(); s != null; s = in.next()) {
        if (s.has[0]) {
          ctx.hold(1);
          out.add(new QueryResult.Sample(s.labels, time, s.v[0], s.histogram(0)));
        }
      }
    }
    return new QueryResult.Vector(out);
  }

  /** The values of {@code expr} at {@code start, start + step, ... <= end} (ms). */
  public QueryResult range(
      QuerierSource source, Expr expr, long start, long end, long step, long timeoutMillis) {
    return range(source, expr, start, end, step, timeoutMillis, () -> false);
  }

  /** The same, given up when {@code canceled} turns true. */
  public QueryResult range(
      QuerierSource source,
      Expr expr,
      long start,
      long end,
      long step,
      long timeoutMillis,
      BooleanSupplier canceled) {
    ValueType type = expr.type();
    if (type != ValueType.SCALAR && type != ValueType.VECTOR) {
      throw new QueryException(
          QueryException.Kind.BAD_DATA,
          "invalid expression type \""
              + type.documentedName()
              + "\" for range query, must be Scalar or instant Vector");
    }
    QueryContext ctx = new QueryContext(timeoutMillis, options.maxSamples(), canceled);
    Evaluator ev = evaluator(source, ctx, start, end);
    Grid g = new Grid(start, end, step);
    Value v = ev.eval(expr, g);
    if (v instanceof Value.Scalar s) {
      long[] t = new long[g.size()];
      for (int i = 0; i < t.length; i++) {
        t[i] = g.time(i);
      }
      return new QueryResult.Matrix(List.of(new QueryResult.Series(Labels.EMPTY, t, s.v())));
    }
    // Series with the same labels at different steps (after a function dropped the name) are one.
    Map<Labels, StepSeries> merged = new LinkedHashMap<>();
    try (SeriesStream in = ((Value.Vector) v).stream()) {
      for (StepSeries s = in.next(); s != null; s = in.next()) {
        ctx.hold(s.count());
        StepSeries prior = merged.putIfAbsent(s.labels, s);
        if (prior != null) {
          for (int i = 0; i < s.has.length; i++) {
            if (s.has[i]) {
              HistogramValue h = s.histogram(i);
              if (h != null) {
                prior.setHistogram(i, h);
              } else {
                prior.set(i, s.v[i]);
              }
            }
          }
        }
      }
    }
    List<QueryResult.Series> out = new ArrayList<>(merged.size());
    for (StepSeries s : merged.values()) {
      out.add(new QueryResult.Series(s, g));
    }
    out.sort((a, b) -> LabelOrder.LABELS.compare(a.labels(), b.labels()));
    return new QueryResult.Matrix(out);
  }

  private Evaluator evaluator(QuerierSource source, QueryContext ctx, long start, long end) {
    return new Evaluator(
        source, ctx, options.lookbackMillis(), start, end, options.subqueryStepMillis());
  }

  private static Expr unwrap(Expr e) {
    Expr x = e;
    while (x instanceof ParenExpr p) {
      x = p.expr();
    }
    return x;
  }

  /** An instant query of a range vector: each series' samples in its window. */
  private static QueryResult rangeVectorAt(Evaluator ev, Expr e, Grid g) {
    List<QueryResult.Series> out = new ArrayList<>();
    try (Windows w = new Windows(ev, e, g)) {
      long end = w.ref[0];
      long start = end - w.range;
      while (w.next()) {
        int lo = 0;
        while (lo < w.n && w.t[lo] < start) {
          lo++;
        }
        int hi = lo;
        while (hi < w.n && w.t[hi] <= end) {
          hi++;
        }
        if (hi > lo) {
          ev.ctx.hold(hi - lo);
          out.add(
              new QueryResult.Series(
                  w.labels,
                  Arrays.copyOfRange(w.t, lo, hi),
                  Arrays.copyOfRange(w.v, lo, hi),
                  w.hasHistograms ? Arrays.copyOfRange(w.h, lo, hi) : null));
        }
      }
    }
    return new QueryResult.Matrix(out);
  }
}
