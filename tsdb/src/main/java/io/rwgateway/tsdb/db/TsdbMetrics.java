package io.rwgateway.tsdb.db;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.tsdb.head.Head;
import java.util.Map;

/**
 * The TSDB's metrics, registered once per {@link Tsdb}. Per-tenant data points are looked up once
 * when a tenant opens and cached in {@link Tenant}, so appends do no label lookups.
 *
 * <p>Four of them mean what a Prometheus TSDB metric means and are also exported under its name,
 * with the {@code tenant} label Thanos Receive adds to its tenants' TSDB metrics: {@code
 * prometheus_tsdb_head_series}, {@code prometheus_tsdb_head_samples_appended_total{type="float"|
 * "histogram"}} (Prometheus 2.42's types; exemplars are not samples there), {@code
 * prometheus_tsdb_blocks_loaded} and {@code prometheus_tsdb_compactions_failed_total} (a failed cut
 * of the head into a block is a failed head compaction in Prometheus).
 */
final class TsdbMetrics {
  private final Gauge headSeries;
  private final Gauge headChunksDiskBytes;
  private final Gauge headChunksWriteFailing;
  private final Counter appended;
  private final Histogram walAppendSeconds;
  private final Gauge replaySeconds;
  private final Counter corruptRecords;
  private final Gauge blocks;
  private final Counter blocksWritten;
  private final Counter blocksDeleted;
  private final Gauge blockWriteSeconds;
  private final Counter compactionFailures;
  private final Counter walCyclesDeleted;
  private final Gauge promHeadSeries;
  private final Counter promAppended;
  private final Gauge promBlocks;
  private final Counter promCompactionsFailed;

  /**
   * {@code rwgateway_head_memory_bytes{tenant, part}}, computed when scraped from each tenant's
   * {@link TenantDb#headMemory} (it walks the label index, so not on the write path).
   */
  static void registerHeadMemory(PrometheusRegistry registry, Map<String, TenantDb> tenants) {
    GaugeWithCallback.builder()
        .name("rwgateway_head_memory_bytes")
        .help(
            "Heap the tenant's head holds, by part (series: series objects and lookup tables;"
                + " labels; postings; open_chunks; chunk_pool: free open-chunk pieces kept for"
                + " reuse; extras: native histograms' open chunks, out-of-order samples and"
                + " exemplars of the series that have them); an estimate from the structures' sizes")
        .labelNames("tenant", "part")
        .callback(
            cb -> {
              for (Map.Entry<String, TenantDb> e : tenants.entrySet()) {
                Head.Memory m = e.getValue().headMemory();
                String t = e.getKey();
                cb.call(m.series(), t, "series");
                cb.call(m.labels(), t, "labels");
                cb.call(m.postings(), t, "postings");
                cb.call(m.openChunks(), t, "open_chunks");
                cb.call(m.chunkPool(), t, "chunk_pool");
                cb.call(m.extras(), t, "extras");
              }
            })
        .register(registry);
  }

  TsdbMetrics(PrometheusRegistry registry) {
    headSeries =
        Gauge.builder()
            .name("rwgateway_head_series")
            .help("Series in the tenant's head")
            .labelNames("tenant")
            .register(registry);
    headChunksDiskBytes =
        Gauge.builder()
            .name("rwgateway_tsdb_head_chunks_disk_bytes")
            .help("Bytes of the head's finished chunks in the tenant's chunks_head files")
            .labelNames("tenant")
            .register(registry);
    headChunksWriteFailing =
        Gauge.builder()
            .name("rwgateway_tsdb_head_chunks_write_failing")
            .help(
                "1 while writing finished head chunks to chunks_head fails (they stay in memory and are "
                    + "retried with every batch; queries of them fail meanwhile), else 0")
            .labelNames("tenant")
            .register(registry);
    appended =
        Counter.builder()
            .name("rwgateway_head_samples_appended_total")
            .help(
                "Samples, histograms and exemplars appended to the head (idempotent resends included)")
            .labelNames("tenant", "type")
            .register(registry);
    walAppendSeconds =
        Histogram.builder()
            .name("rwgateway_wal_append_duration_seconds")
            .help("Time to append one record to a tenant's WAL (not including sync)")
            .classicOnly()
            .classicUpperBounds(
                0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                0.025, 0.05, 0.1, 0.25, 0.5, 1)
            .register(registry);
    replaySeconds =
        Gauge.builder()
            .name("rwgateway_wal_replay_duration_seconds")
            .help("Time the last WAL replay of the tenant took")
            .labelNames("tenant")
            .register(registry);
    corruptRecords =
        Counter.builder()
            .name("rwgateway_wal_corrupt_records_total")
            .help("WAL records skipped as corrupt during replay")
            .labelNames("tenant")
            .register(registry);
    blocks =
        Gauge.builder()
            .name("rwgateway_tsdb_blocks_loaded")
            .help("Local blocks of the tenant that queries read")
            .labelNames("tenant")
            .register(registry);
    blocksWritten =
        Counter.builder()
            .name("rwgateway_tsdb_blocks_written_total")
            .help("Blocks cut from the tenant's head")
            .labelNames("tenant")
            .register(registry);
    blocksDeleted =
        Counter.builder()
            .name("rwgateway_tsdb_blocks_deleted_total")
            .help("Local blocks deleted by retention")
            .labelNames("tenant")
            .register(registry);
    blockWriteSeconds =
        Gauge.builder()
            .name("rwgateway_tsdb_last_block_write_duration_seconds")
            .help("Time the tenant's last block took to write")
            .labelNames("tenant")
            .register(registry);
    compactionFailures =
        Counter.builder()
            .name("rwgateway_tsdb_compaction_failures_total")
            .help(
                "Failed attempts to cut a block or truncate head and WAL (retried on the next check)")
            .labelNames("tenant")
            .register(registry);
    walCyclesDeleted =
        Counter.builder()
            .name("rwgateway_wal_cycles_deleted_total")
            .help("WAL cycle files deleted after a checkpoint")
            .labelNames("tenant")
            .register(registry);
    promHeadSeries =
        promGauge(registry, "prometheus_tsdb_head_series", "Series in the tenant's head");
    promAppended =
        Counter.builder()
            .name("prometheus_tsdb_head_samples_appended_total")
            .help("Samples appended to the tenant's head, by type (float, histogram)")
            .labelNames("tenant", "type")
            .register(registry);
    promBlocks =
        promGauge(registry, "prometheus_tsdb_blocks_loaded", "Local blocks of the tenant loaded");
    promCompactionsFailed =
        Counter.builder()
            .name("prometheus_tsdb_compactions_failed_total")
            .help("Failed cuts of the tenant's head into a block (head compactions)")
            .labelNames("tenant")
            .register(registry);
  }

