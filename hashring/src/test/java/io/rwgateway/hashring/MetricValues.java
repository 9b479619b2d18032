package io.rwgateway.hashring;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/** Reads one data point of a registry, for assertions. */
final class MetricValues {
  private MetricValues() {}

  /**
   * The value of metric {@code name} (counters without {@code _total}) whose labels include all of
   * {@code labelPairs}; null when there is no such data point.
   */
  static Double value(PrometheusRegistry registry, String name, String... labelPairs) {
    for (MetricSnapshot s : registry.scrape()) {
      if (!s.getMetadata().getName().equals(name)) {
        continue;
      }
      for (DataPointSnapshot p : s.getDataPoints()) {
        boolean match = true;
        for (int i = 0; i < labelPairs.length; i += 2) {
          match &= labelPairs[i + 1].equals(p.getLabels().get(labelPairs[i]));
        }
        if (!match) {
          continue;
        }
        if (p instanceof CounterSnapshot.CounterDataPointSnapshot c) {
          return c.getValue();
        }
        if (p instanceof GaugeSnapshot.GaugeDataPointSnapshot g) {
          return g.getValue();
        }
      }
    }
    return null;
  }
}
