package io.rwgateway.promql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our parser against a real Prometheus 2.42 ({@code prometheus} on PATH, started on 127.0.0.1): for
 * every query of {@code format-corpus.txt}, our {@link Pretty#format} must equal what {@code
 * /api/v1/format_query} answers (and so our {@code toString()} for queries of up to 100 bytes), and
 * our error message what it reports. Known differences stay in the corpus and must still differ, so
 * that fixing one (or Prometheus changing) is noticed.
 */
class PrometheusFormatDifferentialTest {
  private static final String PREFIX = "invalid parameter \"query\": ";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @TempDir static Path home;
  private static Process prometheus;
  private static String base;

  /** One corpus line: its kind ({@code ok}, {@code err} or {@code diff}) and its query. */
  record Case(String kind, String query) {}

  @BeforeAll
  static void startPrometheus() throws Exception {
    Path config = home.resolve("prometheus.yml");
    Files.writeString(config, "global:\n  scrape_interval: 1h\n");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      port = s.getLocalPort();
    }
    base = "http://127.0.0.1:" + port;
    Path log = home.resolve("prometheus.log");
    // NOTE: no skip when the binary is missing: CI installs it, and a skipped
    // differential test would let every difference through.
    prometheus =
        new ProcessBuilder(
                "prometheus",
                "--config.file=" + config,
                "--storage.tsdb.path=" + home.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      if (!prometheus.isAlive()) {
        fail("prometheus exited with " + prometheus.exitValue() + ": " + Files.readString(log));
      }
      try {
        HttpResponse<String> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/-/ready")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        fail("prometheus not ready after 60 s: " + Files.readString(log));
      }
      Thread.sleep(100);
    }
  }

  @AfterAll
  static void stopPrometheus() throws InterruptedException {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly();
      }
    }
  }

  static List<Case> corpus() throws IOException {
    List<Case> cases = new ArrayList<>();
    try (InputStream in =
        PrometheusFormatDifferentialTest.class.getResourceAsStream("format-corpus.txt")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (String line : text.split("\n", -1)) {
        if (line.isBlank() || line.startsWith("--")) {
          continue;
        }
        int sp = line.indexOf(' ');
        String kind = line.substring(0, sp);
        assertTrue(
            kind.equals("ok") || kind.equals("err") || kind.equals("diff"), "bad line: " + line);
        // A query that needs a line break writes it as <NL>.
        cases.add(new Case(kind, line.substring(sp + 1).replace("<NL>", "\n")));
      }
    }
    return cases;
  }

  /** Prometheus' answer: the formatted query, or "ERROR " and its parse error. */
  private static String prometheusAnswer(String query) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/api/v1/format_query"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "query=" + URLEncoder.encode(query, StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(r.body());
    if (body.get("status").asText().equals("success")) {
      return body.get("data").asText();
    }
    String error = body.get("error").asText();
    assertTrue(error.startsWith(PREFIX), error);
    return "ERROR " + error.substring(PREFIX.length());
  }

  private static String ourAnswer(String query) {
    try {
      return Pretty.format(PromqlParser.parse(query));
    } catch (ParseException e) {
      return "ERROR " + e.getMessage();
    } catch (RuntimeException e) {
      return "CRASH " + e;
    }
  }

  @Test
  void everyQueryFormatsAndFailsAsInPrometheus() throws Exception {
    List<Case> cases = corpus();
    List<String> problems = new ArrayList<>();
    int ok = 0;
    int err = 0;
    int diff = 0;
    for (Case c : cases) {
      String theirs = prometheusAnswer(c.query());
      String ours = ourAnswer(c.query());
      boolean theyFail = theirs.startsWith("ERROR ");
      switch (c.kind()) {
        case "ok", "err" -> {
          if (theyFail != c.kind().equals("err")) {
            problems.add("corpus kind wrong for " + c.query() + ": Prometheus says " + theirs);
          } else if (!theirs.equals(ours)) {
            problems.add(
                "differs: "
                    + c.query()
                    + "\n    prometheus: "
                    + theirs
                    + "\n    ours:       "
                    + ours);
          } else if (theyFail) {
            err++;
          } else {
            ok++;
          }
        }
        default -> {
          if (theirs.equals(ours)) {
            problems.add("known difference no longer differs (move it): " + c.query());
          } else {
            diff++;
          }
        }
      }
    }
    System.out.printf(
        "differential: %d valid and %d invalid queries identical, %d known differences%n",
        ok, err, diff);
    assertEquals(List.of(), problems, String.join("\n", problems));
    assertTrue(ok >= 300, "at least 300 valid queries, got " + ok);
    assertTrue(err >= 100, "at least 100 invalid queries, got " + err);
  }
}
