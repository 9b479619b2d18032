package io.rwgateway.sidecar;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.proto.prompb.Chunk;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Label order when stored series carry a label named like an external label: the external value
 * replaces theirs, so such a series can move anywhere, or become equal to another series. Then the
 * whole answer is read, sorted and joined (as Thanos' sidecar always does); this holds every
 * series' chunks at once, which is why it is kept for this case.
 *
 * <p>Two series that become equal are served as one, their chunks in order of their first sample.
 * Their chunks may overlap in time (the same metric was kept with two values of what is now the
 * external label); readers that decode samples see both.
 */
final class SortedOrder implements SeriesSource {
  private static final Logger log = LoggerFactory.getLogger(SortedOrder.class);

  private final SeriesSource in;
  private final String url;
  private Iterator<ReadSeries> sorted;

  SortedOrder(SeriesSource in, String url) {
    this.in = in;
    this.url = url;
  }

  @Override
  public ReadSeries next() {
    if (sorted == null) {
      sorted = readAll().iterator();
    }
    return sorted.hasNext() ? sorted.next() : null;
  }

  private List<ReadSeries> readAll() {
    List<ReadSeries> all = new ArrayList<>();
    for (ReadSeries s = in.next(); s != null; s = in.next()) {
      all.add(s);
    }
    all.sort((a, b) -> LabelOrder.compareLabels(a.labels(), b.labels()));
    List<ReadSeries> out = new ArrayList<>(all.size());
    for (ReadSeries s : all) {
      ReadSeries last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && last.labels().equals(s.labels())) {
        List<Chunk> chunks = new ArrayList<>(last.chunks());
        chunks.addAll(s.chunks());
        chunks.sort(Comparator.comparingLong(Chunk::getMinTimeMs));
        out.set(out.size() - 1, new ReadSeries(s.labels(), chunks));
        log.warn(
            "two Prometheus series are equal once the external labels are set; serving them as one"
                + " url={} labels={}",
            url,
            s.labels());
      } else {
        out.add(s);
      }
    }
    log.debug("remote read answer sorted in memory url={} series={}", url, out.size());
    return out;
  }
}
