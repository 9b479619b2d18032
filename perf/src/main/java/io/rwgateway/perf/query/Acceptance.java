package io.rwgateway.perf.query;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Checks that a receiver holds every sample written: {@code sum(count_over_time(NAME[range]))} at
 * the last timestamp, per metric name, against series x slices.
 *
 * <p>NOTE: asking per name keeps each query's loaded samples to a share of the data, under both
 * receivers' 50M --query.max-samples up to about 100k series x 2 h. The writer already stops on a
 * refused request (Prometheus 2.42 rolls back a request holding an out-of-bounds sample and answers
 * 400); this counts what each receiver can actually query, so samples lost without an error, or a
 * receiver that is still making them visible, show up too.
 */
final class Acceptance {
  private final Http http;
  private final PrintStream log;

  Acceptance(Http http, PrintStream log) {
    this.http = http;
    this.log = log;
  }

  /** Null when the receiver holds every sample, else what is missing. */
  String check(Receiver r, DataSet data) throws IOException, InterruptedException {
    // The window [end - range, end] is closed, so a range of exactly the span plus a step is safe.
    long rangeSeconds = ((data.slices) * DataSet.STEP_MS + 999) / 1000;
    String time = Long.toString(data.endMs / 1000);
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      StringBuilder missing = new StringBuilder();
      long total = 0;
      for (Map.Entry<String, Integer> e : DataSet.SERIES_PER_NAME.entrySet()) {
        String q = "sum(count_over_time(" + e.getKey() + "[" + rangeSeconds + "s]))";
        Http.Timed t = http.get(r.queryBase(), "/api/v1/query", Map.of("query", q, "time", time));
        Answer a = Answer.parse(t.status(), t.body());
        long expected = (long) e.getValue() * data.targets * data.slices;
        long found =
            a.error() == null && !a.values().isEmpty()
                ? Math.round(a.values().values().iterator().next())
                : 0;
        total += found;
        if (found != expected) {
          missing.append(
              String.format(
                  Locale.ROOT,
                  " %s: %d of %d%s",
                  e.getKey(),
                  found,
                  expected,
                  a.error() == null ? "" : " (" + a.error() + ")"));
        }
      }
      if (missing.length() == 0) {
        log.printf(Locale.ROOT, "%s holds all %d samples%n", r.name(), total);
        return null;
      }
      if (System.nanoTime() > deadline) {
        return missing.toString().trim();
      }
      Thread.sleep(1000); // a receiver may make samples visible a little after acknowledging
    }
  }
}
