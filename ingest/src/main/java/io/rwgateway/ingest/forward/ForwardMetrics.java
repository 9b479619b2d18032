package io.rwgateway.ingest.forward;

import io.grpc.Status;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Metrics of forwarding, both directions: what this receiver sent to each peer, and the RemoteWrite
 * calls it answered. One instance per registry, shared by the clients and the server.
 *
 * <p>The calls sent are also counted under Thanos Receive's names, {@code
 * thanos_receive_forward_requests_total{result}} and {@code thanos_receive_replications_total}, as
 * Thanos counts them: a written forward is a success; a conflict (gRPC ALREADY_EXISTS) is neither;
 * a forward not attempted because the peer is backing off is not counted (Thanos fails it before
 * the call). Every call we send is also a replication in Thanos' sense, since a receiver never
 * forwards what a peer forwarded to it: the two counters move together.
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
  private final CounterDataPoint thanosForwardSuccess;
  private final CounterDataPoint thanosForwardError;
  private final CounterDataPoint thanosReplicationSuccess;
  private final CounterDataPoint thanosReplicationError;
  private final Gauge replicationFactor;

  public ForwardMetrics(PrometheusRegistry registry) {
    Counter thanosForwards =
        Counter.builder()
            .name("thanos_receive_forward_requests_total")
            .help("RemoteWrite calls sent to peer receivers, by result (Thanos' name and meaning).")
            .labelNames("result")
            .register(registry);
    thanosForwardSuccess = thanosForwards.labelValues("success");
    thanosForwardError = thanosForwards.labelValues("error");
    Counter thanosReplications =
        Counter.builder()
            .name("thanos_receive_replications_total")
            .help(
                "Replica writes sent to peer receivers, by result (Thanos' name; equal to"
                    + " thanos_receive_forward_requests_total here).")
            .labelNames("result")
            .register(registry);
    thanosReplicationSuccess = thanosReplications.labelValues("success");
    thanosReplicationError = thanosReplications.labelValues("error");
    replicationFactor =
        Gauge.builder()
            .name("thanos_receive_replication_factor")
            .help(
                "Copies written of each series (--receive.replication-factor; 1 without a hashring).")
            .register(registry);
    replicationFactor.set(1);
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

  /** The configured replication factor (Thanos shows 1 when replication is off). */
  public void replicationFactor(int factor) {
    replicationFactor.set(Math.max(1, factor));
  }

  /** Counts a call sent to a peer under Thanos' names (see the class comment). */
  private void thanosForwarded(ForwardOutcome outcome) {
    switch (outcome) {
      case OK -> {
        thanosForwardSuccess.inc();
        thanosReplicationSuccess.inc();
      }
      case CONFLICT -> {}
      case RETRYABLE, BAD_DATA -> {
        thanosForwardError.inc();
        thanosReplicationError.inc();
      }
    }
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
    private final ForwardMetrics metrics;

    private Peer(ForwardMetrics m, String endpoint) {
      this.metrics = m;
      for (ForwardOutcome o : ForwardOutcome.values()) {
        byOutcome[o.ordinal()] = m.forwards.labelValues(endpoint, o.label());
      }
      seconds = m.forwardSeconds.labelValues(endpoint);
      skips = m.backoffSkips.labelValues(endpoint);
    }

    void forwarded(ForwardOutcome outcome, long nanos) {
      byOutcome[outcome.ordinal()].inc();
      seconds.observe(nanos / 1e9);
      metrics.thanosForwarded(outcome);
    }

    void skipped() {
      byOutcome[ForwardOutcome.RETRYABLE.ordinal()].inc();
      skips.inc();
    }
  }
}
