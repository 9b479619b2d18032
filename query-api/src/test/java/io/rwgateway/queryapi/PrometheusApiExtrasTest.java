package io.rwgateway.queryapi;

import static io.rwgateway.queryapi.ApiCalls.enc;
import static io.rwgateway.queryapi.ApiCalls.get;
import static io.rwgateway.queryapi.ApiCalls.postForm;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.handler.codec.http.HttpMethod;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.ExemplarData;
import io.rwgateway.tsdb.MetricMetadata;
import io.rwgateway.tsdb.TenantExtras;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The endpoints beside the data ones: metadata, exemplars, format_query, status, rules and alerts.
 * Bodies are compared whole, as Prometheus 2.42 writes them.
 */
class PrometheusApiExtrasTest {
  private static final String HEADER = "THANOS-TENANT";

  /** Extras of two tenants; records the last exemplar call's range. */
  private static final class FakeExtras implements TenantExtras {
    final Map<String, SortedMap<String, MetricMetadata>> metadata = new TreeMap<>();
    final Map<String, List<ExemplarData>> exemplars = new TreeMap<>();
    long lastMint;
    long lastMaxt;
    int calls;

    @Override
    public SortedMap<String, MetricMetadata> metadata(String tenant) {
      return metadata.getOrDefault(tenant, new TreeMap<>());
    }

    @Override
    public List<ExemplarData> exemplars(String tenant, Matcher[] matchers, long mint, long maxt) {
      calls++;
      lastMint = mint;
      lastMaxt = maxt;
      List<ExemplarData> out = new ArrayList<>();
      for (ExemplarData e : exemplars.getOrDefault(tenant, List.of())) {
        boolean all = e.t() >= mint && e.t() <= maxt;
        for (Matcher m : matchers) {
          all &= m.matches(e.series().get(m.name()));
        }
        if (all) {
          out.add(e);
        }
      }
      return out;
    }
  }

  private final FakeExtras extras = new FakeExtras();
  private final PrometheusApi api =
      new PrometheusApi(
              tenant -> null,
              HEADER,
              "default-tenant",
              Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
              1000)
          .withExtras(extras);

  PrometheusApiExtrasTest() {
    SortedMap<String, MetricMetadata> md = new TreeMap<>();
    md.put("http_requests_total", new MetricMetadata(1, "Requests served.", ""));
    md.put("mem_bytes", new MetricMetadata(2, "Memory <used>.", "bytes"));
    md.put("odd", new MetricMetadata(42, "", ""));
    extras.metadata.put("default-tenant", md);
    Labels a = Labels.of("__name__", "req_seconds_bucket", "le", "0.5", "job", "a");
    Labels b = Labels.of("__name__", "req_seconds_bucket", "le", "0.5", "job", "b");
    extras.exemplars.put(
        "default-tenant",
        List.of(
            new ExemplarData(b, Labels.of("trace_id", "bb1"), 2_000, 0.25),
            new ExemplarData(a, Labels.of("trace_id", "aa1"), 1_500, 0.125),
            new ExemplarData(a, Labels.of("trace_id", "aa2"), 3_000, 1e-7)));
  }

  @Test
  void metadataShapeLimitAndMetric() {
    assertEquals(
        "{\"status\":\"success\",\"data\":{"
            + "\"http_requests_total\":[{\"type\":\"counter\",\"help\":\"Requests served.\",\"unit\":\"\"}],"
            + "\"mem_bytes\":[{\"type\":\"gauge\",\"help\":\"Memory \\u003cused\\u003e.\",\"unit\":\"bytes\"}],"
            + "\"odd\":[{\"type\":\"unknown\",\"help\":\"\",\"unit\":\"\"}]}}",
        get(api, "/api/v1/metadata").text());
    assertEquals(
        "{\"status\":\"success\",\"data\":{"
            + "\"mem_bytes\":[{\"type\":\"gauge\",\"help\":\"Memory \\u003cused\\u003e.\",\"unit\":\"bytes\"}]}}",
        get(api, "/api/v1/metadata?metric=mem_bytes&limit_per_metric=1").text());
    assertEquals(
        "{\"status\":\"success\",\"data\":{"
            + "\"http_requests_total\":[{\"type\":\"counter\",\"help\":\"Requests served.\",\"unit\":\"\"}]}}",
        get(api, "/api/v1/metadata?limit=1").text());
    // As in Prometheus: limit 0 is an empty answer, a negative limit is no limit.
    assertEquals(
        "{\"status\":\"success\",\"data\":{}}", get(api, "/api/v1/metadata?limit=0").text());
    assertEquals(3, countFamilies(get(api, "/api/v1/metadata?limit=-1").text()));
    assertEquals(
        "{\"status\":\"success\",\"data\":{}}", get(api, "/api/v1/metadata?metric=nope").text());
    assertEquals(
        "{\"status\":\"success\",\"data\":{}}",
        get(api, "/api/v1/metadata", HEADER, "team-b").text());
  }

