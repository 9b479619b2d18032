package io.rwgateway.promql.engine;

import io.rwgateway.model.Labels;
import io.rwgateway.promql.parser.BinaryExpr;
import io.rwgateway.promql.parser.BinaryOp;
import io.rwgateway.promql.parser.VectorMatching;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary operators. Between two vectors the "one" side of the match is held (indexed by its
 * matching labels), the other side streams past it; matching is per step, with Prometheus' errors
 * where a step's match is ambiguous.
 */
final class BinaryOperations {
  private BinaryOperations() {}

  static Value eval(Evaluator ev, BinaryExpr b, Grid g) {
    Value l = ev.eval(b.lhs(), g);
    Value r = ev.eval(b.rhs(), g);
    BinaryOp op = b.op();
    if (l instanceof Value.Scalar ls && r instanceof Value.Scalar rs) {
      double[] out = new double[g.size()];
      for (int i = 0; i < out.length; i++) {
        double x = ls.v()[i];
        double y = rs.v()[i];
        out[i] = op.isComparison() ? (compare(op, x, y) ? 1 : 0) : arithmetic(op, x, y);
      }
      return new Value.Scalar(out);
    }
    if (l instanceof Value.Vector lv && r instanceof Value.Scalar rs) {
      return new Value.Vector(vectorScalar(lv.stream(), rs.v(), false, op, b.returnBool()));
    }
    if (l instanceof Value.Scalar ls && r instanceof Value.Vector rv) {
      return new Value.Vector(vectorScalar(rv.stream(), ls.v(), true, op, b.returnBool()));
    }
    SeriesStream left = ((Value.Vector) l).stream();
    SeriesStream right = ((Value.Vector) r).stream();
    VectorMatching m = b.vectorMatching();
    if (op.isSetOperator()) {
      return new Value.Vector(SetOperations.eval(ev, op, left, right, m));
    }
    return new Value.Vector(vectorVector(ev, op, left, right, m, b.returnBool()));
  }

  /** NOTE: not atan2, which keeps the metric name in Prometheus 2.42 (a quirk it still has). */
  static boolean dropsName(BinaryOp op) {
    return switch (op) {
      case ADD, SUB, MUL, DIV, MOD, POW -> true;
      default -> false;
    };
  }

  /**
   * NOTE: a histogram point keeps its histogram whatever the operator does to its value (2.42
   * changes only the float of the sample): {@code h * 2} and {@code h > bool 1} answer h.
   */
  private static SeriesStream vectorScalar(
      SeriesStream in, double[] scalar, boolean scalarLeft, BinaryOp op, boolean returnBool) {
    boolean dropName = dropsName(op) || returnBool;
    SeriesStream out =
        Streams.map(
            in,
            s -> {
              for (int i = 0; i < s.v.length; i++) {
                if (!s.has[i]) {
                  continue;
                }
                double x = scalarLeft ? scalar[i] : s.v[i];
                double y = scalarLeft ? s.v[i] : scalar[i];
                if (op.isComparison()) {
                  boolean keep = compare(op, x, y);
                  if (returnBool) {
                    s.v[i] = keep ? 1 : 0;
                  } else if (!keep) {
                    s.has[i] = false;
                  }
                  // else the vector's own value stays, on whichever side it was
                } else {
                  s.v[i] = arithmetic(op, x, y);
                }
              }
              if (dropName) {
                s.labels = LabelSets.dropName(s.labels);
              }
              return s;
            });
    // Without the name, two series may now share their labels at a step: Prometheus' error.
    return dropName ? Streams.distinct(out) : out;
  }

