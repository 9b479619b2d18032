package io.rwgateway.hashring;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The watcher's metrics. A refused file shows as {@code last_reload_successful 0} plus a failure
 * counted under a fixed {@code reason} ({@link HashringConfigException.Reason}); the full reason is
 * in the log, since free text does not belong in a label.
 *
 * <p>The same events are also exported under Thanos Receive's names ({@code
 * thanos_receive_config_*}, {@code thanos_receive_hashrings_file_*}, {@code
 * thanos_receive_hashring_nodes} and {@code _tenants} by {@code name}), so that the Thanos mixin's
 * hashring alerts work: a refresh is each read of the file, an error each refused read, a change
 * each accepted new content (the first load included, as in Thanos).
 */
final class HashringMetrics {
  private final Gauge lastReloadSuccessful;
  private final Gauge lastSuccessTimestamp;
  private final Gauge nodes;
  private final Gauge version;
  private final Counter failures;
  private final Set<String> ringNames = new HashSet<>();
  private final Gauge thanosLastReloadSuccessful;
  private final Gauge thanosLastSuccessTimestamp;
  private final Counter thanosChanges;
  private final Counter thanosErrors;
  private final Counter thanosRefreshes;
  private final Gauge thanosNodes;
  private final Gauge thanosTenants;
  private final Set<String> thanosRingNames = new HashSet<>();

  HashringMetrics(PrometheusRegistry registry) {
    lastReloadSuccessful =
        Gauge.builder()
            .name("rwgateway_hashring_config_last_reload_successful")
            .help(
                "1 when the last check of the hashring file found a usable configuration, 0 when it was refused"
                    + " (the previous ring stays in use; the log says why)")
            .register(registry);
    lastSuccessTimestamp =
        Gauge.builder()
            .name("rwgateway_hashring_config_last_reload_success_timestamp_seconds")
            .help(
                "Unix time at which the hashring in use was loaded, or at which the file became usable again")
            .register(registry);
    nodes =
        Gauge.builder()
            .name("rwgateway_hashring_nodes")
            .help("Endpoints per hashring of the ring in use")
            .labelNames("hashring")
            .register(registry);
    version =
        Gauge.builder()
            .name("rwgateway_hashring_version")
            .help(
                "Version of the ring in use: 1 for the first load, plus one for each change of the file that was accepted")
            .register(registry);
    failures =
        Counter.builder()
            .name("rwgateway_hashring_config_reload_failures_total")
            .help(
                "Checks of the hashring file that refused it, by reason (read, parse, invalid, ring)")
            .labelNames("reason")
            .register(registry);
    for (HashringConfigException.Reason r : HashringConfigException.Reason.values()) {
      failures.initLabelValues(r.label()); // present at 0, so that rate() works from the start
    }
    thanosLastReloadSuccessful =
        Gauge.builder()
            .name("thanos_receive_config_last_reload_successful")
            .help("Whether the last read of the hashring file was usable (Thanos' name)")
            .register(registry);
    thanosLastSuccessTimestamp =
        Gauge.builder()
            .name("thanos_receive_config_last_reload_success_timestamp_seconds")
            .help("Unix time of the last usable read of the hashring file (Thanos' name)")
            .register(registry);
    thanosChanges =
        Counter.builder()
            .name("thanos_receive_hashrings_file_changes_total")
            .help("Changed contents of the hashring file that were taken (Thanos' name)")
            .register(registry);
    thanosErrors =
        Counter.builder()
            .name("thanos_receive_hashrings_file_errors_total")
            .help("Reads of the hashring file that were refused (Thanos' name)")
            .register(registry);
    thanosRefreshes =
        Counter.builder()
            .name("thanos_receive_hashrings_file_refreshes_total")
            .help("Reads of the hashring file (Thanos' name)")
            .register(registry);
    thanosNodes =
        Gauge.builder()
            .name("thanos_receive_hashring_nodes")
            .help("Endpoints per hashring of the file in use (Thanos' name)")
            .labelNames("name")
            .register(registry);
    thanosTenants =
        Gauge.builder()
            .name("thanos_receive_hashring_tenants")
            .help(
                "Tenants listed per hashring of the file in use; 0 for a catch-all (Thanos' name)")
            .labelNames("name")
            .register(registry);
  }

  /** The file (or inline content) was read, usable or not. */
  void refreshed() {
    thanosRefreshes.inc();
  }

  /** Thanos' per-hashring gauges for the configuration taken. */
  void configTaken(HashringConfig config) {
    thanosChanges.inc();
    Set<String> current = new HashSet<>();
    for (HashringConfig.Ring r : config.hashrings()) {
      thanosNodes.labelValues(r.name()).set(r.endpoints().size());
      thanosTenants.labelValues(r.name()).set(r.tenants().size());
      current.add(r.name());
    }
    for (String gone : thanosRingNames) {
      if (!current.contains(gone)) {
        thanosNodes.remove(gone);
        thanosTenants.remove(gone);
      }
    }
    thanosRingNames.clear();
    thanosRingNames.addAll(current);
  }

  void loaded(long ringVersion, List<SingleHashring> rings, double nowSeconds) {
    Set<String> current = new HashSet<>();
    for (SingleHashring r : rings) {
      nodes.labelValues(r.name()).set(r.nodes().size());
      current.add(r.name());
    }
    for (String gone : ringNames) {
      if (!current.contains(gone)) {
        nodes.remove(gone);
      }
    }
    ringNames.clear();
    ringNames.addAll(current);
    version.set(ringVersion);
    recovered(nowSeconds);
  }

  void recovered(double nowSeconds) {
    lastReloadSuccessful.set(1);
    lastSuccessTimestamp.set(nowSeconds);
    thanosLastReloadSuccessful.set(1);
    thanosLastSuccessTimestamp.set(nowSeconds);
  }

  void failed(HashringConfigException.Reason reason) {
    lastReloadSuccessful.set(0);
    failures.labelValues(reason.label()).inc();
    thanosLastReloadSuccessful.set(0);
    thanosErrors.inc();
  }
}
