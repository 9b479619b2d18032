package io.rwgateway.perf.load;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/** The end of a run: a human summary on stderr and exactly one JSON line on stdout. */
final class Report {
  private final LoadConfig cfg;
  private final RunStats stats;
  private final double seconds;
  private final double runCpu;
  private final double setupCpu;
  private final TemplateBuilder builder;
  private final long churned;
  private final double rebuildSeconds;

  Report(
      LoadConfig cfg,
      RunStats stats,
      double seconds,
      double runCpu,
      double setupCpu,
      TemplateBuilder builder,
      long churned,
      double rebuildSeconds) {
    this.cfg = cfg;
    this.stats = stats;
    this.seconds = seconds;
    this.runCpu = runCpu;
    this.setupCpu = setupCpu;
    this.builder = builder;
    this.churned = churned;
    this.rebuildSeconds = rebuildSeconds;
  }

  private boolean receiverKnown;
  private double receiverCpu;
  private long receiverRssBefore;
  private long receiverPeakRss;

  void receiver(double cpuSeconds, long rssBefore, long peakRss) {
    receiverKnown = true;
    receiverCpu = cpuSeconds;
    receiverRssBefore = rssBefore;
    receiverPeakRss = peakRss;
  }

  void print(PrintStream out, PrintStream err, Verifier.Outcome verify) {
    long[] hist = stats.latency.snapshot();
    double p50 = LatencyHistogram.percentile(hist, null, 0.50);
    double p90 = LatencyHistogram.percentile(hist, null, 0.90);
    double p99 = LatencyHistogram.percentile(hist, null, 0.99);
    double max = stats.maxLatencyNanos.get() / 1e6;
    long samples = stats.samplesOk.sum();
    long requests = stats.requests.sum();
    long bytes = stats.bytesSent.sum();
    Map<String, Long> codes = stats.codes();
    err.printf(
        Locale.ROOT,
        "%n%s, %d series, %d per request, %d senders, %.1f s:%n",
        cfg.url,
        cfg.series,
        cfg.batch,
        Math.min(cfg.concurrency, cfg.batches()),
        seconds);
    err.printf(
        Locale.ROOT,
        "  %,.0f samples/s acknowledged (%,d samples), %.1f requests/s, %.1f MB/s sent%n",
        samples / seconds,
        samples,
        requests / seconds,
        bytes / seconds / 1e6);
    err.printf(
        Locale.ROOT, "  latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f%n", p50, p90, p99, max);
    err.printf(
        Locale.ROOT,
        "  requests by status: %s%s%n",
        codes,
        stats.errors.sum() > 0 ? " (last error: " + stats.lastError + ")" : "");
    err.printf(
        Locale.ROOT,
        "  load generator CPU: %.1f s during the run (%.2f s per million samples; of which patching"
            + " %.3f s), %.1f s building templates before it%n",
        runCpu,
        samples == 0 ? 0 : runCpu / (samples / 1e6),
        stats.patchNanos.sum() / 1e9,
        setupCpu);
    if (receiverKnown) {
      err.printf(
          Locale.ROOT,
          "  receiver (pid %d): %.1f CPU-seconds during the run, %.2f per million samples; RSS %.0f MB before,"
              + " peak %.0f MB%n",
          cfg.receiverPid,
          receiverCpu,
          samples == 0 ? 0 : receiverCpu / (samples / 1e6),
          receiverRssBefore / 1e6,
          receiverPeakRss / 1e6);
    }
    if (churned > 0) {
      err.printf(
          Locale.ROOT,
          "  churn: %d series replaced, %.2f s rebuilding templates%n",
          churned,
          rebuildSeconds);
    }
    if (verify != null) {
      err.printf(
          Locale.ROOT,
          "  verify: %s, %d series expected, %d found%s%n",
          verify.ok() ? "OK" : "MISMATCH",
          verify.expected(),
          verify.found(),
          verify.mismatches().isEmpty() ? "" : " " + verify.mismatches());
    }

    StringBuilder j = new StringBuilder(512).append('{');
    field(j, "url", cfg.url.toString());
    field(j, "protocol", cfg.protocol == 1 ? "1.0" : "2.0");
    num(j, "series", cfg.series);
    num(j, "batch", cfg.batch);
    num(j, "samples_per_series", cfg.samplesPerSeries);
    num(j, "concurrency", Math.min(cfg.concurrency, cfg.batches()));
    num(j, "tenants", cfg.tenants);
    num(j, "seconds", round(seconds, 2));
    num(j, "samples_per_sec", Math.round(samples / seconds));
    num(j, "requests_per_sec", round(requests / seconds, 1));
    num(j, "samples", samples);
    num(j, "requests", requests);
    num(j, "errors", stats.errors.sum());
    j.append("\"codes\":{");
    codes.forEach((k, v) -> j.append('"').append(k).append("\":").append(v).append(','));
    if (!codes.isEmpty()) {
      j.setLength(j.length() - 1);
    }
    j.append("},");
    num(j, "p50_ms", round(p50, 2));
    num(j, "p90_ms", round(p90, 2));
    num(j, "p99_ms", round(p99, 2));
    num(j, "max_ms", round(max, 2));
    num(j, "bytes_sent", bytes);
    num(
        j,
        "bytes_per_sample",
        round(stats.samplesSent.sum() == 0 ? 0 : (double) bytes / stats.samplesSent.sum(), 2));
    num(j, "loadgen_cpu_sec", round(runCpu, 2));
    num(j, "loadgen_patch_sec", round(stats.patchNanos.sum() / 1e9, 3));
    num(j, "setup_cpu_sec", round(setupCpu, 2));
    num(j, "churned_series", churned);
    if (receiverKnown) {
      num(j, "receiver_cpu_sec", round(receiverCpu, 2));
      num(
          j,
          "receiver_cpu_sec_per_million",
          round(samples == 0 ? 0 : receiverCpu / (samples / 1e6), 3));
      num(j, "receiver_rss_before_bytes", receiverRssBefore);
      num(j, "receiver_peak_rss_bytes", receiverPeakRss);
    }
    if (verify != null) {
      j.append("\"verify\":{\"ok\":")
          .append(verify.ok())
          .append(",\"expected\":")
          .append(verify.expected())
          .append(",\"found\":")
          .append(verify.found())
          .append("},");
    }
    j.setLength(j.length() - 1);
    out.println(j.append('}'));
    out.flush();
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  private static void field(StringBuilder j, String k, String v) {
    j.append('"')
        .append(k)
        .append("\":\"")
        .append(v.replace("\\", "\\\\").replace("\"", "\\\""))
        .append("\",");
  }

  private static void num(StringBuilder j, String k, Number v) {
    j.append('"').append(k).append("\":").append(v).append(',');
  }
}
