package io.rwgateway.gateway;

import io.rwgateway.model.Labels;
import io.rwgateway.sidecar.PrometheusClient;
import io.rwgateway.sidecar.PrometheusException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the sidecar knows of its Prometheus, read again every {@code
 * --prometheus.get_config_interval}: whether it answers, its external labels and its oldest sample.
 * The sidecar serves only while it knows non-empty external labels (Thanos refuses too:
 * deduplication and the bucket's block labels need them). Each change of state is logged once, not
 * at every poll.
 */
final class PrometheusWatch {
  private static final Logger log = LoggerFactory.getLogger(PrometheusWatch.class);

  private final PrometheusClient client;
  private final SidecarMetrics metrics;
  private final LongSupplier wallMillis;

  private volatile Labels externalLabels;
  private volatile long lowestTimestamp = Long.MAX_VALUE;
  private volatile String notReady = "waiting for Prometheus";
  private String lastProblem;

  PrometheusWatch(PrometheusClient client, SidecarMetrics metrics, LongSupplier wallMillis) {
    this.client = client;
    this.metrics = metrics;
    this.wallMillis = wallMillis;
  }

  /**
   * Waits until Prometheus answers ready, asking every 2 s.
   *
   * @throws IllegalStateException after {@code timeout}, saying what was last wrong
   */
  void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long nextLog = 0;
    String last = "no answer yet";
    while (true) {
      try {
        if (client.ready()) {
          log.info("Prometheus is ready url={}", client.url());
          return;
        }
        last = "it answered /-/ready with not ready";
      } catch (PrometheusException e) {
        last = e.getMessage();
      }
      long now = System.nanoTime();
      if (now >= deadline) {
        throw new IllegalStateException(
            "Prometheus at "
                + client.url()
                + " was not ready within --prometheus.ready_timeout="
                + timeout.toSeconds()
                + "s: "
                + last);
      }
      if (now >= nextLog) {
        log.info("waiting for Prometheus to be ready url={} last=\"{}\"", client.url(), last);
        nextLog = now + 10_000_000_000L;
      }
      Thread.sleep(2_000);
    }
  }

  /** One poll: never throws; the outcome is in the state, the metrics and (on change) the log. */
  void refresh() {
    Map<String, String> labels;
    long lowest;
    try {
      labels = client.externalLabels();
      lowest = client.lowestTimestamp();
    } catch (RuntimeException e) {
      metrics.prometheusUp.set(0);
      problem(
          "cannot read Prometheus' configuration; serving what it answers, retrying every poll: "
              + e.getMessage(),
          "Prometheus is unreachable");
      return;
    }
    metrics.prometheusUp.set(1);
    metrics.lastHeartbeat.set(wallMillis.getAsLong() / 1000.0);
    lowestTimestamp = lowest;
    if (labels.isEmpty()) {
      externalLabels = null;
      problem(
          "Prometheus at "
              + client.url()
              + " has no external labels: the sidecar serves nothing until it has some. Give it"
              + " global.external_labels that name it uniquely (e.g. cluster and replica), as"
              + " Thanos requires",
          "Prometheus has no external labels");
      return;
    }
    Labels l = Labels.fromMap(labels);
    if (!l.equals(externalLabels)) {
      log.info("Prometheus' external labels labels={}", l);
    }
    externalLabels = l;
    if (lastProblem != null) {
      log.info("Prometheus is back: serving again url={}", client.url());
      lastProblem = null;
    }
    notReady = null;
  }

  private void problem(String message, String reason) {
    if (!Objects.equals(lastProblem, message)) {
      log.error("{} url={}", message, client.url());
      lastProblem = message;
    }
    if (externalLabels == null) {
      notReady = reason;
    }
  }

  /** Null when the sidecar can serve, else why not. */
  String notReady() {
    return notReady;
  }

  /** The external labels last read; null while none are known. */
  Labels externalLabels() {
    return externalLabels;
  }

  /** Prometheus' oldest sample (ms), or {@link Long#MAX_VALUE} before the first answer. */
  long lowestTimestamp() {
    return lowestTimestamp;
  }
}
