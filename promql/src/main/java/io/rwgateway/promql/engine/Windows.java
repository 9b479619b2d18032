package io.rwgateway.promql.engine;

import io.rwgateway.model.Labels;
import io.rwgateway.promql.parser.Expr;
import io.rwgateway.promql.parser.MatrixSelector;
import io.rwgateway.promql.parser.SubqueryExpr;
import io.rwgateway.promql.parser.TimeModifiers;

/**
 * The samples a range-vector argument (a matrix selector or a subquery) gives, one series at a
 * time, with the window each step of the grid reads: {@code [ref - range, ref]}, closed at both
 * ends as in Prometheus 2.42, staleness markers left out.
 */
final class Windows implements AutoCloseable {
  final long range;
  final TimeModifiers modifiers;

  /** Each step's reference time (its window's end). */
  final long[] ref;

  private final RawSeries raw;
  private final SeriesStream inner;
  private final Grid innerGrid;
  private final Evaluator ev;

  Labels labels;
  long[] t = new long[64];
  double[] v = new double[64];

  /** Each sample's histogram (null for floats); meaningful only when {@link #hasHistograms}. */
  HistogramValue[] h;

  boolean hasHistograms;
  int n;

  Windows(Evaluator ev, Expr arg, Grid g) {
    this(ev, arg, g, null);
  }

  /**
   * @param function the function this is the range argument of (passed to the source as a select
   *     hint), or null
   */
  Windows(Evaluator ev, Expr arg, Grid g, String function) {
    this.ev = ev;
    if (arg instanceof MatrixSelector m) {
      range = m.rangeMillis();
      modifiers = m.selector().modifiers();
      ref = refs(ev, modifiers, g);
      raw =
          new RawSeries(
              ev.source,
              Evaluator.matchers(m.selector()),
              min(ref) - range,
              max(ref),
              true,
              function,
              ev.ctx);
      inner = null;
      innerGrid = null;
    } else if (arg instanceof SubqueryExpr s) {
      range = s.rangeMillis();
      modifiers = s.modifiers();
      ref = refs(ev, modifiers, g);
      long step = s.stepMillis() > 0 ? s.stepMillis() : ev.defaultSubqueryStep;
      long from = min(ref) - range;
      long start = step * (from / step); // Go's division: towards zero
      if (start < from) {
        start += step;
      }
      long end = max(ref);
      raw = null;
      if (start > end) {
        innerGrid = null;
        inner = Streams.EMPTY;
      } else {
        innerGrid = new Grid(start, end, step);
        inner = ev.vector(s.expr(), innerGrid);
      }
    } else {
      throw new QueryException(QueryException.Kind.BAD_DATA, "expected a range vector, got " + arg);
    }
  }

  private static long[] refs(Evaluator ev, TimeModifiers m, Grid g) {
    long[] r = new long[g.size()];
    for (int i = 0; i < r.length; i++) {
      r[i] = ev.refTime(m, g.time(i));
    }
    return r;
  }

  private static long min(long[] a) {
    long m = Long.MAX_VALUE;
    for (long x : a) {
      m = Math.min(m, x);
    }
    return m;
  }

  private static long max(long[] a) {
    long m = Long.MIN_VALUE;
    for (long x : a) {
      m = Math.max(m, x);
    }
    return m;
  }

  /** Moves to the next series; false at the end. */
  boolean next() {
    if (raw != null) {
      if (!raw.next()) {
        return false;
      }
      labels = raw.labels;
      t = raw.t;
      v = raw.v;
      h = raw.h;
      hasHistograms = raw.hasHistograms;
      n = raw.n;
      return true;
    }
    ev.ctx.release(n);
    n = 0;
    StepSeries s = inner.next();
    if (s == null) {
      return false;
    }
    labels = s.labels;
    int count = s.count();
    if (t.length < count) {
      t = new long[count];
      v = new double[count];
    }
    hasHistograms = s.h != null;
    if (hasHistograms && (h == null || h.length < t.length)) {
      h = new HistogramValue[t.length];
    }
    for (int i = 0; i < s.has.length; i++) {
      if (s.has[i]) {
        t[n] = innerGrid.time(i);
        v[n] = s.v[i];
        if (hasHistograms) {
          h[n] = s.h[i];
        }
        n++;
      }
    }
    ev.ctx.hold(n);
    return true;
  }

  @Override
  public void close() {
    if (raw != null) {
      raw.close();
    } else {
      ev.ctx.release(n);
      n = 0;
      inner.close();
    }
  }
}
