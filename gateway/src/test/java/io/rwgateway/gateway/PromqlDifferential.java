package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.rwgateway.gateway.PromqlAnswerComparer.Answer;
import io.rwgateway.gateway.PromqlDiffClient.Evaluation;
import io.rwgateway.gateway.PromqlDiffCorpus.Expect;
import io.rwgateway.gateway.PromqlDiffCorpus.Query;
import io.rwgateway.proto.prompb.WriteRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The differential comparison of two PromQL HTTP APIs holding the same data ({@link
 * PromqlDiffData}, or {@link HistogramDiffData} with its own corpus): every query of {@code
 * promql-differential-corpus.txt} (or the corpus given) runs on both as instant queries at four
 * times and as range queries with two steps, and the answers must be the same ({@link
 * PromqlAnswerComparer}). All differences are gathered and reported together, with a count of
 * identical queries.
 */
final class PromqlDifferential {
  /** The float test's corpus. */
  static final String CORPUS = "promql-differential-corpus.txt";

  private static final Pattern SORTED = Pattern.compile("^\\(*\\s*sort(_desc)?\\s*\\(");
  private static final int DETAILS_PER_QUERY = 3;
  private static final int QUERIES_IN_MESSAGE = 40;

  private final PromqlDiffClient client;
  private final String title;
  private final boolean checkKnown;
  private final String corpus;

  /**
   * @param title the report's first words
   * @param checkKnown whether queries marked {@code @differs} must differ (ours is our engine)
   */
  PromqlDifferential(PromqlDiffClient client, String title, boolean checkKnown) {
    this(client, title, checkKnown, CORPUS);
  }

  /** The same with another corpus (a resource next to this class). */
  PromqlDifferential(PromqlDiffClient client, String title, boolean checkKnown, String corpus) {
    this.client = client;
    this.title = title;
    this.checkKnown = checkKnown;
    this.corpus = corpus;
  }

  /** Starts a Prometheus 2.42 in a directory. */
  @FunctionalInterface
  interface PrometheusStarter {
    LocalPrometheus start(Path home) throws Exception;
  }

  /**
   * The differential against a real Prometheus: {@code requests} are remote-written to a Prometheus
   * ({@code prometheus}) and to an embedded gateway, the two must hold the same series, and the
   * corpus runs on both over [start, end]. With {@code -Dpromql.diff.selfcheck=true} a second
   * Prometheus takes the gateway's place in the comparison (the harness checked against itself:
   * every query must agree, {@code @differs} ones included).
   */
  static void againstPrometheus(
      Path dir,
      PromqlDiffClient client,
      PrometheusStarter prometheus,
      List<WriteRequest> requests,
      long start,
      long end,
      String title,
      String corpus,
      String reportFile)
      throws Exception {
    boolean selfcheck = Boolean.getBoolean("promql.diff.selfcheck");
    try (LocalPrometheus reference = prometheus.start(dir.resolve("reference"));
        LocalPrometheus twin = selfcheck ? prometheus.start(dir.resolve("twin")) : null;
        InProcessGateway gateway = InProcessGateway.start(dir.resolve("gateway"))) {
      reference.awaitReady(client.http, 60_000);
      if (twin != null) {
        twin.awaitReady(client.http, 60_000);
      }
      String gatewayWrite = "http://127.0.0.1:" + gateway.remoteWritePort() + "/api/v1/receive";
      String gatewayApi = "http://127.0.0.1:" + gateway.httpPort();
      for (WriteRequest req : requests) {
        client.write(reference.writeUrl(), req);
        client.write(gatewayWrite, req);
        if (twin != null) {
          client.write(twin.writeUrl(), req);
        }
      }
      PromqlDifferential diff =
          new PromqlDifferential(
              client,
              selfcheck ? title + " (selfcheck, Prometheus vs Prometheus): " : title + ": ",
              !selfcheck,
              corpus);
      // The same series in both, or no query can agree.
      diff.assertSameSeries(reference.base, gatewayApi, start, end);
      diff.run(reference.base, twin != null ? twin.base : gatewayApi, start, end, reportFile);
    }
  }

