package io.rwgateway.promql.engine;

import io.rwgateway.model.Labels;
import io.rwgateway.promql.parser.AggregateExpr;
import io.rwgateway.promql.parser.AggregateOp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Aggregations, folding the input stream into its groups series by series: a group holds a few
 * numbers per step (sum, mean, count), so {@code sum by (job) (rate(x[5m]))} over a million series
 * holds one series at a time plus one column per job. quantile, topk and bottomk hold what they
 * must (a group's values, the current top k).
 */
final class Aggregations {
  private Aggregations() {}

  static SeriesStream eval(Evaluator ev, AggregateExpr a, Grid g) {
    AggregateOp op = a.op();
    double[] param = null;
    String valueLabel = null;
    List<String> grouping = new ArrayList<>(a.grouping());
    if (op == AggregateOp.COUNT_VALUES) {
      valueLabel = LabelFunctions.string(a.param());
      if (!valueLabel.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
        throw QueryException.execution("invalid label name \"" + valueLabel + "\"");
      }
      if (!a.without()) {
        grouping.add(valueLabel);
      }
    } else if (a.param() != null) {
      param = ev.scalarValues(a.param(), g);
    }
    if (op == AggregateOp.TOPK || op == AggregateOp.BOTTOMK) {
      return TopK.eval(ev, a, param, g);
    }
    int steps = g.size();
    Map<Labels, Group> groups = new LinkedHashMap<>();
    Map<Labels, Labels> keys = new HashMap<>();
    try (SeriesStream in = ev.vector(a.expr(), g)) {
      for (StepSeries s = in.next(); s != null; s = in.next()) {
        ev.ctx.check();
        if (op == AggregateOp.COUNT_VALUES) {
          for (int i = 0; i < steps; i++) {
            if (s.has[i]) {
              Labels l = LabelSets.with(s.labels, valueLabel, GoFloat.formatF(s.v[i]));
              Labels key = groupLabels(l, grouping, a.without());
              groups.computeIfAbsent(key, k -> new Group(k, steps, ev.ctx)).add(op, i, 1);
            }
          }
          continue;
        }
        Labels key = keys.computeIfAbsent(s.labels, l -> groupLabels(l, grouping, a.without()));
        Group group = groups.computeIfAbsent(key, k -> new Group(k, steps, ev.ctx));
        if (op == AggregateOp.QUANTILE) {
          group.members.add(s);
          ev.ctx.hold(s.count());
          continue;
        }
        for (int i = 0; i < steps; i++) {
          if (s.has[i]) {
            HistogramValue hv = s.histogram(i);
            if (op == AggregateOp.SUM && (hv != null || group.sums != null)) {
              group.sum(i, s.v[i], hv);
            } else {
              group.add(op, i, s.v[i]);
            }
          }
        }
      }
    }
    List<StepSeries> out = new ArrayList<>(groups.size());
    for (Group group : groups.values()) {
      StepSeries r = group.result(op, param);
      if (r.isEmpty()) {
        continue; // floats and histograms met at every step of a sum: no series at all
      }
      out.add(r);
    }
    return Streams.of(out, ev.ctx);
  }

  static Labels groupLabels(Labels l, List<String> grouping, boolean without) {
    return without ? LabelSets.without(l, grouping, true) : LabelSets.keep(l, grouping);
  }

  /** One group's running state, a column per step. */
  private static final class Group {
    final Labels labels;
    final double[] value;
    final double[] mean;
    final double[] count;
    final List<StepSeries> members = new ArrayList<>();
    private final QueryContext ctx;

    /**
     * sum over native histograms, created at a group's first histogram: the running histogram of
     * each step, and whether floats and histograms met there (2.42 then gives nothing).
     */
    HistogramValue[] sums;

    boolean[] sawFloat;
    boolean[] sawHistogram;

    Group(Labels labels, int steps, QueryContext ctx) {
      this.labels = labels;
      this.value = new double[steps];
      this.mean = new double[steps];
      this.count = new double[steps];
      this.ctx = ctx;
      ctx.hold(steps);
    }

    /**
     * sum once histograms are involved, as 2.42: the first point of a step starts the sum (a copy
     * of its histogram); histograms are added to the one of the lower schema; floats add up apart.
     */
    void sum(int i, double x, HistogramValue hv) {
      if (sums == null) {
        sums = new HistogramValue[count.length];
        sawFloat = new boolean[count.length];
        sawHistogram = new boolean[count.length];
        for (int k = 0; k < count.length; k++) {
          sawFloat[k] = count[k] > 0; // floats summed before the first histogram
        }
      }
      double n = ++count[i];
      if (hv == null) {
        sawFloat[i] = true;
        value[i] = n == 1 ? x : value[i] + x;
        return;
      }
      sawHistogram[i] = true;
      if (n == 1) {
        value[i] = x;
        sums[i] = hv.copy();
        return;
      }
      HistogramValue acc = sums[i];
      if (acc == null) {
        return; // floats came first, or the layouts did not fit: the step gives nothing anyway
      }
      try {
        if (hv.schema >= acc.schema) {
          acc.add(hv);
        } else {
          sums[i] = hv.copy().add(acc);
        }
      } catch (HistogramValue.Incompatible e) {
        // Custom bucket bounds that differ, or custom and exponential ones: no sum (Prometheus 3).
        sums[i] = null;
        sawFloat[i] = true;
      }
    }

    void add(AggregateOp op, int i, double x) {
      double n = ++count[i];
      if (n == 1) {
        value[i] = op == AggregateOp.STDDEV || op == AggregateOp.STDVAR ? 0 : x;
        mean[i] = x;
        return;
      }
      switch (op) {
        case SUM -> value[i] += x;
        case AVG -> {
          double m = mean[i];
          if (Double.isInfinite(m)) {
            if (Double.isInfinite(x) && (m > 0) == (x > 0)) {
              return;
            }
            if (!Double.isInfinite(x) && !Double.isNaN(x)) {
              return;
            }
          }
          mean[i] = m + (x / n - m / n); // 2.42's grouping, to the last bit
        }
        case MAX -> {
          if (value[i] < x || Double.isNaN(value[i])) {
            value[i] = x;
          }
        }
        case MIN -> {
          if (value[i] > x || Double.isNaN(value[i])) {
            value[i] = x;
          }
        }
        case STDDEV, STDVAR -> {
          double delta = x - mean[i];
          mean[i] += delta / n;
          value[i] += delta * (x - mean[i]);
        }
        default -> {
          // count, count_values, group: the count is all they need
        }
      }
    }

    StepSeries result(AggregateOp op, double[] param) {
      int steps = count.length;
      StepSeries s = new StepSeries(labels, steps);
      if (op == AggregateOp.QUANTILE) {
        for (int i = 0; i < steps; i++) {
          List<Double> vals = new ArrayList<>();
          for (StepSeries m : members) {
            if (m.has[i]) {
              vals.add(m.v[i]);
            }
          }
          if (!vals.isEmpty()) {
            double[] a = new double[vals.size()];
            for (int k = 0; k < a.length; k++) {
              a[k] = vals.get(k);
            }
            s.set(i, Quantiles.quantile(param[i], a));
          }
        }
        for (StepSeries m : members) {
          ctx.release(m.count());
        }
        members.clear();
        ctx.release(steps);
        ctx.hold(s.count());
        return s;
      }
      for (int i = 0; i < steps; i++) {
        double n = count[i];
        if (n == 0) {
          continue;
        }
        if (sums != null) {
          if (sawFloat[i] && sawHistogram[i]) {
            continue; // 2.42 cannot add floats and histograms: no point
          }
          if (sums[i] != null) {
            s.setHistogram(i, sums[i]);
            continue;
          }
        }
        double r =
            switch (op) {
              case AVG -> mean[i];
              case COUNT, COUNT_VALUES -> n;
              case GROUP -> 1;
              case STDVAR -> value[i] / n;
              case STDDEV -> Math.sqrt(value[i] / n);
              default -> value[i];
            };
        s.set(i, r);
      }
      ctx.release(steps);
      ctx.hold(s.count());
      return s;
    }
  }
}
