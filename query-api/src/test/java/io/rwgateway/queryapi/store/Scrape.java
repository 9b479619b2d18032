package io.rwgateway.queryapi.store;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/** One data point from a registry: the metric name without _total, then label name/value pairs. */
final class Scrape {
  private Scrape() {}

  static double counter(PrometheusRegistry r, String name, String... labels) {
    for (MetricSnapshot s : r.scrape()) {
      if (s instanceof CounterSnapshot c && s.getMetadata().getName().equals(name)) {
        for (CounterSnapshot.CounterDataPointSnapshot p : c.getDataPoints()) {
          if (matches(p.getLabels(), labels)) {
            return p.getValue();
          }
        }
      }
    }
    return 0;
  }

  static long histogramCount(PrometheusRegistry r, String name, String... labels) {
    for (MetricSnapshot s : r.scrape()) {
      if (s instanceof HistogramSnapshot h && s.getMetadata().getName().equals(name)) {
        for (HistogramSnapshot.HistogramDataPointSnapshot p : h.getDataPoints()) {
          if (matches(p.getLabels(), labels)) {
            return p.getCount();
          }
        }
      }
    }
    return 0;
  }

  private static boolean matches(Labels got, String... want) {
    for (int i = 0; i < want.length; i += 2) {
      if (!want[i + 1].equals(got.get(want[i]))) {
        return false;
      }
    }
    return true;
  }
}
