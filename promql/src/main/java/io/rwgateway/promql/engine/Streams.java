package io.rwgateway.promql.engine;

import io.rwgateway.model.Labels;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Small stream adapters. */
final class Streams {
  private Streams() {}

  static final SeriesStream EMPTY =
      new SeriesStream() {
        @Override
        public StepSeries next() {
          return null;
        }

        @Override
        public void close() {}
      };

  /** One series made here (not yet in the budget) as a stream. */
  static SeriesStream single(StepSeries s, QueryContext ctx) {
    ctx.hold(s.count());
    return of(List.of(s), ctx);
  }

  /**
   * A materialised vector, whose samples are held in the budget, as a stream; gives them back as
   * they go.
   */
  static SeriesStream of(List<StepSeries> list, QueryContext ctx) {
    Iterator<StepSeries> it = list.iterator();
    return new SeriesStream() {
      @Override
      public StepSeries next() {
        if (!it.hasNext()) {
          return null;
        }
        StepSeries s = it.next();
        ctx.release(s.count());
        return s;
      }

      @Override
      public void close() {
        while (it.hasNext()) {
          ctx.release(it.next().count());
        }
      }
    };
  }

  /** Reads a whole stream, holding its samples in the budget; closes it. */
  static List<StepSeries> collect(SeriesStream in, QueryContext ctx) {
    List<StepSeries> out = new ArrayList<>();
    try (in) {
      for (StepSeries s = in.next(); s != null; s = in.next()) {
        ctx.hold(s.count());
        out.add(s);
      }
    }
    return out;
  }

  /** Applies {@code f} to every series (null drops it). */
  static SeriesStream map(SeriesStream in, UnaryOperator<StepSeries> f) {
    return new SeriesStream() {
      @Override
      public StepSeries next() {
        for (StepSeries s = in.next(); s != null; s = in.next()) {
          StepSeries r = f.apply(s);
          if (r != null && !r.isEmpty()) {
            return r;
          }
        }
        return null;
      }

      @Override
      public void close() {
        in.close();
      }
    };
  }

  /** A new value for a point, from its step and value. */
  @FunctionalInterface
  interface PointOp {
    double apply(int step, double v);
  }

  /**
   * Replaces every point's value by {@code op} and drops the metric name, as the value-changing
   * functions and operators do; then, as in Prometheus, two series left with the same labels at one
   * step are an error ({@link #distinct}).
   */
  static SeriesStream valuesWithoutName(SeriesStream in, PointOp op) {
    return valuesWithoutName(in, op, false);
  }

  /**
   * @param keepHistograms leave histogram points as they are (unary minus: 2.42 negates only the
   *     float of a sample); otherwise they become floats computed from 0, as in 2.42
   */
  static SeriesStream valuesWithoutName(SeriesStream in, PointOp op, boolean keepHistograms) {
    return distinct(
        map(
            in,
            s -> {
              if (!keepHistograms) {
                s.dropHistograms();
              }
              for (int i = 0; i < s.v.length; i++) {
                if (s.has[i]) {
                  s.v[i] = op.apply(i, s.v[i]);
                }
              }
              s.labels = LabelSets.dropName(s.labels);
              return s;
            }));
  }

  /**
   * Fails as Prometheus does when two series with the same labels have a point at the same step
   * (after a function dropped the metric name or rewrote labels). Series with the same labels at
   * different steps pass: the result assembly merges them, and aggregations do not mind. Keeps one
   * bit per step per series, not the values.
   */
  static SeriesStream distinct(SeriesStream in) {
    Map<Labels, BitSet> seen = new HashMap<>();
    return new SeriesStream() {
      @Override
      public StepSeries next() {
        StepSeries s = in.next();
        if (s == null) {
          return null;
        }
        BitSet steps = seen.get(s.labels);
        if (steps == null) {
          steps = new BitSet(s.has.length);
          seen.put(s.labels, steps);
        }
        for (int i = 0; i < s.has.length; i++) {
          if (s.has[i]) {
            if (steps.get(i)) {
              throw QueryException.execution(
                  "vector cannot contain metrics with the same labelset");
            }
            steps.set(i);
          }
        }
        return s;
      }

      @Override
      public void close() {
        in.close();
      }
    };
  }
}
