package io.rwgateway.ingest;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.model.RejectReason;
import io.rwgateway.tsdb.WriteBatch;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The remote-write endpoint's metrics: our own ({@code rwgateway_remote_write_*}) and, for the same
 * requests, Thanos Receive's ({@code http_requests_total{handler="receive"}}, {@code
 * http_request_duration_seconds}, {@code thanos_receive_write_timeseries} and {@code
 * thanos_receive_write_samples}). Data points with fixed labels are resolved once, and a tenant's
 * once per tenant ({@link Tenant}), so counting a request does no label lookups.
 */
public final class IngestMetrics {
  private final Counter requests;
  private final ConcurrentHashMap<String, CounterDataPoint> requestsByCode =
      new ConcurrentHashMap<>();
  private final CounterDataPoint[] received = new CounterDataPoint[4];
  private final CounterDataPoint[] written = new CounterDataPoint[4];
  private final CounterDataPoint[] rejected = new CounterDataPoint[RejectReason.values().length];
  private final CounterDataPoint compressedBytes;
  private final CounterDataPoint decompressedBytes;
  private final CounterDataPoint createdTimestampsIgnored;
  private final CounterDataPoint metadataDropped;
  private final DistributionDataPoint duration;
  private final HttpHandlerMetrics.Handler receiveHandler;
  private final Histogram writeTimeseries;
  private final Histogram writeSamples;
  private final ConcurrentHashMap<String, Tenant> tenants = new ConcurrentHashMap<>();

  /** Thanos' buckets of {@code thanos_receive_write_timeseries} and {@code _write_samples}. */
  private static final double[] WRITE_SIZES = {10, 50, 100, 500, 1000, 5000, 10000};

  /** With Thanos' HTTP metrics registered here, for this handler alone. */
  public IngestMetrics(PrometheusRegistry registry) {
    this(registry, new HttpHandlerMetrics(registry, HttpHandlerMetrics.RECEIVE_BUCKETS));
  }

  /**
   * @param http Thanos' HTTP metrics of the registry, shared with the role's other handlers
   */
  public IngestMetrics(PrometheusRegistry registry, HttpHandlerMetrics http) {
    // Thanos instruments POST /api/v1/receive as handler "receive"; /api/v1/write is the same.
    receiveHandler = http.handler("receive", "post");
    writeTimeseries =
        Histogram.builder()
            .name("thanos_receive_write_timeseries")
            .help(
                "Series per remote-write request that was decoded, by status code and tenant (Thanos' name).")
            .classicOnly()
            .classicUpperBounds(WRITE_SIZES)
            .labelNames("code", "tenant")
            .register(registry);
    writeSamples =
        Histogram.builder()
            .name("thanos_receive_write_samples")
            .help(
                "Samples and histograms per remote-write request that was decoded, by status code and tenant"
                    + " (Thanos' name).")
            .classicOnly()
            .classicUpperBounds(WRITE_SIZES)
            .labelNames("code", "tenant")
            .register(registry);
    requests =
        Counter.builder()
            .name("rwgateway_remote_write_requests_total")
            .help("Remote-write requests answered, by protocol version and HTTP status code.")
            .labelNames("version", "code")
            .register(registry);
    Counter receivedC =
        Counter.builder()
            .name("rwgateway_remote_write_received_total")
            .help(
                "Items decoded from remote-write requests, by type (sample, histogram, exemplar, metadata).")
            .labelNames("type")
            .register(registry);
    Counter writtenC =
        Counter.builder()
            .name("rwgateway_remote_write_written_total")
            .help("Items written to the WAL and head, by type.")
            .labelNames("type")
            .register(registry);
    String[] types = {"sample", "histogram", "exemplar", "metadata"};
    for (int i = 0; i < types.length; i++) {
      received[i] = receivedC.labelValues(types[i]);
      written[i] = writtenC.labelValues(types[i]);
    }
    Counter rejectedC =
        Counter.builder()
            .name("rwgateway_remote_write_rejected_total")
            .help("Samples, histograms and exemplars not written, by reason.")
            .labelNames("reason")
            .register(registry);
    for (RejectReason r : RejectReason.values()) {
      rejected[r.ordinal()] = rejectedC.labelValues(r.label());
    }
    Counter bytes =
        Counter.builder()
            .name("rwgateway_remote_write_request_bytes_total")
            .help(
                "Bytes of remote-write request bodies, as received (compressed) and decompressed.")
            .labelNames("stage")
            .register(registry);
    compressedBytes = bytes.labelValues("compressed");
    decompressedBytes = bytes.labelValues("decompressed");
    Counter ignored =
        Counter.builder()
            .name("rwgateway_remote_write_ignored_total")
            .help(
                "Items accepted without failing the request but not kept: RW 2.0 created_timestamp (no storage yet), "
                    + "metadata with an empty name or invalid UTF-8.")
            .labelNames("field")
            .register(registry);
    createdTimestampsIgnored = ignored.labelValues("created_timestamp");
    metadataDropped = ignored.labelValues("invalid_metadata");
    duration =
        Histogram.builder()
            .name("rwgateway_remote_write_request_duration_seconds")
            .help(
                "Time from a complete request body to the answer, including the WAL append and sync.")
            .register(registry);
  }