  /**
   * Runs the corpus on both; fails with every difference, after writing the report to {@code
   * target/<reportFile>}.
   */
  void run(String reference, String ours, long start, long end, String reportFile)
      throws Exception {
    awaitSettled(reference, ours, end);
    hold(reference, ours, start, end);
    List<Query> corpus = PromqlDiffCorpus.load(this.corpus, start, end);
    List<Evaluation> evaluations = evaluations(start, end);
    Report report = new Report(corpus.size(), evaluations.size());
    PromqlAnswerComparer.VALUES_COMPARED.set(0);
    PromqlAnswerComparer.VALUES_WITHIN_TOLERANCE.set(0);
    List<String> corpusErrors = new ArrayList<>();
    for (Query q : corpus) {
      boolean ordered = SORTED.matcher(q.text()).find();
      int empty = 0;
      int errors = 0;
      List<String> diffs = new ArrayList<>();
      long inexactBefore = PromqlAnswerComparer.VALUES_WITHIN_TOLERANCE.get();
      for (Evaluation e : evaluations) {
        Answer want = client.query(reference, q.text(), e);
        Answer got = client.query(ours, q.text(), e);
        JsonNode w = PromqlAnswerComparer.parse(want.body());
        if (w != null && PromqlAnswerComparer.isEmptyResult(w)) {
          empty++;
        }
        if (w != null && w.path("status").asText().equals("error")) {
          errors++;
        }
        String d = PromqlAnswerComparer.difference(want, got, ordered);
        if (d != null) {
          diffs.add(e.label() + ": " + d);
        }
      }
      report.addInexact(q, PromqlAnswerComparer.VALUES_WITHIN_TOLERANCE.get() - inexactBefore);
      report.addEmpty(empty, errors, evaluations.size());
      if (q.expect() == Expect.DIFFERS && checkKnown) {
        if (diffs.isEmpty()) {
          corpusErrors.add(
              "line "
                  + q.line()
                  + ": "
                  + q.text()
                  + ": marked @differs, but every answer is identical: remove the mark and the"
                  + " known difference in docs/promql.md");
        }
        report.addKnown(q);
      } else {
        report.add(q, diffs);
      }
      String wrong = corpusCheck(q, empty, errors, evaluations.size());
      if (wrong != null) {
        corpusErrors.add("line " + q.line() + ": " + q.text() + ": " + wrong);
      }
    }
    // The corpus must mean what it says before any comparison counts.
    assertEquals(List.of(), corpusErrors, "corpus expectations the reference does not meet");
    Path file = Path.of("target", reportFile).toAbsolutePath();
    Files.createDirectories(file.getParent());
    Files.writeString(file, report.full());
    System.out.println(report.summary());
    System.out.println(report.emptiness());
    if (!report.allIdentical()) {
      throw new AssertionError(report.message(file));
    }
  }

  /**
   * With {@code -Dpromql.diff.hold=SECONDS}, keeps both sides up that long after the writes, for
   * exploring a difference by hand with curl; the addresses and the window go to stdout.
   */
  private static void hold(String reference, String ours, long start, long end)
      throws InterruptedException {
    long seconds = Long.getLong("promql.diff.hold", 0);
    if (seconds > 0) {
      System.out.printf(
          "holding %d s: reference %s, ours %s, T=%s E=%s%n",
          seconds, reference, ours, PromqlDiffCorpus.seconds(start), PromqlDiffCorpus.seconds(end));
      Thread.sleep(seconds * 1000);
    }
  }

  /**
   * Instant queries inside the data (between samples; in the long gap after the lookback ran out),
   * at its end and 3 minutes after; range queries over the window with two steps, one not dividing
   * the minute. One time and one step are written as Prometheus also accepts them (RFC 3339, a Go
   * duration).
   */
  private static List<Evaluation> evaluations(long start, long end) {
    return List.of(
        Evaluation.instant("instant T+1234.567", PromqlDiffCorpus.seconds(start + 1_234_567)),
        Evaluation.instant("instant T+1530", PromqlDiffCorpus.seconds(start + 1_530_000)),
        Evaluation.instant("instant E (RFC 3339)", Instant.ofEpochMilli(end).toString()),
        Evaluation.instant("instant E+180", PromqlDiffCorpus.seconds(end + 180_000)),
        Evaluation.range(
            "range T..E+180 step 1m",
            PromqlDiffCorpus.seconds(start),
            PromqlDiffCorpus.seconds(end + 180_000),
            "1m"),
        Evaluation.range(
            "range T+13.5..E step 37",
            PromqlDiffCorpus.seconds(start + 13_500),
            PromqlDiffCorpus.seconds(end),
            "37"));
  }

  /** Null when the reference's answers fit the corpus line's mark, else what is wrong. */
  private static String corpusCheck(Query q, int empty, int errors, int evaluations) {
    if (q.expect() == Expect.EMPTY && empty != evaluations) {
      return "marked @empty, but only " + empty + " of " + evaluations + " answers are empty";
    }
    if (q.expect() == Expect.ERROR && errors != evaluations) {
      return "marked @error, but only " + errors + " of " + evaluations + " answers are errors";
    }
    if ((q.expect() == Expect.RESULT || q.expect() == Expect.DIFFERS)
        && empty + errors == evaluations) {
      return "every answer is empty or an error: mark it @empty or @error, or fix it";
    }
    return null;
  }

  void assertSameSeries(String reference, String ours, long start, long end) throws Exception {
    String path =
        "/api/v1/series?match[]="
            + PromqlDiffClient.enc("{__name__=~\".+\"}")
            + "&start="
            + PromqlDiffCorpus.seconds(start - 60_000)
            + "&end="
            + PromqlDiffCorpus.seconds(end + 60_000);
    assertEquals(seriesSet(client.get(reference, path)), seriesSet(client.get(ours, path)));
  }

