package io.rwgateway.queryapi;

import static io.rwgateway.queryapi.ApiCalls.enc;
import static io.rwgateway.queryapi.ApiCalls.get;
import static io.rwgateway.queryapi.ApiCalls.postForm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpMethod;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.Querier;
import io.rwgateway.tsdb.SeriesData;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

class PrometheusApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String HEADER = "THANOS-TENANT";

  private final InMemoryQuerier main =
      new InMemoryQuerier()
          .add(
              Labels.of("__name__", "up", "job", "api", "instance", "a:1"),
              new long[] {1000, 2000},
              new double[] {1, 1})
          .add(
              Labels.of("__name__", "up", "job", "db", "instance", "b:1"),
              new long[] {5000},
              new double[] {0})
          .add(
              Labels.of("__name__", "http_requests_total", "job", "api", "code", "200"),
              new long[] {1500},
              new double[] {7});
  private final InMemoryQuerier other =
      new InMemoryQuerier()
          .add(
              Labels.of("__name__", "other_metric", "team", "x"),
              new long[] {1000},
              new double[] {3});
  private final Map<String, Querier> tenants =
      new HashMap<>(Map.of("default-tenant", main, "team-b", other));
  private final PrometheusApi api = newApi(tenants::get);

  /** The API under test over these tenants' queriers (the list path: no chunk source). */
  PrometheusApi newApi(Function<String, Querier> querierForTenant) {
    return new PrometheusApi(
        querierForTenant,
        HEADER,
        "default-tenant",
        Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
        1000);
  }

  private static JsonNode json(ApiCalls.Answer a) throws Exception {
    assertEquals("application/json", a.contentType());
    return JSON.readTree(a.body());
  }

  @Test
  void seriesExactJsonShape() {
    ApiCalls.Answer a = get(api, "/api/v1/series?match[]=" + enc("up{job=\"db\"}"));
    assertEquals(200, a.status());
    assertEquals(
        "{\"status\":\"success\",\"data\":[{\"__name__\":\"up\",\"instance\":\"b:1\",\"job\":\"db\"}]}",
        a.text());
  }

  @Test
  void seriesUnionOfMatchSelectors() throws Exception {
    JsonNode n =
        json(
            get(
                api,
                "/api/v1/series?match[]="
                    + enc("up{job=\"db\"}")
                    + "&match[]="
                    + enc("{code=\"200\"}")));
    assertEquals("success", n.get("status").asText());
    assertEquals(2, n.get("data").size());
    assertEquals("http_requests_total", n.get("data").get(0).get("__name__").asText());
    assertEquals("db", n.get("data").get(1).get("job").asText());
    assertEquals(selectorsPerCall(2), main.lastSelectors.size());
  }

  /** Selectors a querier gets in one call when a request has {@code n}: all of them at once. */
  int selectorsPerCall(int n) {
    return n;
  }

  @Test
  void seriesPostFormMergesBodyAndUrl() throws Exception {
    JsonNode n =
        json(
            postForm(
                api,
                "/api/v1/series?match[]=" + enc("{code=\"200\"}") + "&start=9",
                "match[]="
                    + enc("up{job=\"db\"}")
                    + "&start=1.5&end="
                    + enc("1970-01-01T00:00:06Z")));
    assertEquals(2, n.get("data").size());
    assertEquals(1500, main.lastMint, "body value wins over the URL's, as in Go's FormValue");
    assertEquals(6000, main.lastMaxt);
  }

  @Test
  void timeBoundsAreDelegatedAndFilter() throws Exception {
    JsonNode n = json(get(api, "/api/v1/series?match[]=up&start=4&end=6"));
    assertEquals(4000, main.lastMint);
    assertEquals(6000, main.lastMaxt);
    assertEquals(1, n.get("data").size());
    assertEquals("db", n.get("data").get(0).get("job").asText());

    get(api, "/api/v1/series?match[]=up");
    assertEquals(Long.MIN_VALUE, main.lastMint, "default start is unbounded");
    assertEquals(Long.MAX_VALUE, main.lastMaxt, "default end is unbounded");

    get(
        api,
        "/api/v1/labels?start="
            + enc(PromTime.MIN_TIME_FORMATTED)
            + "&end="
            + enc(PromTime.MAX_TIME_FORMATTED));
    assertEquals(Long.MIN_VALUE, main.lastMint);
    assertEquals(Long.MAX_VALUE, main.lastMaxt);
  }

  @Test
  void pathologicalRegexesAnswerInMilliseconds() throws Exception {
    // With java.util.regex these two held a core for 38 s and 14 s (measured 2026-12-07).
    main.add(
        Labels.of("__name__", "evil", "v", "a".repeat(30) + "c"),
        new long[] {1000},
        new double[] {1});
    Assertions.assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () -> {
          for (String sel : List.of("{v=~\"((a+)+)+b\"}", "{v=~\"(.*a){25}b\"}")) {
            JsonNode n = json(get(api, "/api/v1/series?match[]=" + enc(sel)));
            assertEquals("success", n.get("status").asText(), sel);
            assertEquals(0, n.get("data").size(), sel);
          }
          JsonNode hit = json(get(api, "/api/v1/series?match[]=" + enc("{v=~\"(a+)+c\"}")));
          assertEquals(1, hit.get("data").size());
        });
  }

  @Test
  void seriesErrors() {
    assertBadData(get(api, "/api/v1/series"), "no match[] parameter provided");
    assertBadData(
        get(api, "/api/v1/series?match[]=" + enc("{job=~\".*\"}")),
        "invalid parameter \"match[]\": match[] must contain at least one non-empty matcher");
    assertBadData(
        get(api, "/api/v1/series?match[]=" + enc("github_stars{")),
        "invalid parameter \"match[]\": 1:14: parse error: unexpected end of input inside braces");
    assertBadData(
        get(api, "/api/v1/series?match[]=up&start=abc"),
        "invalid parameter \"start\": invalid time value for 'start': cannot parse \"abc\" to a valid timestamp");
    assertBadData(
        get(api, "/api/v1/series?match[]=up&end=2023-13-01T00:00:00Z"),
        "invalid parameter \"end\": invalid time value for 'end': cannot parse \"2023-13-01T00:00:00Z\" to a valid timestamp");
    assertBadData(
        get(api, "/api/v1/series?match[]=up&limit=x"),
        "invalid parameter \"limit\": strconv.Atoi: parsing \"x\": invalid syntax");
    assertBadData(
        get(api, "/api/v1/series?match[]=up&limit=-1"),
        "invalid parameter \"limit\": limit must be non-negative");
  }

  private static void assertBadData(ApiCalls.Answer a, String message) {
    assertEquals(400, a.status(), a.text());
    assertEquals("application/json", a.contentType());
    String expected =
        "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\""
            + message.replace("\"", "\\\"")
            + "\"}";
    assertEquals(expected, a.text());
  }

  @Test
  void labelsWithAndWithoutMatch() throws Exception {
    assertEquals(
        "{\"status\":\"success\",\"data\":[\"__name__\",\"code\",\"instance\",\"job\"]}",
        get(api, "/api/v1/labels").text());
    assertTrue(main.lastSelectors.isEmpty());
    JsonNode n = json(postForm(api, "/api/v1/labels", "match[]=" + enc("{code=\"200\"}")));
    assertEquals(List.of("__name__", "code", "job"), JSON.convertValue(n.get("data"), List.class));
    assertBadData(
        get(api, "/api/v1/labels?match[]=" + enc("{a=\"\"}")),
        "invalid parameter \"match[]\": match[] must contain at least one non-empty matcher");
  }

  @Test
  void labelValues() throws Exception {
    assertEquals(
        "{\"status\":\"success\",\"data\":[\"http_requests_total\",\"up\"]}",
        get(api, "/api/v1/label/__name__/values").text());
    JsonNode n = json(get(api, "/api/v1/label/job/values?match[]=up&start=3"));
    assertEquals(List.of("db"), JSON.convertValue(n.get("data"), List.class));
    assertEquals(3000, main.lastMint);
    assertEquals(
        "{\"status\":\"success\",\"data\":[]}", get(api, "/api/v1/label/nope/values").text());
  }

  @Test
  void labelValuesNameEncodings() {
    InMemoryQuerier q =
        new InMemoryQuerier()
            .add(
                Labels.of("__name__", "m", "service.name", "api", "a+b", "plus"),
                new long[] {1},
                new double[] {1});
    tenants.put("enc", q);
    assertEquals(
        "{\"status\":\"success\",\"data\":[\"api\"]}",
        get(api, "/api/v1/label/service%2Ename/values", HEADER, "enc").text());
    assertEquals(
        "{\"status\":\"success\",\"data\":[\"api\"]}",
        get(api, "/api/v1/label/U__service_2e_name/values", HEADER, "enc").text());
    assertEquals(
        "{\"status\":\"success\",\"data\":[\"plus\"]}",
        get(api, "/api/v1/label/a+b/values", HEADER, "enc").text());
    assertBadData(get(api, "/api/v1/label//values"), "invalid label name: \"\"");
  }

  @Test
  void limitTruncatesWithWarning() throws Exception {
    assertEquals(
        "{\"status\":\"success\",\"data\":[\"__name__\",\"code\"],\"warnings\":[\"results truncated due to limit\"]}",
        get(api, "/api/v1/labels?limit=2").text());
    JsonNode n = json(get(api, "/api/v1/series?match[]=up&limit=1"));
    assertEquals(1, n.get("data").size());
    assertEquals(1, n.get("warnings").size());
    assertNull(json(get(api, "/api/v1/series?match[]=up&limit=2")).get("warnings"));
    assertNull(json(get(api, "/api/v1/series?match[]=up&limit=0")).get("warnings"));
  }

  @Test
  void tenantHeaderRouting() throws Exception {
    JsonNode n = json(get(api, "/api/v1/label/__name__/values", "thanos-tenant", "team-b"));
    assertEquals(List.of("other_metric"), JSON.convertValue(n.get("data"), List.class));
    n = json(get(api, "/api/v1/label/__name__/values"));
    assertEquals(
        List.of("http_requests_total", "up"), JSON.convertValue(n.get("data"), List.class));
    assertEquals(
        "{\"status\":\"success\",\"data\":[]}",
        get(api, "/api/v1/series?match[]=up", HEADER, "unknown-tenant").text());
    assertEquals(
        "{\"status\":\"success\",\"data\":[]}",
        get(api, "/api/v1/labels", HEADER, "unknown-tenant").text());
    for (String bad : new String[] {"..", ".", "a/b", "x".repeat(129), "tenant one"}) {
      ApiCalls.Answer a = get(api, "/api/v1/labels", HEADER, bad);
      assertEquals(400, a.status(), bad);
      assertTrue(
          json(a).get("error").asText().startsWith("invalid tenant id in header THANOS-TENANT"));
    }
    assertEquals(200, get(api, "/api/v1/labels", HEADER, "A-z_0.9").status());
    // An empty header means the default tenant, as on the write path.
    n = json(get(api, "/api/v1/label/__name__/values", HEADER, ""));
    assertEquals(
        List.of("http_requests_total", "up"), JSON.convertValue(n.get("data"), List.class));
  }

  @Test
  void otherPathsAreNotOurs() {
    ApiCalls.assertNotOurs(
        api,
        "/api/v1/queryx?query=up",
        "/api/v1/labels/",
        "/api/v1/label/a/b/values",
        "/api/v1/label/values",
        "/metrics",
        "/api/v1/series/x");
  }

  @Test
  void wrongMethod() {
    ApiCalls.Answer a =
        ApiCalls.call(api, ApiCalls.request(HttpMethod.DELETE, "/api/v1/series?match[]=up", null));
    assertEquals(405, a.status());
    assertEquals("GET, POST", a.allow());
    a = ApiCalls.call(api, ApiCalls.request(HttpMethod.GET, "/api/v1/read", null));
    assertEquals(405, a.status());
    assertEquals("POST", a.allow());
  }

  @Test
  void jsonEscapesLikeGo() {
    tenants.put(
        "esc",
        new InMemoryQuerier()
            .add(
                Labels.of("__name__", "m", "v", "<a&b>\"\\\n\u2028é"),
                new long[] {1},
                new double[] {1}));
    assertEquals(
        "{\"status\":\"success\",\"data\":[\"\\u003ca\\u0026b\\u003e\\\"\\\\\\n\\u2028é\"]}",
        get(api, "/api/v1/label/v/values", HEADER, "esc").text());
  }

  @Test
  void querierFailureIs500() throws Exception {
    tenants.put(
        "broken",
        new InMemoryQuerier() {
          @Override
          public List<Labels> series(List<Matcher[]> selectors, long mint, long maxt) {
            throw new IllegalStateException("head closed");
          }

          @Override
          public List<SeriesData> select(Matcher[] matchers, long mint, long maxt) {
            throw new IllegalStateException("head closed");
          }
        });
    ApiCalls.Answer a = get(api, "/api/v1/series?match[]=up", HEADER, "broken");
    assertEquals(500, a.status());
    assertEquals(
        "{\"status\":\"error\",\"errorType\":\"internal\",\"error\":\"head closed\"}", a.text());
  }
}
