package io.rwgateway.promql.engine;

import io.rwgateway.model.Labels;
import io.rwgateway.promql.parser.BinaryOp;
import io.rwgateway.promql.parser.VectorMatching;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * and, or, unless: per step, by matching labels ({@code on}/{@code ignoring}; by default all but
 * the metric name). and/unless hold only which signatures the right side has at which steps; or
 * holds the left side, then lets through the right side's points where the left side has none of
 * their signature.
 */
final class SetOperations {
  private SetOperations() {}

  static SeriesStream eval(
      Evaluator ev, BinaryOp op, SeriesStream left, SeriesStream right, VectorMatching m) {
    if (op == BinaryOp.OR) {
      List<StepSeries> lhs = Streams.collect(left, ev.ctx);
      Map<Labels, BitSet> present = signatures(lhs, m);
      SeriesStream first = Streams.of(lhs, ev.ctx);
      SeriesStream rest =
          Streams.map(
              right,
              s -> {
                BitSet steps =
                    present.get(LabelSets.matching(s.labels, m.on(), m.matchingLabels()));
                if (steps != null) {
                  for (int i = 0; i < s.has.length; i++) {
                    if (steps.get(i)) {
                      s.has[i] = false;
                    }
                  }
                }
                return s;
              });
      return concat(first, rest);
    }
    Map<Labels, BitSet> present;
    try (right) {
      present = new HashMap<>();
      for (StepSeries s = right.next(); s != null; s = right.next()) {
        mark(present, s, m);
      }
    }
    boolean and = op == BinaryOp.AND;
    return Streams.map(
        left,
        s -> {
          BitSet steps = present.get(LabelSets.matching(s.labels, m.on(), m.matchingLabels()));
          for (int i = 0; i < s.has.length; i++) {
            boolean there = steps != null && steps.get(i);
            if (s.has[i] && there != and) {
              s.has[i] = false;
            }
          }
          return s;
        });
  }

  private static Map<Labels, BitSet> signatures(List<StepSeries> list, VectorMatching m) {
    Map<Labels, BitSet> present = new HashMap<>();
    for (StepSeries s : list) {
      mark(present, s, m);
    }
    return present;
  }

  private static void mark(Map<Labels, BitSet> present, StepSeries s, VectorMatching m) {
    BitSet steps =
        present.computeIfAbsent(
            LabelSets.matching(s.labels, m.on(), m.matchingLabels()), k -> new BitSet());
    for (int i = 0; i < s.has.length; i++) {
      if (s.has[i]) {
        steps.set(i);
      }
    }
  }

  private static SeriesStream concat(SeriesStream a, SeriesStream b) {
    return new SeriesStream() {
      private boolean firstDone;

      @Override
      public StepSeries next() {
        if (!firstDone) {
          StepSeries s = a.next();
          if (s != null) {
            return s;
          }
          firstDone = true;
        }
        return b.next();
      }

      @Override
      public void close() {
        try {
          a.close();
        } finally {
          b.close();
        }
      }
    };
  }
}
