package io.rwgateway.perf.load;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The load generator's flags, parsed once; every field is final and validated. */
public final class LoadConfig {
  static final String USAGE =
      String.join(
          "\n",
          "Usage: java -cp perf/target/benchmarks.jar io.rwgateway.perf.LoadGen [flags]",
          "  --url URL                 remote-write endpoint (default http://127.0.0.1:19291/api/v1/receive)",
          "  --protocol 1|2            remote-write 1.0 (prompb.WriteRequest) or 2.0 (io.prometheus.write.v2.Request); default 1",
          "  --metrics N               metric names avalanche_metric_0..N-1 (default 100)",
          "  --series N                total active series (default 100000)",
          "  --labels N                label_key_* labels per series besides __name__, series_id, cycle_id (default 10)",
          "  --label-cardinality N     distinct values of each label_key_* (default 10)",
          "  --churn-interval SECONDS  every so often replace --churn-percent of the series (default 0: no churn)",
          "  --churn-percent P         share of series replaced at each churn tick (default 10)",
          "  --samples-per-series N    samples of each series in one request (default 1)",
          "  --batch N                 series per request, like max_samples_per_send (default 2000)",
          "  --concurrency N           concurrent senders, one keep-alive connection each (default 8)",
          "  --rate N                  target samples/s over all senders (default 0: as fast as possible)",
          "  --duration SECONDS        length of the timed run (default 60)",
          "  --tenants N               THANOS-TENANT tenant-0..tenant-(N-1), by batch round robin (default 0: no header)",
          "  --tenant-header NAME      header naming the tenant (default THANOS-TENANT)",
          "  --verify URL              after the run, count series per metric via URL/api/v1/series (e.g. http://127.0.0.1:10902)",
          "  --verify-timeout SECONDS  keep re-reading until the counts match or this passes (default 30)",
          "  --receiver-pid PID        report that local process' CPU seconds (/proc utime+stime) over the timed run and its peak RSS",
          "  --quiet                   no progress line",
          "  --rounds N                ignored (the first draft pre-built N rounds; templates are patched now)");

  final URI url;
  final int protocol;
  final int metrics;
  final int series;
  final int labels;
  final int labelCardinality;
  final int churnIntervalSeconds;
  final double churnPercent;
  final int samplesPerSeries;
  final int batch;
  final int concurrency;
  final double rate;
  final int durationSeconds;
  final int tenants;
  final String tenantHeader;
  final URI verify;
  final int verifyTimeoutSeconds;
  final boolean quiet;
  final int receiverPid;

  private LoadConfig(Map<String, String> a) {
    url = URI.create(a.getOrDefault("url", "http://127.0.0.1:19291/api/v1/receive"));
    protocol = intFlag(a, "protocol", 1, 1, 2);
    metrics = intFlag(a, "metrics", 100, 1, Integer.MAX_VALUE);
    series = intFlag(a, "series", 100_000, 1, Integer.MAX_VALUE);
    labels = intFlag(a, "labels", 10, 0, 1000);
    labelCardinality = intFlag(a, "label-cardinality", 10, 1, Integer.MAX_VALUE);
    churnIntervalSeconds = intFlag(a, "churn-interval", 0, 0, Integer.MAX_VALUE);
    churnPercent = Double.parseDouble(a.getOrDefault("churn-percent", "10"));
    samplesPerSeries = intFlag(a, "samples-per-series", 1, 1, 10_000);
    batch = intFlag(a, "batch", 2000, 1, Integer.MAX_VALUE);
    concurrency = intFlag(a, "concurrency", 8, 1, 10_000);
    rate = Double.parseDouble(a.getOrDefault("rate", "0"));
    durationSeconds = intFlag(a, "duration", 60, 1, Integer.MAX_VALUE);
    tenants = intFlag(a, "tenants", 0, 0, 100_000);
    tenantHeader = a.getOrDefault("tenant-header", "THANOS-TENANT");
    verify = a.containsKey("verify") ? URI.create(a.get("verify")) : null;
    verifyTimeoutSeconds = intFlag(a, "verify-timeout", 30, 0, Integer.MAX_VALUE);
    quiet = a.containsKey("quiet");
    receiverPid = intFlag(a, "receiver-pid", 0, 0, Integer.MAX_VALUE);
    if (!"http".equals(url.getScheme()) || url.getHost() == null) {
      throw new IllegalArgumentException("--url must be http://host:port/path, got " + url);
    }
    if (metrics > series) {
      throw new IllegalArgumentException("--metrics must not exceed --series");
    }
    if (churnPercent < 0 || churnPercent > 100 || rate < 0) {
      throw new IllegalArgumentException("--churn-percent must be in [0,100] and --rate >= 0");
    }
  }

  /** Parses {@code --name value} pairs; {@code --quiet} and {@code --help} take no value. */
  public static LoadConfig parse(String[] args) {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument " + args[i] + "\n" + USAGE);
      }
      String name = args[i].substring(2);
      if (name.equals("help") || name.equals("quiet")) {
        a.put(name, "true");
      } else if (i + 1 < args.length) {
        a.put(name, args[++i]);
      } else {
        throw new IllegalArgumentException("--" + name + " needs a value\n" + USAGE);
      }
    }
    if (a.containsKey("help")) {
      return null;
    }
    for (String k : a.keySet()) {
      if (!USAGE.contains("--" + k + " ")) {
        throw new IllegalArgumentException("unknown flag --" + k + "\n" + USAGE);
      }
    }
    return new LoadConfig(a);
  }

  private static int intFlag(Map<String, String> a, String name, int def, int min, int max) {
    int v = a.containsKey(name) ? Integer.parseInt(a.get(name)) : def;
    if (v < min || v > max) {
      throw new IllegalArgumentException(
          String.format(Locale.ROOT, "--%s %d out of range [%d,%d]", name, v, min, max));
    }
    return v;
  }

  int batches() {
    return (series + batch - 1) / batch;
  }

  int seriesPerMetric() {
    return (series + metrics - 1) / metrics;
  }

  /**
   * Tenant of a batch: batches are dealt to tenants round robin, so each tenant has fixed series.
   */
  String tenantOf(int batchIndex) {
    return tenants == 0 ? null : "tenant-" + (batchIndex % tenants);
  }
}