  /** Arithmetic and comparisons between two vectors. */
  private static SeriesStream vectorVector(
      Evaluator ev,
      BinaryOp op,
      SeriesStream left,
      SeriesStream right,
      VectorMatching m,
      boolean returnBool) {
    boolean oneOnLeft = m.card() == VectorMatching.Cardinality.ONE_TO_MANY;
    SeriesStream many = oneOnLeft ? right : left;
    List<StepSeries> one = Streams.collect(oneOnLeft ? left : right, ev.ctx);
    try {
      Map<Labels, List<StepSeries>> index = new HashMap<>();
      for (StepSeries s : one) {
        index
            .computeIfAbsent(
                LabelSets.matching(s.labels, m.on(), m.matchingLabels()), k -> new ArrayList<>())
            .add(s);
      }
      checkOneSide(index, m, oneOnLeft);
      List<StepSeries> out = new ArrayList<>();
      Map<Labels, BitSet> matched = new HashMap<>();
      Map<Labels, Map<Labels, BitSet>> inserted = new HashMap<>();
      boolean dropName = dropsName(op);
      try (many) {
        for (StepSeries s = many.next(); s != null; s = many.next()) {
          ev.ctx.check();
          Labels sig = LabelSets.matching(s.labels, m.on(), m.matchingLabels());
          List<StepSeries> candidates = index.get(sig);
          if (candidates == null) {
            continue;
          }
          Map<Labels, StepSeries> results = new HashMap<>();
          for (int i = 0; i < s.has.length; i++) {
            if (!s.has[i]) {
              continue;
            }
            StepSeries o = null;
            for (StepSeries c : candidates) {
              if (c.has[i]) {
                o = c;
                break;
              }
            }
            if (o == null) {
              continue;
            }
            double x = oneOnLeft ? o.v[i] : s.v[i];
            double y = oneOnLeft ? s.v[i] : o.v[i];
            HistogramValue hx = oneOnLeft ? o.histogram(i) : s.histogram(i);
            HistogramValue hy = oneOnLeft ? s.histogram(i) : o.histogram(i);
            double value;
            if (op.isComparison()) {
              boolean keep = compare(op, x, y);
              if (!returnBool && !keep) {
                continue;
              }
              value = returnBool ? (keep ? 1 : 0) : x;
            } else {
              value = arithmetic(op, x, y);
            }
            Labels labels = resultLabels(s.labels, o.labels, dropName, m);
            if (returnBool) {
              labels = LabelSets.dropName(labels);
            }
            if (m.card() == VectorMatching.Cardinality.ONE_TO_ONE) {
              BitSet steps = matched.computeIfAbsent(sig, k -> new BitSet());
              if (steps.get(i)) {
                throw QueryException.execution(
                    "multiple matches for labels: many-to-one matching must be explicit"
                        + " (group_left/group_right)");
              }
              steps.set(i);
            } else {
              BitSet steps =
                  inserted
                      .computeIfAbsent(sig, k -> new HashMap<>())
                      .computeIfAbsent(labels, k -> new BitSet());
              if (steps.get(i)) {
                throw QueryException.execution(
                    "multiple matches for labels: grouping labels must ensure unique matches");
              }
              steps.set(i);
            }
            if ((hx == null) != (hy == null)) {
              continue; // a float and a histogram: 2.42 matches them, then gives nothing
            }
            StepSeries r = results.get(labels);
            if (r == null) {
              r = new StepSeries(labels, s.has.length);
              results.put(labels, r);
            }
            if (hx != null && op == BinaryOp.ADD) {
              // Added into a copy of the one with the lower schema, as 2.42.
              HistogramValue sum;
              try {
                sum = hy.schema >= hx.schema ? hx.copy().add(hy) : hy.copy().add(hx);
              } catch (HistogramValue.Incompatible e) {
                continue; // custom bucket bounds that do not fit: nothing (Prometheus 3)
              }
              r.setHistogram(i, sum);
            } else {
              r.set(i, value);
            }
          }
          for (StepSeries r : results.values()) {
            ev.ctx.hold(r.count());
            out.add(r);
          }
        }
      }
      return Streams.of(out, ev.ctx);
    } finally {
      for (StepSeries s : one) {
        ev.ctx.release(s.count());
      }
    }
  }

  /** At any step, one series per matching-label set on the "one" side. */
  private static void checkOneSide(
      Map<Labels, List<StepSeries>> index, VectorMatching m, boolean oneOnLeft) {
    for (Map.Entry<Labels, List<StepSeries>> e : index.entrySet()) {
      List<StepSeries> list = e.getValue();
      if (list.size() < 2) {
        continue;
      }
      int steps = list.get(0).has.length;
      for (int i = 0; i < steps; i++) {
        StepSeries first = null;
        for (StepSeries s : list) {
          if (!s.has[i]) {
            continue;
          }
          if (first != null) {
            throw QueryException.execution(
                "found duplicate series for the match group "
                    + e.getKey()
                    + " on the "
                    + (oneOnLeft ? "left" : "right")
                    + " hand-side of the operation: ["
                    + s.labels
                    + ", "
                    + first.labels
                    + "];many-to-many matching not allowed: matching labels must be unique on one"
                    + " side");
          }
          first = s;
        }
      }
    }
  }

  /**
   * The many side's labels, without the name for arithmetic; for one-to-one matching reduced to the
   * {@code on} labels or without the {@code ignoring} ones; {@code group_x} labels copied from the
   * one side (removed where it lacks them).
   */
  private static Labels resultLabels(Labels many, Labels one, boolean dropName, VectorMatching m) {
    Labels l = dropName ? LabelSets.dropName(many) : many;
    if (m.card() == VectorMatching.Cardinality.ONE_TO_ONE) {
      l =
          m.on()
              ? LabelSets.keep(l, m.matchingLabels())
              : LabelSets.without(l, m.matchingLabels(), false);
    }
    for (String name : m.include()) {
      l = LabelSets.with(l, name, one.get(name));
    }
    return l;
  }

  static boolean compare(BinaryOp op, double x, double y) {
    return switch (op) {
      case EQL -> x == y;
      case NEQ -> x != y;
      case GTR -> x > y;
      case LSS -> x < y;
      case GTE -> x >= y;
      case LTE -> x <= y;
      default -> throw new IllegalArgumentException(op.symbol);
    };
  }

  /** Go's float arithmetic; Go's math.Pow and math.Mod special cases where Java's differ. */
  static double arithmetic(BinaryOp op, double x, double y) {
    return switch (op) {
      case ADD -> x + y;
      case SUB -> x - y;
      case MUL -> x * y;
      case DIV -> x / y;
      case MOD -> x % y;
      case POW -> pow(x, y);
      case ATAN2 -> Math.atan2(x, y);
      default -> throw new IllegalArgumentException(op.symbol);
    };
  }

  static double pow(double x, double y) {
    if (y == 0) {
      return 1;
    }
    if (x == 1) {
      return 1; // Go: 1 to any power, NaN included
    }
    if (x == -1 && Double.isInfinite(y)) {
      return 1; // Go: (-1)^±Inf = 1
    }
    return Math.pow(x, y);
  }
}
