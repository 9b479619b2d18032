package io.rwgateway.queryapi.store;

import io.rwgateway.model.LabelOrder;
import java.util.PriorityQueue;

/**
 * One tenant's series in final label order when the stored series have none of the labels the
 * request drops or overrides: the final labels are then the stored ones plus the same added labels
 * for every series, and the tsdb's order holds except in one case, which this repairs while
 * streaming with one series of lookahead.
 *
 * <p>Adding labels keeps two series' order when they differ at a label both have. It can only swap
 * a series {@code a} with a series {@code f} that extends it ({@code a}'s labels are the first
 * labels of {@code f}): {@code {__name__="up"}} sorts before {@code {__name__="up", job="x"}}, but
 * with {@code tenant_id="t"} added, {@code {__name__="up", job="x", tenant_id="t"}} sorts first.
 * Such an {@code f} swaps with {@code a} exactly when its first label past {@code a}'s sorts before
 * the last added name above {@code a}'s labels; the tsdb orders the extensions of {@code a} by that
 * label, so the ones that swap come first and the ones that do not after them.
 *
 * <p>So the smallest waiting series {@code m} can go as soon as a later series {@code l} has been
 * read: a series that does not extend {@code m} keeps its order with it, and so does every series
 * after it; if {@code l} extends {@code m}, it did not swap (else it would be smaller than {@code
 * m}), so no later extension of {@code m} swaps either. Only the last series read and the prefixes
 * whose swapping extensions are still being read wait: a few series, never more than the labels a
 * series has plus one. (Each series' chunks are copied out of the store anyway, see {@link
 * OutSeries}.)
 */
final class OrderedTenantSource implements SeriesSource {
  private final TenantReader reader;
  private final PriorityQueue<Pending> pending =
      new PriorityQueue<>((x, y) -> LabelOrder.compareLabels(x.out.labels, y.out.labels));
  private long lastSeq;
  private boolean exhausted;

  OrderedTenantSource(TenantReader reader) {
    this.reader = reader;
  }

  @Override
  public OutSeries next() {
    while (true) {
      Pending min = pending.peek();
      if (min != null && (exhausted || min.seq != lastSeq)) {
        return pending.poll().out;
      }
      if (exhausted) {
        return null;
      }
      if (reader.next()) {
        lastSeq++;
        pending.add(new Pending(lastSeq, reader.current()));
      } else {
        exhausted = true;
      }
    }
  }

  /** Series read and not yet returned (for tests). */
  int waiting() {
    return pending.size();
  }

  private static final class Pending {
    final long seq;
    final OutSeries out;

    Pending(long seq, OutSeries out) {
      this.seq = seq;
      this.out = out;
    }
  }
}
