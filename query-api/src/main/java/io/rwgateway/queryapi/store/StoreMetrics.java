package io.rwgateway.queryapi.store;

import io.grpc.Status;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Metrics of the StoreAPI and Info services. One instance per registry. */
final class StoreMetrics {
  private static final double[] SECONDS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120
  };

  /** The methods served, as metric label values. */
  enum Method {
    INFO("Info"),
    SERIES("Series"),
    LABEL_NAMES("LabelNames"),
    LABEL_VALUES("LabelValues");

    final String label;

    Method(String label) {
      this.label = label;
    }
  }

  private final CounterDataPoint[][] calls =
      new CounterDataPoint[Method.values().length][Status.Code.values().length];
  private final DistributionDataPoint[] seconds = new DistributionDataPoint[Method.values().length];
  private final CounterDataPoint seriesSent;
  private final CounterDataPoint chunksSent;
  private final CounterDataPoint framesSent;

  StoreMetrics(PrometheusRegistry registry) {
    Counter callsC =
        Counter.builder()
            .name("rwgateway_storeapi_requests_total")
            .help(
                "StoreAPI and Info calls answered, by method (Info, Series, LabelNames, LabelValues) "
                    + "and gRPC status code (CANCELLED: the client went away).")
            .labelNames("method", "code")
            .register(registry);
    Histogram secondsH =
        Histogram.builder()
            .name("rwgateway_storeapi_request_duration_seconds")
            .help(
                "Time of StoreAPI and Info calls by method, from the request to the last frame "
                    + "handed to gRPC or the error.")
            .classicOnly()
            .classicUpperBounds(SECONDS)
            .labelNames("method")
            .register(registry);
    for (Method m : Method.values()) {
      for (Status.Code c : Status.Code.values()) {
        calls[m.ordinal()][c.ordinal()] = callsC.labelValues(m.label, c.name());
      }
      seconds[m.ordinal()] = secondsH.labelValues(m.label);
    }
    seriesSent =
        Counter.builder()
            .name("rwgateway_storeapi_series_sent_total")
            .help(
                "Series sent in StoreAPI Series answers (a series split over frames counts once).")
            .register(registry)
            .labelValues();
    chunksSent =
        Counter.builder()
            .name("rwgateway_storeapi_chunks_sent_total")
            .help("Chunks sent in StoreAPI Series answers.")
            .register(registry)
            .labelValues();
    framesSent =
        Counter.builder()
            .name("rwgateway_storeapi_series_frames_sent_total")
            .help("SeriesResponse frames sent in StoreAPI Series answers.")
            .register(registry)
            .labelValues();
  }

  void done(Method method, Status.Code code, long startNanos) {
    calls[method.ordinal()][code.ordinal()].inc();
    seconds[method.ordinal()].observe((System.nanoTime() - startNanos) / 1e9);
  }

  /** Frames, series and chunks sent since the last call (counted per batch, not per frame). */
  void sent(long frames, long series, long chunks) {
    framesSent.inc(frames);
    seriesSent.inc(series);
    chunksSent.inc(chunks);
  }
}
