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
 *
 * <p>The counts the Thanos mixin uses are also exported under Thanos' shipper names, with the
 * {@code tenant} label Thanos Receive gives them: {@code thanos_shipper_uploads_total}, {@code
 * thanos_shipper_upload_failures_total} (every failure counted by reason here), {@code
 * thanos_shipper_dir_syncs_total} and {@code thanos_shipper_dir_sync_failures_total} (a sync that
 * ended in an error).
 */
public final class ShipperMetrics {
  private final Counter uploads;
  private final Counter failures;
  private final Counter uploadedBytes;
  private final Gauge lastSuccess;
  private final Gauge pending;
  private final Counter stateErrors;
  private final Counter skipped;
  private final Counter thanosUploads;
  private final Counter thanosFailures;
  private final Counter thanosSyncs;
  private final Counter thanosSyncFailures;

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
    thanosUploads =
        thanos(registry, "thanos_shipper_uploads_total", "Blocks uploaded (Thanos' name)");
    thanosFailures =
        thanos(
            registry,
            "thanos_shipper_upload_failures_total",
            "Failed shipping attempts, all reasons (Thanos' name)");
    thanosSyncs =
        thanos(
            registry,
            "thanos_shipper_dir_syncs_total",
            "Syncs of the block directory with the bucket that ended without error (Thanos' name)");
    thanosSyncFailures =
        thanos(
            registry,
            "thanos_shipper_dir_sync_failures_total",
            "Syncs of the block directory with the bucket that ended in an error (Thanos' name)");
  }

  private static Counter thanos(PrometheusRegistry registry, String name, String help) {
    return Counter.builder().name(name).help(help).labelNames("tenant").register(registry);
  }

  /** One tenant's data points. */
  Tenant tenant(String tenant) {
    return new Tenant(tenant);
  }

  /** One tenant's cached data points. */
  final class Tenant {
    private final String tenant;
    final CounterDataPoint uploadedBytes;
    final GaugeDataPoint lastSuccess;
    final GaugeDataPoint pending;
    private final CounterDataPoint ownUploads;
    private final CounterDataPoint thanosUploads;
    private final CounterDataPoint thanosFailures;
    final CounterDataPoint syncs;
    final CounterDataPoint syncFailures;

    private Tenant(String tenant) {
      this.tenant = tenant;
      ownUploads = ShipperMetrics.this.uploads.labelValues(tenant);
      thanosUploads = ShipperMetrics.this.thanosUploads.labelValues(tenant);
      thanosFailures = ShipperMetrics.this.thanosFailures.labelValues(tenant);
      syncs = ShipperMetrics.this.thanosSyncs.labelValues(tenant);
      syncFailures = ShipperMetrics.this.thanosSyncFailures.labelValues(tenant);
      uploadedBytes = ShipperMetrics.this.uploadedBytes.labelValues(tenant);
      lastSuccess = ShipperMetrics.this.lastSuccess.labelValues(tenant);
      pending = ShipperMetrics.this.pending.labelValues(tenant);
    }

    void uploaded() {
      ownUploads.inc();
      thanosUploads.inc();
    }

    void failure(String reason) {
      failures.labelValues(tenant, reason).inc();
      thanosFailures.inc();
    }

    void stateError(String reason) {
      stateErrors.labelValues(tenant, reason).inc();
    }

    void skipped(String reason) {
      skipped.labelValues(tenant, reason).inc();
    }
  }
}
