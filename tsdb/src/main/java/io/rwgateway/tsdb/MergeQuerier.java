package io.rwgateway.tsdb;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One {@link Querier} over several: a tenant's blocks, oldest first, then its head. Names, values
 * and series are the sorted union; {@link #select} joins the data of equal label sets into one
 * {@link SeriesData}, in time order, where a timestamp found in several queriers is kept once, from
 * the first querier in the list (floats and histograms each on their own).
 *
 * <p>NOTE: "first wins" because a timestamp can only repeat across queriers when a block and the
 * head overlap (a block cut while its samples are still in the head, or a resend), and then the
 * values are the same sample; a fixed rule keeps answers stable whichever way they differ.
 *
 * <p>All orders are UTF-8 byte order ({@link LabelOrder}), the order every querier sorts by, so the
 * result equals what one querier over all the data would return. Thread-safe when the queriers are;
 * queries them one after the other.
 */
public final class MergeQuerier implements Querier {
  private final List<Querier> queriers;

  public MergeQuerier(List<Querier> queriers) {
    this.queriers = List.copyOf(queriers);
  }

  /** The queriers, in precedence order. */
  public List<Querier> queriers() {
    return queriers;
  }

  @Override
  public List<String> labelNames(List<Matcher[]> selectors, long mint, long maxt) {
    TreeSet<String> names = new TreeSet<>(LabelOrder.UTF8);
    for (Querier q : queriers) {
      names.addAll(q.labelNames(selectors, mint, maxt));
    }
    return new ArrayList<>(names);
  }

  @Override
  public List<String> labelValues(String name, List<Matcher[]> selectors, long mint, long maxt) {
    TreeSet<String> values = new TreeSet<>(LabelOrder.UTF8);
    for (Querier q : queriers) {
      values.addAll(q.labelValues(name, selectors, mint, maxt));
    }
    return new ArrayList<>(values);
  }

  @Override
  public List<Labels> series(List<Matcher[]> selectors, long mint, long maxt) {
    TreeSet<Labels> series = new TreeSet<>(LabelOrder.LABELS);
    for (Querier q : queriers) {
      series.addAll(q.series(selectors, mint, maxt));
    }
    return new ArrayList<>(series);
  }

  @Override
  public List<SeriesData> select(Matcher[] matchers, long mint, long maxt) {
    // Parts of each label set, in querier order (the order precedence follows).
    TreeMap<Labels, List<SeriesData>> parts = new TreeMap<>(LabelOrder.LABELS);
    for (Querier q : queriers) {
      for (SeriesData d : q.select(matchers, mint, maxt)) {
        parts.computeIfAbsent(d.labels(), l -> new ArrayList<>(2)).add(d);
      }
    }
    List<SeriesData> out = new ArrayList<>(parts.size());
    for (Map.Entry<Labels, List<SeriesData>> e : parts.entrySet()) {
      List<SeriesData> p = e.getValue();
      SeriesData merged = p.get(0);
      for (int i = 1; i < p.size(); i++) {
        merged = SeriesMerge.merge(merged, p.get(i));
      }
      out.add(merged);
    }
    return out;
  }
}
