package io.rwgateway.perf.load;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads back, per tenant and metric, the number of series through {@code /api/v1/series} (the
 * gateway, Prometheus and VictoriaMetrics all answer it) and compares it with the series that were
 * acknowledged. Receivers that make data visible with a delay (VictoriaMetrics flushes about once a
 * second) are re-read until the counts match or {@code --verify-timeout} passes.
 */
final class Verifier {
  record Outcome(boolean ok, long expected, long found, List<String> mismatches) {}

  private final LoadConfig cfg;
  private final PrintStream log;

  Verifier(LoadConfig cfg, PrintStream log) {
    this.cfg = cfg;
    this.log = log;
  }

  Outcome verify(Sender.DeliveredSeries delivered, long startMillis, long endMillis)
      throws IOException, InterruptedException {
    URI base = cfg.verify;
    long deadline = System.nanoTime() + cfg.verifyTimeoutSeconds * 1_000_000_000L;
    int tenants = Math.max(1, cfg.tenants);
    // Query a range a little wider than the run, so clock rounding loses nothing.
    String range =
        String.format(
            Locale.ROOT, "&start=%d&end=%d", startMillis / 1000 - 60, endMillis / 1000 + 60);
    try (HttpConnection conn = new HttpConnection(base, "")) {
      while (true) {
        long expected = 0;
        long found = 0;
        List<String> mismatches = new ArrayList<>();
        for (int t = 0; t < tenants; t++) {
          String header = cfg.tenants == 0 ? "" : cfg.tenantHeader + ": tenant-" + t + "\r\n";
          for (int m = 0; m < cfg.metrics; m++) {
            long want = delivered.counts.get(t * cfg.metrics + m);
            if (want == 0) {
              continue;
            }
            String body =
                conn.get(
                    basePath(base) + "/api/v1/series?match%5B%5D=avalanche_metric_" + m + range,
                    header);
            if (!body.contains("\"status\":\"success\"")) {
              throw new IOException(
                  "unexpected answer: " + body.substring(0, Math.min(200, body.length())));
            }
            long got = count(body, "\"__name__\"");
            expected += want;
            found += got;
            if (got != want && mismatches.size() < 5) {
              mismatches.add(
                  String.format(
                      Locale.ROOT,
                      "tenant %d metric avalanche_metric_%d: expected %d, found %d",
                      t,
                      m,
                      want,
                      got));
            }
          }
        }
        boolean ok = mismatches.isEmpty();
        if (ok || System.nanoTime() > deadline) {
          return new Outcome(ok, expected, found, mismatches);
        }
        log.printf(Locale.ROOT, "verify: %d of %d series visible, re-reading%n", found, expected);
        Thread.sleep(1000);
      }
    }
  }

  private static String basePath(URI base) {
    String p = base.getRawPath() == null ? "" : base.getRawPath();
    return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }

  private static long count(String s, String needle) {
    long n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + needle.length())) {
      n++;
    }
    return n;
  }
}