  private static Gauge promGauge(PrometheusRegistry registry, String name, String help) {
    return Gauge.builder().name(name).help(help).labelNames("tenant").register(registry);
  }

  Tenant tenant(String tenant) {
    return new Tenant(tenant);
  }

  /** One tenant's cached data points. */
  final class Tenant {
    final Gauges series;
    final GaugeDataPoint headChunksDiskBytes;
    final GaugeDataPoint headChunksWriteFailing;
    final Counters floats;
    final Counters histograms;
    final CounterDataPoint exemplars;
    final GaugeDataPoint replaySeconds;
    final CounterDataPoint corruptRecords;
    final Gauges blocks;
    final CounterDataPoint blocksWritten;
    final CounterDataPoint blocksDeleted;
    final GaugeDataPoint blockWriteSeconds;
    final Counters compactionFailures;
    final CounterDataPoint walCyclesDeleted;

    private Tenant(String tenant) {
      series = new Gauges(headSeries.labelValues(tenant), promHeadSeries.labelValues(tenant));
      headChunksDiskBytes = TsdbMetrics.this.headChunksDiskBytes.labelValues(tenant);
      headChunksWriteFailing = TsdbMetrics.this.headChunksWriteFailing.labelValues(tenant);
      floats =
          new Counters(
              appended.labelValues(tenant, "float"), promAppended.labelValues(tenant, "float"));
      histograms =
          new Counters(
              appended.labelValues(tenant, "histogram"),
              promAppended.labelValues(tenant, "histogram"));
      exemplars = appended.labelValues(tenant, "exemplar");
      replaySeconds = TsdbMetrics.this.replaySeconds.labelValues(tenant);
      corruptRecords = TsdbMetrics.this.corruptRecords.labelValues(tenant);
      blocks =
          new Gauges(TsdbMetrics.this.blocks.labelValues(tenant), promBlocks.labelValues(tenant));
      blocksWritten = TsdbMetrics.this.blocksWritten.labelValues(tenant);
      blocksDeleted = TsdbMetrics.this.blocksDeleted.labelValues(tenant);
      blockWriteSeconds = TsdbMetrics.this.blockWriteSeconds.labelValues(tenant);
      compactionFailures =
          new Counters(
              TsdbMetrics.this.compactionFailures.labelValues(tenant),
              promCompactionsFailed.labelValues(tenant));
      walCyclesDeleted = TsdbMetrics.this.walCyclesDeleted.labelValues(tenant);
    }

    void walAppend(long nanos) {
      walAppendSeconds.observe(nanos / 1e9);
    }
  }

  /** One value exported under our name and Prometheus'. */
  record Gauges(GaugeDataPoint own, GaugeDataPoint prometheus) {
    void set(double v) {
      own.set(v);
      prometheus.set(v);
    }
  }

  /** One count exported under our name and Prometheus'. */
  record Counters(CounterDataPoint own, CounterDataPoint prometheus) {
    void inc() {
      own.inc();
      prometheus.inc();
    }

    void inc(long n) {
      own.inc(n);
      prometheus.inc(n);
    }
  }
}
