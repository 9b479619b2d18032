package io.rwgateway.promql.engine;

import io.rwgateway.model.Labels;
import io.rwgateway.promql.parser.Call;
import io.rwgateway.promql.parser.Expr;
import io.rwgateway.promql.parser.ParenExpr;
import io.rwgateway.promql.parser.ValueType;
import io.rwgateway.promql.parser.VectorSelector;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/** Calls of PromQL functions: which evaluation each needs. */
final class Functions {
  private Functions() {}

  static Value eval(Evaluator ev, Call c, Grid g) {
    String name = c.function().name();
    List<Expr> args = c.args();
    int matrixArg = c.function().argTypes().indexOf(ValueType.MATRIX);
    if (name.equals("absent_over_time")) {
      return new Value.Vector(absentOverTime(ev, args.get(0), g));
    }
    if (matrixArg >= 0) {
      RangeFunctions.RangeFunction fn = RangeFunctions.of(name);
      if (fn == null) {
        throw unsupported(name);
      }
      double[][] scalars = new double[args.size() - 1][];
      int k = 0;
      for (int i = 0; i < args.size(); i++) {
        if (i != matrixArg) {
          scalars[k++] = ev.scalarValues(args.get(i), g);
        }
      }
      boolean keepName = name.equals("last_over_time");
      SeriesStream s =
          new RangeCallStream(
              new Windows(ev, args.get(matrixArg), g, name), fn, g, scalars, keepName, name);
      return new Value.Vector(keepName ? s : Streams.distinct(s));
    }
    DoubleUnaryOperator math = MathFunctions.of(name);
    if (math != null) {
      return new Value.Vector(
          Streams.valuesWithoutName(ev.vector(args.get(0), g), (i, v) -> math.applyAsDouble(v)));
    }
    return switch (name) {
      case "time" -> new Value.Scalar(times(g));
      case "pi" -> Evaluator.scalar(g, Math.PI);
      case "scalar" -> scalar(ev, args.get(0), g);
      case "vector" -> {
        StepSeries s = new StepSeries(Labels.EMPTY, g.size());
        double[] v = ev.scalarValues(args.get(0), g);
        for (int i = 0; i < v.length; i++) {
          s.set(i, v[i]);
        }
        yield new Value.Vector(Streams.single(s, ev.ctx));
      }
      case "absent" -> new Value.Vector(absent(ev, args.get(0), g));
      case "timestamp" -> new Value.Vector(timestamp(ev, args.get(0), g));
      case "sort" -> new Value.Vector(sort(ev, args.get(0), g, false));
      case "sort_desc" -> new Value.Vector(sort(ev, args.get(0), g, true));
      case "clamp", "clamp_min", "clamp_max" -> new Value.Vector(clamp(ev, name, args, g));
      case "round" -> new Value.Vector(round(ev, args, g));
      case "label_replace" -> new Value.Vector(LabelFunctions.replace(ev, args, g));
      case "label_join" -> new Value.Vector(LabelFunctions.join(ev, args, g));
      case "histogram_quantile" -> new Value.Vector(HistogramQuantile.eval(ev, args, g));
      case "histogram_count", "histogram_sum", "histogram_fraction" ->
          new Value.Vector(HistogramFunctions.eval(ev, name, args, g));
      case "minute",
          "hour",
          "day_of_week",
          "day_of_month",
          "day_of_year",
          "days_in_month",
          "month",
          "year" ->
          new Value.Vector(DateFunctions.eval(ev, name, args, g));
      default -> throw unsupported(name);
    };
  }

  private static QueryException unsupported(String name) {
    return new QueryException(
        QueryException.Kind.BAD_DATA, "function " + name + "() is not supported yet");
  }

  static double[] times(Grid g) {
    double[] v = new double[g.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = g.time(i) / 1000.0;
    }
    return v;
  }

  /** The value of a one-element vector at each step, else NaN. */
  private static Value scalar(Evaluator ev, Expr arg, Grid g) {
    double[] out = new double[g.size()];
    int[] count = new int[g.size()];
    try (SeriesStream in = ev.vector(arg, g)) {
      for (StepSeries s = in.next(); s != null; s = in.next()) {
        for (int i = 0; i < out.length; i++) {
          if (s.has[i]) {
            count[i]++;
            out[i] = s.v[i];
          }
        }
      }
    }
    for (int i = 0; i < out.length; i++) {
      if (count[i] != 1) {
        out[i] = Double.NaN;
      }
    }
    return new Value.Scalar(out);
  }

