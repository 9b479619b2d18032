package io.rwgateway.gateway;

import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The Thanos sidecar's own metrics, under its names, so that the Thanos mixin's sidecar alerts
 * (kube-prometheus: {@code ThanosSidecarNoConnectionToStartedPrometheus}, {@code
 * ThanosSidecarUnhealthy}) read them unchanged.
 */
final class SidecarMetrics {
  /** 1 while the last request to Prometheus' configuration API succeeded. */
  final Gauge prometheusUp;

  /** Second of the last successful read of Prometheus' configuration (the heartbeat). */
  final Gauge lastHeartbeat;

  SidecarMetrics(PrometheusRegistry registry) {
    prometheusUp =
        Gauge.builder()
            .name("thanos_sidecar_prometheus_up")
            .help("Boolean indicator whether the sidecar can reach its Prometheus peer.")
            .register(registry);
    lastHeartbeat =
        Gauge.builder()
            .name("thanos_sidecar_last_heartbeat_success_time_seconds")
            .help("Timestamp of the last successful heartbeat in seconds.")
            .register(registry);
  }
}
