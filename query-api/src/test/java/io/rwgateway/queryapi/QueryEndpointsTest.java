package io.rwgateway.queryapi;

import static io.rwgateway.queryapi.ApiCalls.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkQueryable;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The PromQL endpoints' parameters, limits, errors and JSON, on queries that need no data (the
 * differential test in the gateway module checks answers over data against Prometheus). Expected
 * bodies are what Prometheus 2.42 answers to the same requests.
 */
class QueryEndpointsTest {
  private static PrometheusApi api(QueryOptions options) {
    return new PrometheusApi(
        tenant -> null,
        new NoData(),
        "THANOS-TENANT",
        "default-tenant",
        Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
        1000,
        options);
  }

  private static final PrometheusApi API = api(QueryOptions.DEFAULTS);

  private static String get(String uri) {
    return ApiCalls.get(API, uri).text();
  }

  @Test
  void grafanasSaveAndTest() {
    ApiCalls.Answer a = ApiCalls.postForm(API, "/api/v1/query", "query=1%2B1&time=4");
    assertEquals(200, a.status());
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[4,\"2\"]}}",
        a.text());
  }

  @Test
  void valuesAndTimesAreWrittenAsPrometheusWritesThem() {
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
            + "[{\"metric\":{},\"value\":[1.5,\"2e-07\"]}]}}",
        get("/api/v1/query?time=1.5&query=" + enc("vector(2e-7)")).replace("1.500", "1.5"));
    // A vector point's time keeps three digits of milliseconds; a scalar's is a shortest float.
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
            + "[{\"metric\":{},\"value\":[1.500,\"1e+21\"]}]}}",
        get("/api/v1/query?time=1.5&query=" + enc("vector(1e21)")));
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":"
            + "[1.5,\"0.0000001\"]}}",
        get("/api/v1/query?time=1.5&query=" + enc("1e-7")));
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":[100,\"a\"]}}",
        get("/api/v1/query?time=100&query=" + enc("\"a\"")));
    assertEquals(
        "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":"
            + "[{\"metric\":{},\"values\":[[0,\"-Inf\"],[30,\"NaN\"]]}]}}",
        get("/api/v1/query_range?start=0&end=59&step=30s&query=" + enc("vector(time() - 30) / 0")));
  }

  @Test
  void badRequestsGetPrometheusErrors() {
    assertEquals(
        "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid parameter"
            + " \\\"query\\\": 1:5: parse error: unexpected identifier \\\"bar\\\"\"}",
        get("/api/v1/query?query=" + enc("foo bar")));
    assertEquals(
        "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"exceeded maximum"
            + " resolution of 11,000 points per timeseries. Try decreasing the query resolution"
            + " (?step=XX)\"}",
        get("/api/v1/query_range?start=0&end=11001&step=1&query=up"));
    assertEquals(
        "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"zero or negative query"
            + " resolution step widths are not accepted. Try a positive integer\"}",
        get("/api/v1/query_range?start=0&end=10&step=0&query=up"));
    assertEquals(
        "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"end timestamp must not be"
            + " before start time\"}",
        get("/api/v1/query_range?start=10&end=0&step=1&query=up"));
    assertEquals(
        "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid expression type"
            + " \\\"range vector\\\" for range query, must be Scalar or instant Vector\"}",
        get("/api/v1/query_range?start=0&end=10&step=1&query=" + enc("up[5m]")));
    ApiCalls.Answer deep =
        ApiCalls.get(
            API, "/api/v1/query?query=" + enc("(".repeat(10_000) + "1" + ")".repeat(10_000)));
    assertEquals(400, deep.status());
  }

  /** Collects a streamed answer. */
  private static class Collected implements HttpStream {
    final java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    int pieces;
    boolean started;
    boolean ended;

    @Override
    public void start(io.netty.handler.codec.http.HttpResponseStatus status, String contentType) {
      assertEquals(200, status.code());
      assertEquals("application/json", contentType);
      started = true;
    }

    @Override
    public void write(io.netty.buffer.ByteBuf content) {
      try {
        pieces++;
        assertTrue(content.readableBytes() <= ChunkedOutput.PIECE);
        content.readBytes(body, content.readableBytes());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      } finally {
        content.release();
      }
    }

    @Override
    public void end() {
      ended = true;
    }

    @Override
    public void abort(String reason) {
      throw new AssertionError("aborted: " + reason);
    }
  }

  @Test
  void largeAnswersAreStreamedInPiecesAndReadTheSame() {
    String uri = "/api/v1/query_range?start=0&end=10999&step=1&query=" + enc("vector(time() / 7)");
    String whole = get(uri);
    Collected stream = new Collected();
    io.netty.handler.codec.http.FullHttpRequest req =
        ApiCalls.request(io.netty.handler.codec.http.HttpMethod.GET, uri, null);
    try {
      assertNull(API.handle(req, stream, io.netty.buffer.ByteBufAllocator.DEFAULT));
    } finally {
      req.release();
    }
    assertTrue(stream.started && stream.ended);
    assertTrue(stream.pieces > 3, "pieces: " + stream.pieces);
    assertEquals(whole, stream.body.toString(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void aQueryWhoseClientWentAwayIsGivenUpWith499() {
    Collected gone =
        new Collected() {
          @Override
          public boolean open() {
            return false;
          }
        };
    io.netty.handler.codec.http.FullHttpRequest req =
        ApiCalls.request(
            io.netty.handler.codec.http.HttpMethod.GET, "/api/v1/query?query=" + enc("1"), null);
    io.netty.handler.codec.http.FullHttpResponse res;
    try {
      res = API.handle(req, gone, io.netty.buffer.ByteBufAllocator.DEFAULT);
    } finally {
      req.release();
    }
    try {
      assertEquals(499, res.status().code());
      assertEquals(
          "{\"status\":\"error\",\"errorType\":\"canceled\",\"error\":\"query was canceled in"
              + " query queue\"}",
          res.content().toString(java.nio.charset.StandardCharsets.UTF_8));
    } finally {
      res.release();
    }
  }

  @Test
  void tooManySamplesIs422() {
    PrometheusApi small = api(new QueryOptions(300_000, 5, 120_000, 20));
    ApiCalls.Answer a =
        ApiCalls.get(
            small, "/api/v1/query_range?start=0&end=100&step=10&query=" + enc("vector(1)"));
    assertEquals(422, a.status());
    assertEquals(
        "{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"query processing would"
            + " load too many samples into memory in query execution\"}",
        a.text());
  }

  /** A tenant without data. */
  private static final class NoData implements ChunkQueryable {
    @Override
    public List<String> tenants() {
      return List.of();
    }

    @Override
    public long minTime(String tenant) {
      return Long.MAX_VALUE;
    }

    @Override
    public ChunkQuerier chunkQuerier(String tenant, long mint, long maxt) {
      return ChunkQuerier.empty(mint, maxt);
    }
  }
}
