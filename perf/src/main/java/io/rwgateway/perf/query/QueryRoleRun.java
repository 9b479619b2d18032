package io.rwgateway.perf.query;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The query role's benchmark ({@code perf/query-role.sh}): three receivers A, B (HA replicas of the
 * same data) and C (the same data under another external label, a second cluster), one query node
 * over A alone and one over all three with {@code --query.replica-label=replica}. One query, a
 * dashboard's {@code sum by (job) (rate(...[5m]))} over the last hour at 15 s, is timed on A's own
 * API, on the one-store node, and on the three-store node with and without dedup; the peak RSS of
 * the answering process is sampled while it runs. The answers are checked: the one-store node must
 * equal A, the three-store node with dedup twice A (A and B merged, plus C), without dedup three
 * times A.
 */
public final class QueryRoleRun {
  static final String QUERY = "sum by (job) (rate(http_requests_total[5m]))";

  private QueryRoleRun() {}

  /** What is timed: a process's API and the extra request parameters. */
  private record Target(
      String name, URI base, long pid, Map<String, String> extra, double factor) {}

  /** Returns the exit code: 0, 1 on bad flags, 2 when an answer is wrong. */
  public static int run(String[] args, PrintStream out, PrintStream log) throws Exception {
    Map<String, String> f = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      f.put(args[i], args[i + 1]);
    }
    for (String k :
        List.of(
            "--a-write", "--b-write", "--c-write", "--a-query", "--a-pid", "--q1", "--q1-pid")) {
      if (!f.containsKey(k)) {
        log.println(
            "usage: QueryRoleBench --a-write URL --b-write URL --c-write URL --a-query URL --a-pid"
                + " PID --q1 URL --q1-pid PID --q3 URL --q3-pid PID [--series N] [--hours H]"
                + " [--runs R] [--warmup W]");
        return 1;
      }
    }
    int series = Integer.parseInt(f.getOrDefault("--series", "100000"));
    double hours = Double.parseDouble(f.getOrDefault("--hours", "1"));
    int runs = Integer.parseInt(f.getOrDefault("--runs", "10"));
    int warmup = Integer.parseInt(f.getOrDefault("--warmup", "3"));
    long endMs = System.currentTimeMillis() / 1000 * 1000;
    DataSet data = new DataSet(series, hours, endMs);
    log.printf(
        Locale.ROOT,
        "%d series per receiver, %d slices of 15 s%n",
        data.seriesCount(),
        data.slices);
    Http http = new Http();
    List<Receiver> receivers = new ArrayList<>();
    for (String r : List.of("a", "b", "c")) {
      receivers.add(new Receiver(r, URI.create(f.get("--" + r + "-write")), null, 0));
    }
    long w0 = System.nanoTime();
    new Writer(http, log).write(data, receivers, 2000);
    log.printf(Locale.ROOT, "written in %.0f s%n", (System.nanoTime() - w0) / 1e9);

    long aPid = Long.parseLong(f.get("--a-pid"));
    long q1Pid = Long.parseLong(f.get("--q1-pid"));
    long q3Pid = Long.parseLong(f.get("--q3-pid"));
    List<Target> targets =
        List.of(
            new Target("receiver A's own API", URI.create(f.get("--a-query")), aPid, Map.of(), 1),
            new Target("query over A", URI.create(f.get("--q1")), q1Pid, Map.of(), 1),
            new Target("query over A, B, C (dedup)", URI.create(f.get("--q3")), q3Pid, Map.of(), 2),
            new Target(
                "query over A, B, C (dedup=false)",
                URI.create(f.get("--q3")),
                q3Pid,
                Map.of("dedup", "false"),
                3));
    long end = endMs / 1000;
    Map<String, String> params =
        Map.of(
            "query",
            QUERY,
            "start",
            Long.toString(end - QuerySet.RANGE_SECONDS),
            "end",
            Long.toString(end),
            "step",
            QuerySet.RANGE_STEP);
    List<String> problems = new ArrayList<>();
    Answer reference = null;
    List<String> rows = new ArrayList<>();
    for (Target t : targets) {
      Map<String, String> p = new HashMap<>(params);
      p.putAll(t.extra());
      Receiver proc = new Receiver(t.name(), null, t.base(), t.pid());
      try (RssSampler rss = new RssSampler(List.of(proc))) {
        long before = RssSampler.rss(t.pid());
        rss.start();
        Answer first = values(http, t.base(), p);
        if (reference == null) {
          reference = first;
        }
        String wrong = check(reference, first, t.factor());
        if (wrong != null) {
          problems.add(t.name() + ": " + wrong);
        }
        for (int i = 1; i < warmup; i++) {
          http.get(t.base(), "/api/v1/query_range", p);
        }
        rss.takeWindow();
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
          nanos[i] = http.get(t.base(), "/api/v1/query_range", p).nanos();
        }
        long peak = rss.takeWindow()[0];
        Arrays.sort(nanos);
        rows.add(
            String.format(
                Locale.ROOT,
                "| %s | %s | %s | %s | %d | %d |",
                t.name(),
                QueryRun.fmt(nanos[runs / 2] / 1e6),
                QueryRun.fmt(nanos[0] / 1e6),
                QueryRun.fmt(nanos[runs - 1] / 1e6),
                before >> 20,
                peak >> 20));
      }
    }
    out.println();
    out.println(
        "`"
            + QUERY
            + "`, range over the last hour at 15 s; "
            + data.seriesCount()
            + " series per receiver; "
            + runs
            + " timed runs after "
            + warmup
            + " warm-up runs");
    out.println();
    out.println("| answered by | median ms | min ms | max ms | RSS before MiB | peak RSS MiB |");
    out.println("|---|---|---|---|---|---|");
    rows.forEach(out::println);
    problems.forEach(p -> out.println("problem: " + p));
    return problems.isEmpty() ? 0 : 2;
  }

  /**
   * The answer compared: the query as an instant query at the range's end, so that values (not a
   * range's point counts, which is what {@link Answer} keeps of a matrix) are checked.
   */
  private static Answer values(Http http, URI base, Map<String, String> p)
      throws IOException, InterruptedException {
    Map<String, String> q = new HashMap<>();
    q.put("query", p.get("query"));
    q.put("time", p.get("end"));
    if (p.containsKey("dedup")) {
      q.put("dedup", p.get("dedup"));
    }
    Http.Timed t = http.get(base, "/api/v1/query", q);
    return Answer.parse(t.status(), t.body());
  }

  /** Null when {@code got} is {@code factor} times {@code reference}, series by series. */
  private static String check(Answer reference, Answer got, double factor) {
    if (reference.error() != null || got.error() != null) {
      return "error: " + (got.error() != null ? got.error() : reference.error());
    }
    if (!reference.values().keySet().equals(got.values().keySet())) {
      return "series " + reference.values().keySet() + " / " + got.values().keySet();
    }
    for (Map.Entry<String, Double> e : reference.values().entrySet()) {
      double want = e.getValue() * factor;
      double v = got.values().get(e.getKey());
      if (Math.abs(v - want) > 1e-9 * Math.max(1, Math.abs(want))) {
        return e.getKey() + ": " + v + ", want " + want;
      }
    }
    return null;
  }
}