  private static int countFamilies(String body) {
    return body.split("\"type\"").length - 1;
  }

  @Test
  void metadataErrors() {
    ApiCalls.Answer a = get(api, "/api/v1/metadata?limit=x");
    assertEquals(400, a.status());
    assertEquals(
        "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"limit must be a number\"}",
        a.text());
    a = get(api, "/api/v1/metadata?limit_per_metric=1.5");
    assertEquals(400, a.status());
    assertEquals(
        "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"limit_per_metric must be a number\"}",
        a.text());
  }

  @Test
  void exemplarsGroupedBySeriesInLabelOrder() {
    String q = enc("histogram_quantile(0.9, rate(req_seconds_bucket{job=~\"a|b\"}[5m]))");
    assertEquals(
        "{\"status\":\"success\",\"data\":["
            + "{\"seriesLabels\":{\"__name__\":\"req_seconds_bucket\",\"job\":\"a\",\"le\":\"0.5\"},"
            + "\"exemplars\":[{\"labels\":{\"trace_id\":\"aa1\"},\"value\":\"0.125\",\"timestamp\":1.500},"
            + "{\"labels\":{\"trace_id\":\"aa2\"},\"value\":\"1e-07\",\"timestamp\":3}]},"
            + "{\"seriesLabels\":{\"__name__\":\"req_seconds_bucket\",\"job\":\"b\",\"le\":\"0.5\"},"
            + "\"exemplars\":[{\"labels\":{\"trace_id\":\"bb1\"},\"value\":\"0.25\",\"timestamp\":2}]}]}",
        get(api, "/api/v1/query_exemplars?query=" + q + "&start=1&end=3").text());
    assertEquals(1000, extras.lastMint);
    assertEquals(3000, extras.lastMaxt);
  }

  @Test
  void exemplarSelectorsAreAUnion() {
    // Both selectors match job="a": its exemplars are listed once.
    String q = enc("req_seconds_bucket{job=\"a\"} / on() group_left req_seconds_bucket");
    String body = postForm(api, "/api/v1/query_exemplars", "query=" + q).text();
    assertEquals(3, body.split("trace_id").length - 1, body);
    assertEquals(2, extras.calls);
    assertEquals(Long.MIN_VALUE, extras.lastMint, "no start: unbounded");
    assertEquals(Long.MAX_VALUE, extras.lastMaxt, "no end: unbounded");
  }

  @Test
  void exemplarTimesInMillisecondsAreSecondsFarAheadAsInPrometheus() {
    // Grafana has sent milliseconds here; 2.42 reads them as seconds and finds nothing.
    ApiCalls.Answer a =
        get(
            api,
            "/api/v1/query_exemplars?query=req_seconds_bucket&start=1700000000000&end=1700000360000");
    assertEquals(200, a.status());
    assertEquals("{\"status\":\"success\",\"data\":[]}", a.text());
    assertEquals(1_700_000_000_000_000L, extras.lastMint);
  }

  @Test
  void exemplarsOfAQueryWithoutSelectorsLeaveDataOut() {
    assertEquals(
        "{\"status\":\"success\"}", get(api, "/api/v1/query_exemplars?query=1%2B1").text());
    assertEquals(0, extras.calls);
  }

  @Test
  void exemplarErrorsAsPrometheus() {
    assertError(
        get(api, "/api/v1/query_exemplars?query=up&start=x"),
        "invalid parameter \\\"start\\\": invalid time value for 'start': cannot parse \\\"x\\\""
            + " to a valid timestamp");
    assertError(
        get(api, "/api/v1/query_exemplars?query=up&start=5&end=4"),
        "end timestamp must not be before start timestamp");
    // The parse error is not wrapped in 'invalid parameter' here (it is for format_query).
    assertError(
        get(api, "/api/v1/query_exemplars?query=" + enc("sum(up")),
        "1:7: parse error: unclosed left parenthesis");
    assertError(
        get(api, "/api/v1/query_exemplars?query=" + enc("{a=~\".*\"}")),
        "1:1: parse error: vector selector must contain at least one non-empty matcher");
  }

  private static void assertError(ApiCalls.Answer a, String message) {
    assertEquals(400, a.status(), a.text());
    assertEquals(
        "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"" + message + "\"}",
        a.text());
  }