  private static TreeSet<String> seriesSet(Answer a) {
    JsonNode n = PromqlAnswerComparer.parse(a.body());
    if (n == null || !n.path("status").asText().equals("success")) {
      throw new AssertionError("/api/v1/series failed: " + a.status() + " " + a.body());
    }
    TreeSet<String> out = new TreeSet<>();
    n.path("data").forEach(s -> out.add(PromqlAnswerComparer.labels(s)));
    return out;
  }

  /**
   * Waits (10 s at most) until ours counts as many samples as the reference, in case its head lags
   * its acknowledged writes; stops at once when ours cannot answer the question at all.
   */
  private void awaitSettled(String reference, String ours, long end) throws Exception {
    String q = "sum(count_over_time({__name__=~\".+\"}[1h]))";
    Evaluation at = Evaluation.instant("settle", PromqlDiffCorpus.seconds(end));
    Answer want = client.query(reference, q, at);
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      Answer got = client.query(ours, q, at);
      JsonNode g = PromqlAnswerComparer.parse(got.body());
      if (g == null
          || !g.path("status").asText().equals("success")
          || PromqlAnswerComparer.difference(want, got, false) == null) {
        return;
      }
      Thread.sleep(200);
    }
  }

  /** The differences of every query, and how many queries and evaluations agreed. */
  private final class Report {
    private final int queries;
    private final int perQuery;
    private final StringBuilder details = new StringBuilder();
    private final StringBuilder inexact = new StringBuilder();
    private final List<String> differing = new ArrayList<>();
    private int identicalQueries;
    private int identicalEvaluations;
    private int knownDifferences;
    private int emptyEvaluations;
    private int emptyQueries;
    private int errorQueries;

    Report(int queries, int perQuery) {
      this.queries = queries;
      this.perQuery = perQuery;
    }

    void add(Query q, List<String> diffs) {
      identicalEvaluations += perQuery - diffs.size();
      if (diffs.isEmpty()) {
        identicalQueries++;
        return;
      }
      StringBuilder one = new StringBuilder();
      one.append("--- line ").append(q.line()).append(": ").append(q.text()).append('\n');
      for (int i = 0; i < diffs.size(); i++) {
        if (i == DETAILS_PER_QUERY) {
          one.append("    (and ").append(diffs.size() - i).append(" more evaluations)\n");
          break;
        }
        one.append("    ").append(diffs.get(i)).append('\n');
      }
      differing.add(one.toString());
      details.append(one);
    }

    /** Values of the query that agree only within the tolerance: listed in the full report. */
    void addInexact(Query q, long values) {
      if (values > 0) {
        inexact
            .append("~~~ line ")
            .append(q.line())
            .append(": ")
            .append(q.text())
            .append(": ")
            .append(values)
            .append(" values equal within 1e-9, not written alike\n");
      }
    }

    /**
     * How empty the reference's answers to a query were: how much the corpus tells apart (a corpus
     * of empty answers would agree with anything).
     */
    void addEmpty(int empty, int errors, int evaluations) {
      emptyEvaluations += empty;
      emptyQueries += empty == evaluations ? 1 : 0;
      errorQueries += errors == evaluations ? 1 : 0;
    }

    /** A query marked as a known difference, which differed as it should. */
    void addKnown(Query q) {
      knownDifferences++;
    }

    boolean allIdentical() {
      return differing.isEmpty();
    }

    String summary() {
      return title
          + identicalQueries
          + " of "
          + (queries - knownDifferences)
          + " queries identical ("
          + identicalEvaluations
          + " of "
          + (queries - knownDifferences) * perQuery
          + " evaluations)"
          + (knownDifferences > 0
              ? "; " + knownDifferences + " known differences (docs/promql.md) still differ"
              : "")
          + "; of "
          + PromqlAnswerComparer.VALUES_COMPARED.get()
          + " values compared, "
          + PromqlAnswerComparer.VALUES_WITHIN_TOLERANCE.get()
          + " equal only within 1e-9";
    }

    /** The reference's empty answers: every evaluation of a query, and evaluations in all. */
    String emptiness() {
      return "on the reference: "
          + emptyQueries
          + " of "
          + queries
          + " queries empty at every evaluation, "
          + errorQueries
          + " an error at every evaluation; "
          + emptyEvaluations
          + " of "
          + queries * perQuery
          + " evaluations empty";
    }

    String full() {
      return summary() + "\n" + emptiness() + "\n" + details + inexact;
    }

    String message(Path file) {
      StringBuilder sb = new StringBuilder(summary()).append('\n');
      differing.stream().limit(QUERIES_IN_MESSAGE).forEach(sb::append);
      if (differing.size() > QUERIES_IN_MESSAGE) {
        sb.append("... ").append(differing.size() - QUERIES_IN_MESSAGE).append(" more queries");
      }
      return sb.append("\nfull report: ").append(file).toString();
    }
  }
}
