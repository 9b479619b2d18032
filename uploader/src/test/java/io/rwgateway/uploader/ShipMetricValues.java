package io.rwgateway.uploader;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/** Reads one data point of a registry, for assertions. */
final class ShipMetricValues {
  private ShipMetricValues() {}

  /**
   * The value of metric {@code name} (without {@code _total}) whose labels include all of {@code
   * labelPairs} (name, value, ...); 0 when the metric has no such data point yet. A name no
   * registered metric has fails the test, so a misspelt name cannot pass as "0".
   */
  static double value(PrometheusRegistry registry, String name, String... labelPairs) {
    boolean registered = false;
    for (MetricSnapshot s : registry.scrape()) {
      if (!s.getMetadata().getName().equals(name)) {
        continue;
      }
      registered = true;
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
    if (!registered) {
      throw new AssertionError("no metric named " + name + " is registered");
    }
    return 0;
  }
}
