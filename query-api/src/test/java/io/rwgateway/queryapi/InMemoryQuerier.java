package io.rwgateway.queryapi;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.Querier;
import io.rwgateway.tsdb.SeriesData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * A small, honest {@link Querier} for tests: it really filters by matchers and time, and records
 * the bounds and selectors of the last call so tests can check what the API passed down.
 */
class InMemoryQuerier implements Querier {
  static final Comparator<Labels> BY_LABELS =
      (a, b) -> {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
          int c = a.name(i).compareTo(b.name(i));
          if (c != 0) {
            return c;
          }
          c = a.value(i).compareTo(b.value(i));
          if (c != 0) {
            return c;
          }
        }
        return Integer.compare(a.size(), b.size());
      };

  private final List<SeriesData> data = new ArrayList<>();
  long lastMint;
  long lastMaxt;
  List<Matcher[]> lastSelectors;
  int calls;

  InMemoryQuerier add(Labels labels, long[] t, double[] v) {
    return add(new SeriesData(labels, t, v, new long[0], new byte[0][]));
  }

  InMemoryQuerier add(SeriesData sd) {
    data.add(sd);
    data.sort((x, y) -> BY_LABELS.compare(x.labels(), y.labels()));
    return this;
  }

  @Override
  public List<String> labelNames(List<Matcher[]> selectors, long mint, long maxt) {
    TreeSet<String> names = new TreeSet<>();
    for (SeriesData sd : selected(selectors, mint, maxt)) {
      sd.labels().forEach((n, v) -> names.add(n));
    }
    return new ArrayList<>(names);
  }

  @Override
  public List<String> labelValues(String name, List<Matcher[]> selectors, long mint, long maxt) {
    TreeSet<String> values = new TreeSet<>();
    for (SeriesData sd : selected(selectors, mint, maxt)) {
      String v = sd.labels().get(name);
      if (!v.isEmpty()) {
        values.add(v);
      }
    }
    return new ArrayList<>(values);
  }

  @Override
  public List<Labels> series(List<Matcher[]> selectors, long mint, long maxt) {
    List<Labels> out = new ArrayList<>();
    for (SeriesData sd : selected(selectors, mint, maxt)) {
      out.add(sd.labels());
    }
    return out;
  }

  @Override
  public List<SeriesData> select(Matcher[] matchers, long mint, long maxt) {
    calls++;
    lastMint = mint;
    lastMaxt = maxt;
    lastSelectors = List.<Matcher[]>of(matchers);
    List<SeriesData> out = new ArrayList<>();
    for (SeriesData sd : data) {
      if (!matchesAll(matchers, sd.labels())) {
        continue;
      }
      SeriesData cut = cut(sd, mint, maxt);
      if (cut.sampleCount() + cut.histT().length > 0) {
        out.add(cut);
      }
    }
    return out;
  }

  private List<SeriesData> selected(List<Matcher[]> selectors, long mint, long maxt) {
    calls++;
    lastMint = mint;
    lastMaxt = maxt;
    lastSelectors = selectors;
    List<SeriesData> out = new ArrayList<>();
    for (SeriesData sd : data) {
      boolean match = selectors.isEmpty();
      for (Matcher[] sel : selectors) {
        match |= matchesAll(sel, sd.labels());
      }
      if (match && hasSampleIn(sd, mint, maxt)) {
        out.add(sd);
      }
    }
    return out;
  }

  private static boolean matchesAll(Matcher[] matchers, Labels labels) {
    for (Matcher m : matchers) {
      if (!m.matches(labels.get(m.name()))) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasSampleIn(SeriesData sd, long mint, long maxt) {
    for (long t : sd.sampleT()) {
      if (t >= mint && t <= maxt) {
        return true;
      }
    }
    for (long t : sd.histT()) {
      if (t >= mint && t <= maxt) {
        return true;
      }
    }
    return false;
  }

  private static SeriesData cut(SeriesData sd, long mint, long maxt) {
    int n = 0;
    for (long t : sd.sampleT()) {
      n += t >= mint && t <= maxt ? 1 : 0;
    }
    long[] ts = new long[n];
    double[] vs = new double[n];
    int j = 0;
    for (int i = 0; i < sd.sampleT().length; i++) {
      long t = sd.sampleT()[i];
      if (t >= mint && t <= maxt) {
        ts[j] = t;
        vs[j++] = sd.sampleV()[i];
      }
    }
    int h = 0;
    for (long t : sd.histT()) {
      h += t >= mint && t <= maxt ? 1 : 0;
    }
    long[] ht = new long[h];
    byte[][] hb = new byte[h][];
    j = 0;
    for (int i = 0; i < sd.histT().length; i++) {
      long t = sd.histT()[i];
      if (t >= mint && t <= maxt) {
        ht[j] = t;
        hb[j++] = sd.histograms()[i];
      }
    }
    return new SeriesData(sd.labels(), ts, vs, ht, hb);
  }
}
