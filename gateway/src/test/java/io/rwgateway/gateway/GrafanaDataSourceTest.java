package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rwgateway.proto.prompb.Exemplar;
import io.rwgateway.proto.prompb.Label;
import io.rwgateway.proto.prompb.MetricMetadata;
import io.rwgateway.proto.prompb.Sample;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.proto.prompb.WriteRequest;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grafana's Prometheus data source (v9, v10) against a gateway holding remote-written data: the
 * calls it makes on "Save & test", when a dashboard or Explore opens, in the metric browser and for
 * panels, with its parameters as it sends them. Each must answer 200 with what Grafana reads from
 * it ({@code status}, {@code data.resultType}, {@code data.result}, {@code data.version}, ...).
 */
class GrafanaDataSourceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TENANT_HEADER = "THANOS-TENANT";
  private static final long STEP_MS = 15_000;

  @TempDir static Path dir;
  static InProcessGateway gw;
  static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  // Grafana aligns range queries to the step, in whole seconds.
  static final long end = System.currentTimeMillis() / 60_000 * 60_000;
  static final long start = end - 30 * 60_000;
  static final long exemplarAt = end - 5 * 60_000;

  @BeforeAll
  static void startAndWrite() throws Exception {
    gw = InProcessGateway.start(dir);
    HttpResponse<String> w = gw.client.write(data());
    assertEquals(204, w.statusCode(), w.body());
    awaitVisible();
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  /**
   * Two counters (10 and 1 per step), a classic histogram with an exemplar, and the metadata a
   * Prometheus agent sends with them.
   */
  private static WriteRequest data() {
    WriteRequest.Builder b = WriteRequest.newBuilder();
    b.addTimeseries(counter("200", 10));
    b.addTimeseries(counter("500", 1));
    for (String le : new String[] {"0.1", "0.5", "+Inf"}) {
      TimeSeries.Builder s =
          series("req_seconds_bucket", "job", "api", "le", le)
              .addAllSamples(ramp(le.equals("0.1") ? 2 : le.equals("0.5") ? 5 : 6));
      if (le.equals("0.5")) {
        s.addExemplars(
            Exemplar.newBuilder()
                .addLabels(label("trace_id", "4bf92f3577b34da6"))
                .setValue(0.27)
                .setTimestamp(exemplarAt));
      }
      b.addTimeseries(s);
    }
    b.addMetadata(
        MetricMetadata.newBuilder()
            .setType(MetricMetadata.MetricType.COUNTER)
            .setMetricFamilyName("http_requests_total")
            .setHelp("Requests served."));
    b.addMetadata(
        MetricMetadata.newBuilder()
            .setType(MetricMetadata.MetricType.HISTOGRAM)
            .setMetricFamilyName("req_seconds")
            .setHelp("Request latency.")
            .setUnit("seconds"));
    return b.build();
  }

  private static TimeSeries.Builder counter(String code, double perStep) {
    return series("http_requests_total", "code", code, "instance", "a:9090", "job", "api")
        .addAllSamples(ramp(perStep));
  }

  private static TimeSeries.Builder series(String name, String... labelPairs) {
    TimeSeries.Builder s = TimeSeries.newBuilder().addLabels(label("__name__", name));
    for (int i = 0; i < labelPairs.length; i += 2) {
      s.addLabels(label(labelPairs[i], labelPairs[i + 1]));
    }
    return s;
  }

  private static Label label(String name, String value) {
    return Label.newBuilder().setName(name).setValue(value).build();
  }

  /** A sample every step over the window, rising by {@code perStep}. */
  private static List<Sample> ramp(double perStep) {
    List<Sample> out = new ArrayList<>();
    for (long t = start, i = 0; t <= end; t += STEP_MS, i++) {
      out.add(Sample.newBuilder().setTimestamp(t).setValue(i * perStep).build());
    }
    return out;
  }

  /** An acknowledged write is in the WAL; wait (10 s at most) until queries see it too. */
  private static void awaitVisible() throws Exception {
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      JsonNode n =
          get("/api/v1/query?query=" + enc("count(http_requests_total)") + "&time=" + s(end));
      JsonNode r = n.path("data").path("result");
      if (r.size() == 1 && r.get(0).path("value").get(1).asText().equals("2")) {
        return;
      }
      assertTrue(System.currentTimeMillis() < deadline, "written data never became visible: " + n);
      Thread.sleep(100);
    }
  }

  // ---- Save & test -----------------------------------------------------------------------

  @Test
  void saveAndTestQueriesOnePlusOneByPostThenGet() throws Exception {
    for (JsonNode n :
        List.of(
            post("/api/v1/query", "query=1%2B1&time=4"), get("/api/v1/query?query=1%2B1&time=4"))) {
      JsonNode data = n.get("data");
      assertEquals("scalar", data.get("resultType").asText());
      assertEquals(4, data.get("result").get(0).asDouble());
      assertEquals("2", data.get("result").get(1).asText());
    }
  }

  @Test
  void buildInfoNamesAPrometheusVersionGrafanaUnderstands() throws Exception {
    JsonNode data = get("/api/v1/status/buildinfo").get("data");
    assertEquals("2.42.0", data.get("version").asText());
    // Grafana takes a "features" object as the mark of Mimir/Cortex and changes its calls.
    assertTrue(data.path("features").isMissingNode(), data.toString());
    assertTrue(data.get("revision").asText().startsWith("rwgateway"), data.toString());
  }

  // ---- When a dashboard or Explore opens ----------------------------------------------------

  @Test
  void metadataDescribesTheRemoteWrittenFamilies() throws Exception {
    JsonNode data = get("/api/v1/metadata").get("data");
    JsonNode counter = data.get("http_requests_total").get(0);
    assertEquals("counter", counter.get("type").asText());
    assertEquals("Requests served.", counter.get("help").asText());
    assertEquals("", counter.get("unit").asText());
    JsonNode histogram = data.get("req_seconds").get(0);
    assertEquals("histogram", histogram.get("type").asText());
    assertEquals("seconds", histogram.get("unit").asText());
    assertEquals(1, get("/api/v1/metadata?metric=req_seconds").get("data").size());
    // Per tenant: another tenant has none.
    assertEquals(0, get("/api/v1/metadata", TENANT_HEADER, "team-b").get("data").size());
  }

  @Test
  void rulesAndAlertsAreEmptyLists() throws Exception {
    JsonNode groups = get("/api/v1/rules").get("data").get("groups");
    assertTrue(groups.isArray() && groups.isEmpty(), groups.toString());
    JsonNode alerts = get("/api/v1/alerts").get("data").get("alerts");
    assertTrue(alerts.isArray() && alerts.isEmpty(), alerts.toString());
  }

  @Test
  void exemplarsOfAPanelQuery() throws Exception {
    String q =
        enc("histogram_quantile(0.95, sum by (le) (rate(req_seconds_bucket{job=\"api\"}[1m0s])))");
    // In seconds: the exemplar, with its series.
    JsonNode data =
        get("/api/v1/query_exemplars?query=" + q + "&start=" + s(start) + "&end=" + s(end))
            .get("data");
    assertEquals(1, data.size(), data.toString());
    assertEquals("0.5", data.get(0).get("seriesLabels").get("le").asText());
    JsonNode e = data.get(0).get("exemplars").get(0);
    assertEquals("4bf92f3577b34da6", e.get("labels").get("trace_id").asText());
    assertEquals(0.27, Double.parseDouble(e.get("value").asText()));
    assertEquals(exemplarAt / 1000.0, e.get("timestamp").asDouble());
    // In milliseconds, as some Grafana versions send them: read as seconds, as Prometheus does,
    // far in the future, so nothing, and no error.
    data =
        get("/api/v1/query_exemplars?query=" + q + "&start=" + start + "&end=" + end).get("data");
    assertTrue(data.isArray() && data.isEmpty(), data.toString());
  }

  // ---- Metric browser and variables ---------------------------------------------------------

  @Test
  void labelNames() throws Exception {
    for (String uri :
        List.of(
            "/api/v1/labels?limit=40000",
            "/api/v1/labels?start=" + s(start) + "&end=" + s(end) + "&limit=40000")) {
      List<String> names = strings(get(uri).get("data"));
      assertEquals(List.of("__name__", "code", "instance", "job", "le"), names, uri);
    }
  }

  @Test
  void metricNamesAndLabelValues() throws Exception {
    assertEquals(
        List.of("http_requests_total", "req_seconds_bucket"),
        strings(get("/api/v1/label/__name__/values?limit=40000").get("data")));
    assertEquals(
        List.of("api"),
        strings(
            get("/api/v1/label/job/values?match[]="
                    + enc("http_requests_total")
                    + "&start="
                    + s(start)
                    + "&end="
                    + s(end))
                .get("data")));
  }

  @Test
  void seriesOfTheMetricBrowser() throws Exception {
    String all =
        "/api/v1/series?match[]="
            + enc("{__name__!=\"\"}")
            + "&start="
            + s(start)
            + "&end="
            + s(end);
    JsonNode data = get(all).get("data");
    assertEquals(5, data.size(), data.toString());
    for (JsonNode series : data) {
      assertFalse(series.path("__name__").asText().isEmpty(), series.toString());
    }
    assertEquals(2, get(all + "&limit=2").get("data").size());
    JsonNode post =
        post(
            "/api/v1/series",
            "match%5B%5D=" + enc("http_requests_total") + "&start=" + s(start) + "&end=" + s(end));
    assertEquals(2, post.get("data").size());
  }

  // ---- Panels ---------------------------------------------------------------------------------

  @Test
  void rangeQueryWithRateIntervalExpanded() throws Exception {
    // $__rate_interval expands to a Go duration string; start, end and step in whole seconds.
    String form =
        "query="
            + enc("sum by (code) (rate(http_requests_total{job=\"api\"}[1m0s]))")
            + "&start="
            + s(start)
            + "&end="
            + s(end)
            + "&step=15";
    JsonNode data = post("/api/v1/query_range", form).get("data");
    assertEquals("matrix", data.get("resultType").asText());
    JsonNode result = data.get("result");
    assertEquals(2, result.size(), result.toString());
    assertEquals("200", result.get(0).get("metric").get("code").asText());
    JsonNode values = result.get(0).get("values");
    assertTrue(values.size() > 100, "one point a step over 30 minutes: " + values.size());
    JsonNode middle = values.get(values.size() / 2);
    assertTrue(middle.get(0).isNumber(), middle.toString());
    assertEquals(10.0 / 15, Double.parseDouble(middle.get(1).asText()), 1e-9);
  }

  @Test
  void histogramQuantilePanelAndInstantTable() throws Exception {
    String form =
        "query="
            + enc("histogram_quantile(0.95, sum by (le) (rate(req_seconds_bucket[1m0s])))")
            + "&start="
            + s(start)
            + "&end="
            + s(end)
            + "&step=60";
    JsonNode result = post("/api/v1/query_range", form).get("data").get("result");
    assertEquals(1, result.size(), result.toString());
    for (JsonNode point : result.get(0).get("values")) {
      double v = Double.parseDouble(point.get(1).asText());
      assertTrue(v > 0.1 && v <= 0.5, point.toString());
    }
    JsonNode data =
        post("/api/v1/query", "query=" + enc("http_requests_total") + "&time=" + s(end))
            .get("data");
    assertEquals("vector", data.get("resultType").asText());
    assertEquals(2, data.get("result").size());
    for (JsonNode sample : data.get("result")) {
      assertEquals("http_requests_total", sample.get("metric").get("__name__").asText());
      assertEquals(end / 1000.0, sample.get("value").get(0).asDouble());
      // 120 steps after the first sample: 1200 for code 200 (10 a step), 120 for code 500.
      double perStep = sample.get("metric").get("code").asText().equals("200") ? 10 : 1;
      assertEquals(120 * perStep, Double.parseDouble(sample.get("value").get(1).asText()));
    }
  }

  // ---- HTTP as Grafana speaks it ------------------------------------------------------------

  private static String s(long millis) {
    return Long.toString(millis / 1000);
  }

  private static String enc(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8);
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static HttpRequest.Builder request(String pathAndQuery, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.httpPort() + pathAndQuery))
            .timeout(Duration.ofSeconds(30))
            .header("Accept", "application/json, text/plain, */*")
            .header("User-Agent", "Grafana/10.0.3")
            .header("X-Grafana-Org-Id", "1");
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return b;
  }

  private static JsonNode get(String pathAndQuery, String... headers) throws Exception {
    return send(request(pathAndQuery, headers).GET().build());
  }

  private static JsonNode post(String path, String form) throws Exception {
    return send(
        request(path)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build());
  }

  /** The answer, which must be a 200 JSON {@code "status":"success"}, as Grafana requires. */
  private static JsonNode send(HttpRequest req) throws Exception {
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    String what = req.method() + " " + req.uri() + " -> " + r.statusCode() + " " + r.body();
    assertEquals(200, r.statusCode(), what);
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""), what);
    JsonNode n = JSON.readTree(r.body());
    assertEquals("success", n.path("status").asText(), what);
    return n;
  }
}
