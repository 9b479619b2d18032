package io.rwgateway.uploader;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The shipper's metrics, registered once per {@link Uploader}. Each {@link Shipper} caches its
 * tenant's data points ({@link #tenant}); labels with a {@code reason} are looked up when they
 * happen, which is rare.
 */
public final class ShipperMetrics {
  private final Counter uploads;
  private final Counter failures;
  private final Counter uploadedBytes;
  private final Gauge lastSuccess;
  private final Gauge pending;
  private final Counter stateErrors;
  private final Counter skipped;

  public ShipperMetrics(PrometheusRegistry registry) {
    uploads =
        Counter.builder()
            .name("rwgateway_shipper_uploads_total")
            .help("Blocks uploaded to the bucket (meta.json included)")
            .labelNames("tenant")
            .register(registry);
    failures =
        Counter.builder()
            .name("rwgateway_shipper_upload_failures_total")
            .help(
                "Failed shipping attempts, by reason (bucket errors are retried with backoff; a broken local block"
                    + " stays pending until it is fixed; sidecar: staging = the staging directory cannot be made or"
                    + " written, no_external_labels = Prometheus' external labels are not known yet)")
            .labelNames("tenant", "reason")
            .register(registry);
    uploadedBytes =
        Counter.builder()
            .name("rwgateway_shipper_uploaded_bytes_total")
            .help("Bytes of block files uploaded to the bucket")
            .labelNames("tenant")
            .register(registry);
    lastSuccess =
        Gauge.builder()
            .name("rwgateway_shipper_last_success_timestamp_seconds")
            .help(
                "Unix time of the tenant's last sync that left no block pending (alert when it gets old)")
            .labelNames("tenant")
            .register(registry);
    pending =
        Gauge.builder()
            .name("rwgateway_shipper_blocks_pending")
            .help("Local blocks of the tenant not yet in the bucket")
            .labelNames("tenant")
            .register(registry);
    stateErrors =
        Counter.builder()
            .name("rwgateway_shipper_state_file_errors_total")
            .help(
                "Problems with thanos.shipper.json (permission_denied, unreadable, corrupt, unwritable);"
                    + " shipping goes on, the list of shipped blocks is rebuilt from the bucket or kept in memory")
            .labelNames("tenant", "reason")
            .register(registry);
    skipped =
        Counter.builder()
            .name("rwgateway_shipper_blocks_skipped_total")
            .help(
                "Local blocks the sidecar decided not to ship, counted once each, by reason (compacted_overlap:"
                    + " a compacted block whose data is already in the bucket)")
            .labelNames("tenant", "reason")
            .register(registry);
  }

  /** One tenant's data points. */
  Tenant tenant(String tenant) {
    return new Tenant(tenant);
  }

  /** One tenant's cached data points. */
  final class Tenant {
    private final String tenant;
    final CounterDataPoint uploads;
    final CounterDataPoint uploadedBytes;
    final GaugeDataPoint lastSuccess;
    final GaugeDataPoint pending;

    private Tenant(String tenant) {
      this.tenant = tenant;
      uploads = ShipperMetrics.this.uploads.labelValues(tenant);
      uploadedBytes = ShipperMetrics.this.uploadedBytes.labelValues(tenant);
      lastSuccess = ShipperMetrics.this.lastSuccess.labelValues(tenant);
      pending = ShipperMetrics.this.pending.labelValues(tenant);
    }

    void failure(String reason) {
      failures.labelValues(tenant, reason).inc();
    }

    void stateError(String reason) {
      stateErrors.labelValues(tenant, reason).inc();
    }

    void skipped(String reason) {
      skipped.labelValues(tenant, reason).inc();
    }
  }
}
