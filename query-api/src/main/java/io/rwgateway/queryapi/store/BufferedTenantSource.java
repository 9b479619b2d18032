package io.rwgateway.queryapi.store;

import io.rwgateway.model.LabelOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One tenant's series when the request drops or overrides labels its stored series have: then
 * series can change places arbitrarily or become equal, so all of the tenant's selected series are
 * read first (on the first {@link #next}), sorted by final labels, and equal ones merged. Thanos'
 * TSDBStore buffers and re-sorts every Series answer this way.
 */
final class BufferedTenantSource implements SeriesSource {
  private final TenantReader reader;
  private List<OutSeries> sorted;
  private int pos;

  BufferedTenantSource(TenantReader reader) {
    this.reader = reader;
  }

  @Override
  public OutSeries next() {
    if (sorted == null) {
      sorted = readAll();
    }
    return pos < sorted.size() ? sorted.get(pos++) : null;
  }

  private List<OutSeries> readAll() {
    List<OutSeries> all = new ArrayList<>();
    while (reader.next()) {
      all.add(reader.current());
    }
    // Stable: equal label sets keep the tsdb's order before they are merged.
    all.sort((a, b) -> LabelOrder.compareLabels(a.labels, b.labels));
    List<OutSeries> out = new ArrayList<>(all.size());
    for (OutSeries s : all) {
      int last = out.size() - 1;
      if (last >= 0 && out.get(last).labels.equals(s.labels)) {
        out.set(last, out.get(last).mergedWith(s));
      } else {
        out.add(s);
      }
    }
    return out;
  }
}
