package io.rwgateway.queryapi.store;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The k-way merge of the tenants' sources into one stream strictly ascending by final labels.
 * Series with equal final labels (from different tenants once the request drops the tenant label,
 * say) become one series with the chunks of all.
 */
final class MergedSource implements SeriesSource {
  private final PriorityQueue<Head> heads =
      new PriorityQueue<>((x, y) -> LabelOrder.compareLabels(x.series.labels, y.series.labels));
  private Labels previous;

  private final SeriesSource single; // the one source, when there is one: nothing to merge

  MergedSource(List<SeriesSource> sources) {
    single = sources.size() == 1 ? sources.get(0) : null;
    if (single == null) {
      for (SeriesSource s : sources) {
        advance(new Head(s));
      }
    }
  }

  @Override
  public OutSeries next() {
    if (single != null) {
      return checked(single.next());
    }
    Head h = heads.poll();
    if (h == null) {
      return null;
    }
    OutSeries out = h.series;
    advance(h);
    while (!heads.isEmpty() && heads.peek().series.labels.equals(out.labels)) {
      Head same = heads.poll();
      out = out.mergedWith(same.series);
      advance(same);
    }
    return checked(out);
  }

  private OutSeries checked(OutSeries out) {
    if (out == null) {
      return null;
    }
    if (previous != null && LabelOrder.compareLabels(previous, out.labels) >= 0) {
      // A broken promise of the sources; an unsorted stream would make Thanos Query merge and
      // deduplicate wrongly, so fail the call instead.
      throw new IllegalStateException("series out of order: " + out.labels + " after " + previous);
    }
    previous = out.labels;
    return out;
  }

  private void advance(Head h) {
    OutSeries s = h.source.next();
    if (s != null) {
      h.series = s;
      heads.add(h);
    }
  }

  private static final class Head {
    final SeriesSource source;
    OutSeries series;

    Head(SeriesSource source) {
      this.source = source;
    }
  }
}