  @Test
  void formatQueryPrintsTheParsedQuery() {
    assertEquals(
        "{\"status\":\"success\",\"data\":\"sum by (job) (rate(x{a=\\\"b\\\",c!=\\\"d\\\"}[1h30m]))\"}",
        get(api, "/api/v1/format_query?query=" + enc("sum(rate(x{c!='d',a=\"b\"}[90m])) by (job)"))
            .text());
    assertEquals(
        "{\"status\":\"success\",\"data\":\"1 + 1\"}",
        postForm(api, "/api/v1/format_query", "query=1%2B1").text());
    assertError(
        get(api, "/api/v1/format_query?query=" + enc("foo{")),
        "invalid parameter \\\"query\\\": 1:5: parse error: unexpected end of input inside braces");
  }

  @Test
  void buildInfoAndFlags() {
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"version\":\"2.42.0\",\"revision\":\"rwgateway-dev\","
            + "\"branch\":\"rwgateway\",\"buildUser\":\"\",\"buildDate\":\"\","
            + "\"goVersion\":\"java"
            + Runtime.version()
            + "\"}}",
        get(api, "/api/v1/status/buildinfo").text());
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"query.lookback-delta\":\"5m\","
            + "\"query.max-concurrent\":\"20\",\"query.max-samples\":\"50000000\","
            + "\"query.timeout\":\"2m\"}}",
        get(api, "/api/v1/status/flags").text());
    PrometheusApi custom =
        api.withStatus(
            new BuildInfo("2.42.0", "r", "b", "u", "d", "g"), Map.of("z.flag", "1", "a.flag", "x"));
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"a.flag\":\"x\",\"z.flag\":\"1\"}}",
        get(custom, "/api/v1/status/flags").text());
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"version\":\"2.42.0\",\"revision\":\"r\",\"branch\":\"b\","
            + "\"buildUser\":\"u\",\"buildDate\":\"d\",\"goVersion\":\"g\"}}",
        get(custom, "/api/v1/status/buildinfo").text());
    // The copy keeps the extras.
    assertEquals(3, countFamilies(get(custom, "/api/v1/metadata").text()));
  }

  @Test
  void rulesAndAlertsAreEmpty() {
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"groups\":[]}}", get(api, "/api/v1/rules").text());
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"groups\":[]}}",
        get(api, "/api/v1/rules?type=ALERT").text());
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"alerts\":[]}}", get(api, "/api/v1/alerts").text());
    assertError(
        get(api, "/api/v1/rules?type=x"),
        "invalid parameter \\\"type\\\": not supported value \\\"x\\\"");
  }

  @Test
  void methodsAsPrometheusRoutesThem() {
    for (String path :
        new String[] {
          "/api/v1/metadata",
          "/api/v1/status/buildinfo",
          "/api/v1/status/flags",
          "/api/v1/rules",
          "/api/v1/alerts"
        }) {
      ApiCalls.Answer a = postForm(api, path, "");
      assertEquals(405, a.status(), path);
      assertEquals("GET", a.allow(), path);
    }
    assertEquals(200, postForm(api, "/api/v1/query_exemplars", "query=up").status());
    ApiCalls.Answer a =
        ApiCalls.call(api, ApiCalls.request(HttpMethod.PUT, "/api/v1/format_query?query=1", null));
    assertEquals(405, a.status());
    assertEquals("GET, POST", a.allow());
  }

  @Test
  void withoutExtrasTheAnswersAreEmpty() {
    PrometheusApi bare =
        new PrometheusApi(tenant -> null, HEADER, "default-tenant", Clock.systemUTC(), 1000);
    assertEquals("{\"status\":\"success\",\"data\":{}}", get(bare, "/api/v1/metadata").text());
    assertEquals(
        "{\"status\":\"success\",\"data\":[]}",
        get(bare, "/api/v1/query_exemplars?query=up").text());
  }

  @Test
  void otherPathsStayUnknown() {
    ApiCalls.assertNotOurs(
        api,
        "/api/v1/status/runtimeinfo",
        "/api/v1/status/config",
        "/api/v1/status/tsdb",
        "/api/v1/status",
        "/api/v1/metadata/x",
        "/api/v1/targets",
        "/api/v1/nope");
  }

  @Test
  void invalidTenantIsRefusedEverywhere() {
    assertEquals(400, get(api, "/api/v1/metadata", HEADER, "a/b").status());
    assertEquals(400, get(api, "/api/v1/query_exemplars?query=up", HEADER, "..").status());
  }
}
