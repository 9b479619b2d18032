package io.rwgateway.perf.query;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The benchmark: write the data to both receivers, check it arrived, time the queries, report. */
public final class QueryRun {
  private QueryRun() {}

  /** Returns the exit code: 0, 1 on bad flags, 2 when data went missing or answers differ. */
  public static int run(String[] args, PrintStream out, PrintStream log) throws Exception {
    QueryConfig c;
    try {
      c = QueryConfig.parse(args);
    } catch (IllegalArgumentException e) {
      log.println(e.getMessage());
      return 1;
    }
    // Receivers in table order; the ratio column is the second over the first.
    List<Receiver> receivers =
        List.of(
            new Receiver(
                "prometheus", c.prometheus.resolve("/api/v1/write"), c.prometheus, c.prometheusPid),
            new Receiver("gateway", c.gatewayWrite, c.gatewayQuery, c.gatewayPid));
    // Whole seconds, so the instant query time and every sample time print alike on both sides.
    long endMs = System.currentTimeMillis() / 1000 * 1000;
    DataSet data = new DataSet(c.series, c.hours, endMs);
    log.printf(
        Locale.ROOT,
        "%d series (%d targets x %d), %d slices of 15 s ending at %d%n",
        data.seriesCount(),
        data.targets,
        DataSet.SERIES_PER_TARGET,
        data.slices,
        endMs / 1000);
    Http http = new Http();
    new Writer(http, log).write(data, receivers, c.batch);
    List<String> problems = new ArrayList<>();
    Acceptance acceptance = new Acceptance(http, log);
    for (Receiver r : receivers) {
      String missing = acceptance.check(r, data);
      if (missing != null) {
        problems.add("missing samples in " + r.name() + ": " + missing);
      }
    }
    long[] rssBefore = receivers.stream().mapToLong(r -> RssSampler.rss(r.pid())).toArray();
    List<Row> rows = new ArrayList<>();
    try (RssSampler rss = new RssSampler(receivers)) {
      rss.start();
      for (String q : QuerySet.QUERIES) {
        rows.add(time(http, rss, log, receivers, c, q, "instant", instant(q, endMs)));
        rows.add(time(http, rss, log, receivers, c, q, "range", range(q, endMs)));
      }
      long[] phasePeak = new long[receivers.size()];
      for (int i = 0; i < phasePeak.length; i++) {
        phasePeak[i] = rss.phasePeak(i);
      }
      for (Row row : rows) {
        if (row.mismatch() != null) {
          problems.add("mismatch: `" + row.query() + "` (" + row.kind() + "): " + row.mismatch());
        }
      }
      Report.print(out, receivers, data, c, rows, rssBefore, phasePeak, problems);
    }
    return problems.isEmpty() ? 0 : 2;
  }

  private static Map<String, String> instant(String q, long endMs) {
    return Map.of("query", q, "time", Long.toString(endMs / 1000));
  }

  private static Map<String, String> range(String q, long endMs) {
    long end = endMs / 1000;
    return Map.of(
        "query",
        q,
        "start",
        Long.toString(end - QuerySet.RANGE_SECONDS),
        "end",
        Long.toString(end),
        "step",
        QuerySet.RANGE_STEP);
  }

  /**
   * {@code --warmup} untimed runs per receiver (the first one's answer is the one compared), then
   * {@code --runs} timed runs per receiver, alternating: receiver A then B, then B then A, so
   * neither always runs right after the other's garbage or cache effects.
   */
  private static Row time(
      Http http,
      RssSampler rss,
      PrintStream log,
      List<Receiver> receivers,
      QueryConfig c,
      String q,
      String kind,
      Map<String, String> params)
      throws IOException, InterruptedException {
    String path = kind.equals("instant") ? "/api/v1/query" : "/api/v1/query_range";
    int n = receivers.size();
    rss.takeWindow();
    Answer[] answers = new Answer[n];
    int[] series = new int[n];
    for (int i = 0; i < n; i++) {
      Http.Timed t = http.get(receivers.get(i).queryBase(), path, params);
      answers[i] = Answer.parse(t.status(), t.body());
      series[i] = answers[i].error() == null ? answers[i].values().size() : -1;
    }
    // More warm-up: the gateway starts cold, and one run may leave much of a query interpreted.
    for (int w = 1; w < c.warmup; w++) {
      for (Receiver r : receivers) {
        http.get(r.queryBase(), path, params);
      }
    }
    int runs = c.runs;
    String mismatch =
        Answer.compare(answers[0], answers[1], receivers.get(0).name(), receivers.get(1).name());
    long[][] nanos = new long[n][runs];
    for (int run = 0; run < runs; run++) {
      for (int k = 0; k < n; k++) {
        int i = run % 2 == 0 ? k : n - 1 - k;
        Http.Timed t = http.get(receivers.get(i).queryBase(), path, params);
        if (t.status() != 200 && mismatch == null) {
          mismatch = receivers.get(i).name() + " answered " + t.status() + " in run " + (run + 1);
        }
        nanos[i][run] = t.nanos();
      }
    }
    long[] peaks = rss.takeWindow();
    long[] medians = new long[n];
    for (int i = 0; i < n; i++) {
      medians[i] = median(nanos[i]);
    }
    Row row = new Row(q, kind, series, medians, peaks, mismatch);
    log.printf(
        Locale.ROOT,
        "%-7s %-90s %s ms%n",
        kind,
        q,
        Arrays.toString(Arrays.stream(medians).mapToObj(m -> fmt(m / 1e6)).toArray()));
    return row;
  }

  static String fmt(double ms) {
    return String.format(Locale.ROOT, ms < 10 ? "%.2f" : ms < 100 ? "%.1f" : "%.0f", ms);
  }

  private static long median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }
}
