package io.rwgateway.perf.load;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * One sender: one connection, and every batch {@code q} with {@code q % concurrency == index}, sent
 * in turn. Like a Prometheus remote-write shard, a series always goes through the same sender, so
 * its samples arrive in order. Only patching the template (a few bytes per sample) and the HTTP
 * exchange happen in the loop; the clock is read around the exchange only.
 */
final class Sender implements Runnable {
  private final LoadConfig cfg;
  private final int index;
  private final AtomicReferenceArray<RequestTemplate> templates;
  private final RunStats stats;
  private final SeriesModel model;
  private final DeliveredSeries delivered;
  private final long startNanos;
  private final long endNanos;

  Sender(
      LoadConfig cfg,
      int index,
      AtomicReferenceArray<RequestTemplate> templates,
      RunStats stats,
      SeriesModel model,
      DeliveredSeries delivered,
      long startNanos,
      long endNanos) {
    this.cfg = cfg;
    this.index = index;
    this.templates = templates;
    this.stats = stats;
    this.model = model;
    this.delivered = delivered;
    this.startNanos = startNanos;
    this.endNanos = endNanos;
  }

  @Override
  public void run() {
    int batches = cfg.batches();
    int stride = Math.min(cfg.concurrency, batches);
    int owned = (batches - index + stride - 1) / stride;
    long[] lastTs = new long[owned];
    String[] tenantHeaders = new String[owned];
    for (int i = 0; i < owned; i++) {
      String tenant = cfg.tenantOf(index + i * stride);
      tenantHeaders[i] = tenant == null ? "" : cfg.tenantHeader + ": " + tenant + "\r\n";
    }
    // Senders pace themselves independently: each owns 1/stride of the target rate.
    double nanosPerSample = cfg.rate > 0 ? 1e9 * stride / cfg.rate : 0;
    long sent = 0;
    long round = 1;
    try (HttpConnection conn = new HttpConnection(cfg.url, fixedHeaders(cfg))) {
      while (true) {
        for (int i = 0; i < owned; i++) {
          if (nanosPerSample > 0) {
            long due = startNanos + (long) (sent * nanosPerSample);
            long wait = due - System.nanoTime();
            if (wait > 0) {
              LockSupport.parkNanos(Math.min(wait, endNanos - System.nanoTime()));
            }
          }
          if (System.nanoTime() >= endNanos) {
            return;
          }
          RequestTemplate t = templates.get(index + i * stride);
          long ts = Math.max(System.currentTimeMillis(), lastTs[i] + 1);
          if (ts - System.currentTimeMillis() > 1000) {
            // Tiny series sets could run ahead of the clock; receivers reject the far future.
            LockSupport.parkNanos((ts - System.currentTimeMillis()) * 1_000_000L);
          }
          long p0 = System.nanoTime();
          t.patch(ts, round);
          stats.patchNanos.add(System.nanoTime() - p0);
          lastTs[i] = ts + cfg.samplesPerSeries - 1;
          int code;
          long t0 = System.nanoTime();
          try {
            code = conn.post(t.body, tenantHeaders[i]);
          } catch (IOException e) {
            code = 0;
            stats.lastError = e.toString();
          }
          long dt = System.nanoTime() - t0;
          stats.record(code, dt, t.samples(), t.body.length);
          if (code / 100 == 2) {
            if (!t.delivered) {
              t.delivered = true;
              delivered.add(t, model);
            }
          } else if (code != 0) {
            stats.lastError = "HTTP " + code + ": " + conn.lastBody().trim();
          } else if (System.nanoTime() < endNanos) {
            LockSupport.parkNanos(100_000_000L); // receiver down: do not spin
          }
          sent += t.samples();
        }
        round++;
      }
    }
  }

  static String fixedHeaders(LoadConfig cfg) {
    return cfg.protocol == 1
        ? "Content-Type: application/x-protobuf\r\nContent-Encoding: snappy\r\n"
            + "X-Prometheus-Remote-Write-Version: 0.1.0\r\n"
        : "Content-Type: application/x-protobuf;proto=io.prometheus.write.v2.Request\r\nContent-Encoding: snappy\r\n"
            + "X-Prometheus-Remote-Write-Version: 2.0.0\r\n";
  }

  /** Series (slot and generation) that reached the receiver with a 2xx, per tenant and metric. */
  static final class DeliveredSeries {
    private final int metrics;
    private final int[] generation;
    final AtomicLongArray counts;

    DeliveredSeries(LoadConfig cfg) {
      this.metrics = cfg.metrics;
      this.generation = new int[cfg.series];
      Arrays.fill(generation, -1);
      this.counts = new AtomicLongArray(Math.max(1, cfg.tenants) * cfg.metrics);
    }

    // NOTE: a slot belongs to one batch and a batch to one sender, so each generation[] entry is
    // written by one thread only; the verifier reads them after joining the senders.
    void add(RequestTemplate t, SeriesModel model) {
      int tenant = t.tenant == null ? 0 : Integer.parseInt(t.tenant.substring("tenant-".length()));
      for (int j = 0; j < t.generations.length; j++) {
        int slot = t.firstSlot + j;
        if (t.generations[j] > generation[slot]) {
          generation[slot] = t.generations[j];
          counts.incrementAndGet(tenant * metrics + model.metricOf(slot));
        }
      }
    }
  }
}
