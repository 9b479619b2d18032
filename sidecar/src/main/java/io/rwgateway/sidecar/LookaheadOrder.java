package io.rwgateway.sidecar;

import io.rwgateway.model.LabelOrder;
import java.util.PriorityQueue;

/**
 * Puts Prometheus' series back in label order once the external labels are on them, while
 * streaming, for the usual case where no stored series has a label named like an external one.
 *
 * <p>Prometheus sends series sorted by their stored labels. Adding the same labels to every series
 * keeps two series' order when they differ at a label both have; it can only move a series {@code
 * a} behind a series that extends it ({@code a}'s labels are its first labels): {@code
 * {__name__="up"}} sorts before {@code {__name__="up", instance="x"}}, but with {@code replica="a"}
 * added, {@code {__name__="up", instance="x", replica="a"}} sorts first. An extension moves ahead
 * of {@code a} exactly when its first label past {@code a}'s sorts before the last external name
 * above {@code a}'s labels, and Prometheus sends the extensions of {@code a} ordered by that label:
 * the ones that move come first, the others after.
 *
 * <p>So the smallest waiting series {@code m} can go as soon as some later series {@code l} has
 * been read: if {@code l} does not extend {@code m}, no later series does, and every other keeps
 * its order with {@code m}; if it does, it did not move ahead (it is not smaller than {@code m}),
 * so no later extension does either. What waits is the last series read and the prefixes whose
 * moving extensions are still coming: never more than a series has labels, plus one.
 */
final class LookaheadOrder implements SeriesSource {
  private final SeriesSource in;
  private final PriorityQueue<Pending> waiting =
      new PriorityQueue<>((x, y) -> LabelOrder.compareLabels(x.series.labels(), y.series.labels()));
  private long lastRead;
  private boolean exhausted;

  LookaheadOrder(SeriesSource in) {
    this.in = in;
  }

  @Override
  public ReadSeries next() {
    while (true) {
      Pending min = waiting.peek();
      if (min != null && (exhausted || min.seq != lastRead)) {
        return waiting.poll().series;
      }
      if (exhausted) {
        return null;
      }
      ReadSeries s = in.next();
      if (s == null) {
        exhausted = true;
      } else {
        waiting.add(new Pending(++lastRead, s));
      }
    }
  }

  /** Series read and not yet returned (for tests). */
  int waiting() {
    return waiting.size();
  }

  private record Pending(long seq, ReadSeries series) {}
}