  /**
   * The data points of one tenant. Looked up by the tenant's name: callers keep the last one per
   * connection ({@link RemoteWriteHandler}), so a sender's requests do not look it up again.
   */
  public Tenant tenant(String tenant) {
    Tenant t = tenants.get(tenant);
    return t != null ? t : tenants.computeIfAbsent(tenant, Tenant::new);
  }

  /**
   * Counts an answered request: under our names always, under Thanos' when {@code tenant} is not
   * null (a POST to the remote-write path; Thanos' router answers other requests without counting).
   */
  public void answered(
      WriteProtocol protocol, int code, Tenant tenant, long requestBytes, long nanos) {
    answered(protocol, code);
    duration(nanos);
    if (tenant != null) {
      tenant.http.answered(code, requestBytes, nanos);
    }
  }

  /** Thanos' sizes of a decoded request: its series and its samples (floats and histograms). */
  public void written(Tenant tenant, int code, int series, long samples) {
    DistributionDataPoint[] sizes = tenant.sizesByCode.get(code);
    sizes[0].observe(series);
    sizes[1].observe(samples);
  }

  /** One tenant's Thanos-named data points. */
  public final class Tenant {
    private final String name;
    private final HttpHandlerMetrics.Handler.Tenant http;
    private final ByStatusCode<DistributionDataPoint[]> sizesByCode =
        new ByStatusCode<>(
            c ->
                new DistributionDataPoint[] {
                  writeTimeseries.labelValues(c, name()), writeSamples.labelValues(c, name())
                });

    private Tenant(String name) {
      this.name = name;
      this.http = receiveHandler.tenant(name);
    }

    public String name() {
      return name;
    }

    /** A request of the tenant is being handled ({@code http_inflight_requests}). */
    public void started() {
      http.started();
    }

    /** A started request ends without an answer (its connection is closed on a failure). */
    public void abandoned() {
      http.abandoned();
    }
  }

  private void answered(WriteProtocol protocol, int code) {
    String key = (protocol == null ? "unknown" : protocol.name()) + code;
    CounterDataPoint p = requestsByCode.get(key);
    if (p == null) {
      p =
          requestsByCode.computeIfAbsent(
              key,
              k ->
                  requests.labelValues(
                      protocol == null ? "unknown" : protocol == WriteProtocol.V1 ? "1.0" : "2.0",
                      Integer.toString(code)));
    }
    p.inc();
  }

  public void bytes(long compressed, long decompressed) {
    compressedBytes.inc(compressed);
    decompressedBytes.inc(decompressed);
  }

  public void ignored(long createdTimestamps, long invalidMetadata) {
    if (createdTimestamps > 0) {
      createdTimestampsIgnored.inc(createdTimestamps);
    }
    if (invalidMetadata > 0) {
      metadataDropped.inc(invalidMetadata);
    }
  }

  private void duration(long nanos) {
    duration.observe(nanos / 1e9);
  }

  /**
   * Counts what a forwarded batch (a peer's RemoteWrite call) rejected. Only rejections: the router
   * that received the remote write counts what was received and written, and rejections are counted
   * by the node that made them.
   */
  public void rejected(WriteBatch b) {
    for (int i = 0; i < rejected.length; i++) {
      if (b.rejected[i] > 0) {
        rejected[i].inc(b.rejected[i]);
      }
    }
  }

  /** Counts what a finished batch received, wrote and rejected. */
  public void outcome(WriteBatch b) {
    received[0].inc(b.sampleCount);
    received[1].inc(b.histCount);
    received[2].inc(b.exCount);
    received[3].inc(b.metaCount);
    written[0].inc(b.samplesWritten);
    written[1].inc(b.histogramsWritten);
    written[2].inc(b.exemplarsWritten);
    written[3].inc(b.metadataWritten);
    rejected(b);
  }
}
