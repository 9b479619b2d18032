package io.rwgateway.promql.engine;

import io.rwgateway.model.Labels;
import io.rwgateway.promql.parser.AggregateExpr;
import io.rwgateway.promql.parser.AggregateOp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * topk and bottomk: per group and step, the k largest (smallest) values, kept with their series'
 * own labels. A NaN ranks below every number for both. A later value replaces the weakest kept one
 * only when strictly better, so ties keep the series that came first (label order, as in
 * Prometheus). For an instant query the result is ordered by value, best first.
 */
final class TopK {
  private TopK() {}

  private record Entry(int series, double v) {}

  static SeriesStream eval(Evaluator ev, AggregateExpr a, double[] param, Grid g) {
    boolean top = a.op() == AggregateOp.TOPK;
    int steps = g.size();
    long[] k = new long[steps];
    for (int i = 0; i < steps; i++) {
      double f = param[i];
      if (Double.isNaN(f) || f >= 9.223372036854775807E18 || f < -9.223372036854775808E18) {
        throw QueryException.execution("Scalar value " + GoFloat.formatF(f) + " overflows int64");
      }
      k[i] = (long) f;
    }
    // "Weaker" first: the head of each queue is the one a better value replaces.
    Comparator<Entry> weakerFirst =
        (x, y) -> {
          boolean nx = Double.isNaN(x.v);
          boolean ny = Double.isNaN(y.v);
          if (nx || ny) {
            return Boolean.compare(!nx, !ny);
          }
          return top ? Double.compare(x.v, y.v) : Double.compare(y.v, x.v);
        };
    List<Labels> seriesLabels = new ArrayList<>();
    Map<Labels, List<PriorityQueue<Entry>>> groups = new LinkedHashMap<>();
    Map<Labels, Labels> keys = new HashMap<>();
    try (SeriesStream in = ev.vector(a.expr(), g)) {
      for (StepSeries s = in.next(); s != null; s = in.next()) {
        ev.ctx.check();
        int id = seriesLabels.size();
        seriesLabels.add(s.labels);
        Labels key =
            keys.computeIfAbsent(
                s.labels, l -> Aggregations.groupLabels(l, a.grouping(), a.without()));
        List<PriorityQueue<Entry>> queues =
            groups.computeIfAbsent(
                key,
                x -> {
                  List<PriorityQueue<Entry>> q = new ArrayList<>(steps);
                  for (int i = 0; i < steps; i++) {
                    q.add(null);
                  }
                  return q;
                });
        for (int i = 0; i < steps; i++) {
          if (!s.has[i] || k[i] < 1) {
            continue;
          }
          PriorityQueue<Entry> q = queues.get(i);
          if (q == null) {
            q = new PriorityQueue<>(weakerFirst);
            queues.set(i, q);
          }
          Entry e = new Entry(id, s.v[i]);
          if (q.size() < k[i]) {
            q.add(e);
            ev.ctx.hold(1);
          } else if (weakerFirst.compare(q.peek(), e) < 0
              && !(Double.isNaN(q.peek().v) && Double.isNaN(e.v))) {
            q.poll();
            q.add(e);
          }
        }
      }
    }
    Map<Integer, StepSeries> out = new LinkedHashMap<>();
    List<StepSeries> ordered = new ArrayList<>();
    for (List<PriorityQueue<Entry>> queues : groups.values()) {
      for (int i = 0; i < steps; i++) {
        PriorityQueue<Entry> q = queues.get(i);
        if (q == null) {
          continue;
        }
        List<Entry> best = new ArrayList<>(q);
        best.sort(weakerFirst.reversed());
        ev.ctx.release(best.size());
        for (Entry e : best) {
          StepSeries s =
              out.computeIfAbsent(
                  e.series,
                  id -> {
                    StepSeries n = new StepSeries(seriesLabels.get(id), steps);
                    ordered.add(n);
                    return n;
                  });
          s.set(i, e.v);
        }
      }
    }
    for (StepSeries s : ordered) {
      ev.ctx.hold(s.count());
    }
    return Streams.of(ordered, ev.ctx);
  }
}
