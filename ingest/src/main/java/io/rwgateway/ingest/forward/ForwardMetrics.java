package io.rwgateway.ingest.forward;

import io.grpc.Status;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Metrics of forwarding, both directions: what this receiver sent to each peer, and the RemoteWrite
 * calls it answered. One instance per registry, shared by the clients and the server.
 */
public final class ForwardMetrics {
  private static final double[] SECONDS = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
  };

  private final Counter forwards;
  private final Histogram forwardSeconds;
  private final Counter backoffSkips;
  private final CounterDataPoint metadataNotKept;
  private final CounterDataPoint[] served = new CounterDataPoint[Status.Code.values().length];
  private final DistributionDataPoint serveSeconds;

  public ForwardMetrics(PrometheusRegistry registry) {
    forwards =
        Counter.builder()
            .name("rwgateway_forward_requests_total")
            .help(
                "RemoteWrite calls sent to peer receivers, by peer and outcome (ok, conflict, retryable, bad_data).")
            .labelNames("peer", "outcome")
            .register(registry);
    forwardSeconds =
        Histogram.builder()
            .name("rwgateway_forward_duration_seconds")
            .help(
                "Time of RemoteWrite calls to peer receivers, from encoding to the answer, by peer.")
            .classicOnly()
            .classicUpperBounds(SECONDS)
            .labelNames("peer")
            .register(registry);
    backoffSkips =
        Counter.builder()
            .name("rwgateway_forward_backoff_skips_total")
            .help(
                "Forwards not attempted because the peer was backing off after failures (answered retryable).")
            .labelNames("peer")
            .register(registry);
    metadataNotKept =
        Counter.builder()
            .name("rwgateway_route_metadata_not_kept_total")
            .help(
                "Metric metadata entries a router-only node received and did not keep (metadata is not "
                    + "forwarded: Thanos' forwarding message has no field for it)")
            .register(registry)
            .labelValues();
    Counter servedC =
        Counter.builder()
            .name("rwgateway_forward_served_total")
            .help("RemoteWrite calls answered by this receiver, by gRPC status code.")
            .labelNames("code")
            .register(registry);
    for (Status.Code c : Status.Code.values()) {
      served[c.ordinal()] = servedC.labelValues(c.name());
    }
    serveSeconds =
        Histogram.builder()
            .name("rwgateway_forward_serve_duration_seconds")
            .help(
                "Time from a complete RemoteWrite request to its answer, including the WAL append and sync.")
            .classicOnly()
            .classicUpperBounds(SECONDS)
            .register(registry);
  }

  /** The data points of one peer, resolved once so that a forward does no label lookups. */
  Peer peer(String endpoint) {
    return new Peer(this, endpoint);
  }

  /** A router that is not in the ring dropped {@code n} metadata entries. */
  public void metadataNotKept(int n) {
    metadataNotKept.inc(n);
  }

  void served(Status.Code code, long nanos) {
    served[code.ordinal()].inc();
    serveSeconds.observe(nanos / 1e9);
  }

  /** One peer's data points. */
  static final class Peer {
    private final CounterDataPoint[] byOutcome =
        new CounterDataPoint[ForwardOutcome.values().length];
    private final DistributionDataPoint seconds;
    private final CounterDataPoint skips;

    private Peer(ForwardMetrics m, String endpoint) {
      for (ForwardOutcome o : ForwardOutcome.values()) {
        byOutcome[o.ordinal()] = m.forwards.labelValues(endpoint, o.label());
      }
      seconds = m.forwardSeconds.labelValues(endpoint);
      skips = m.backoffSkips.labelValues(endpoint);
    }

    void forwarded(ForwardOutcome outcome, long nanos) {
      byOutcome[outcome.ordinal()].inc();
      seconds.observe(nanos / 1e9);
    }

    void skipped() {
      byOutcome[ForwardOutcome.RETRYABLE.ordinal()].inc();
      skips.inc();
    }
  }
}