  private static SeriesStream absent(Evaluator ev, Expr arg, Grid g) {
    boolean[] present = new boolean[g.size()];
    try (SeriesStream in = ev.vector(arg, g)) {
      for (StepSeries s = in.next(); s != null; s = in.next()) {
        for (int i = 0; i < present.length; i++) {
          present[i] |= s.has[i];
        }
      }
    }
    return absentSeries(ev, Evaluator.absentLabels(arg), present, g);
  }

  private static SeriesStream absentOverTime(Evaluator ev, Expr arg, Grid g) {
    boolean[] present = new boolean[g.size()];
    try (Windows w = new Windows(ev, arg, g, "absent_over_time")) {
      while (w.next()) {
        int lo = 0;
        for (int i = 0; i < w.ref.length; i++) {
          long start = w.ref[i] - w.range;
          while (lo < w.n && w.t[lo] < start) {
            lo++;
          }
          if (lo < w.n && w.t[lo] <= w.ref[i]) {
            present[i] = true;
          }
        }
      }
    }
    return absentSeries(ev, Evaluator.absentLabels(arg), present, g);
  }

  private static SeriesStream absentSeries(Evaluator ev, Labels labels, boolean[] present, Grid g) {
    StepSeries out = new StepSeries(labels, g.size());
    for (int i = 0; i < present.length; i++) {
      if (!present[i]) {
        out.set(i, 1);
      }
    }
    return out.isEmpty() ? Streams.EMPTY : Streams.single(out, ev.ctx);
  }

  /**
   * The time of each point's sample in seconds: for a selector (in parentheses or not) the sample
   * the lookback found, for anything else the step's time.
   */
  private static SeriesStream timestamp(Evaluator ev, Expr arg, Grid g) {
    Expr e = arg;
    while (e instanceof ParenExpr p) {
      e = p.expr();
    }
    SeriesStream in;
    if (e instanceof VectorSelector vs) {
      in = new SelectorStream(ev, vs, g, true);
    } else {
      in =
          Streams.map(
              ev.vector(arg, g),
              s -> {
                s.dropHistograms();
                for (int i = 0; i < s.v.length; i++) {
                  s.v[i] = g.time(i) / 1000.0;
                }
                return s;
              });
    }
    return Streams.distinct(
        Streams.map(
            in,
            s -> {
              s.labels = LabelSets.dropName(s.labels);
              return s;
            }));
  }

  /** Instant queries only: a range query's result is sorted by labels whatever the function. */
  private static SeriesStream sort(Evaluator ev, Expr arg, Grid g, boolean descending) {
    SeriesStream in = ev.vector(arg, g);
    if (!g.isInstant()) {
      return in;
    }
    List<StepSeries> all = new ArrayList<>(Streams.collect(in, ev.ctx));
    // NaN last either way, as Prometheus 2.42 answers.
    Comparator<StepSeries> byValue =
        (a, b) -> {
          double x = a.v[0];
          double y = b.v[0];
          if (Double.isNaN(x) || Double.isNaN(y)) {
            return Boolean.compare(Double.isNaN(x), Double.isNaN(y));
          }
          return descending ? Double.compare(y, x) : Double.compare(x, y);
        };
    all.sort(byValue);
    return Streams.of(all, ev.ctx);
  }

  private static SeriesStream clamp(Evaluator ev, String name, List<Expr> args, Grid g) {
    double[] lo = name.equals("clamp_max") ? null : ev.scalarValues(args.get(1), g);
    double[] hi =
        name.equals("clamp")
            ? ev.scalarValues(args.get(2), g)
            : name.equals("clamp_max") ? ev.scalarValues(args.get(1), g) : null;
    return Streams.distinct(
        Streams.map(
            ev.vector(args.get(0), g),
            s -> {
              s.dropHistograms();
              for (int i = 0; i < s.v.length; i++) {
                if (!s.has[i]) {
                  continue;
                }
                if (lo != null && hi != null && hi[i] < lo[i]) {
                  s.has[i] = false; // clamp with max < min gives nothing
                  continue;
                }
                double x = s.v[i];
                if (hi != null) {
                  x = Math.min(hi[i], x);
                }
                if (lo != null) {
                  x = Math.max(lo[i], x);
                }
                s.v[i] = x;
              }
              s.labels = LabelSets.dropName(s.labels);
              return s;
            }));
  }

  /** round(v, to_nearest=1): half up, to a multiple of to_nearest. */
  private static SeriesStream round(Evaluator ev, List<Expr> args, Grid g) {
    double[] to = args.size() > 1 ? ev.scalarValues(args.get(1), g) : null;
    return Streams.valuesWithoutName(
        ev.vector(args.get(0), g),
        (i, v) -> {
          double inverse = 1.0 / (to == null ? 1 : to[i]);
          return Math.floor(v * inverse + 0.5) / inverse;
        });
  }
}
