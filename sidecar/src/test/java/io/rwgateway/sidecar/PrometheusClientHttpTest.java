package io.rwgateway.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.proto.prompb.ReadRequest;
import io.rwgateway.tsdb.ChunkQuerier;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * What the client sends and how it reads answers a real Prometheus does not give on demand
 * (credentials, 503s, a wrong content type), against a scripted HTTP server.
 */
class PrometheusClientHttpTest {
  @TempDir Path dir;
  private HttpServer server;
  private String base;
  private final ConcurrentLinkedQueue<String> authorizations = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> requests = new ConcurrentLinkedQueue<>();
  private volatile int status = 200;
  private volatile String contentType = "application/json";
  private volatile String body = "{\"status\":\"success\",\"data\":[\"b\",\"a\"]}";
  private volatile byte[] lastReadBody;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        ex -> {
          authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
          requests.add(
              ex.getRequestMethod()
                  + " "
                  + ex.getRequestURI()
                  + " "
                  + ex.getRequestHeaders().getFirst("Content-Encoding")
                  + " "
                  + ex.getRequestHeaders().getFirst("X-Prometheus-Remote-Read-Version"));
          lastReadBody = ex.getRequestBody().readAllBytes();
          byte[] b = body.getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", contentType);
          ex.sendResponseHeaders(status, b.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
          }
        });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort() + "/prom";
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void basicAuthReadsItsPasswordFileOnEveryRequest() throws Exception {
    Path pw = dir.resolve("pw");
    Files.writeString(pw, "first\n");
    PrometheusClient c = client("basic_auth: {username: thanos, password_file: '" + pw + "'}");
    c.labelNames(List.of(), 0, 1000);
    Files.writeString(pw, "second");
    c.labelNames(List.of(), 0, 1000);
    assertEquals(
        List.of(basic("thanos:first"), basic("thanos:second")), List.copyOf(authorizations));
  }

  @Test
  void bearerTokensInlineAndFromAFile() throws Exception {
    client("bearer_token: abc").labelNames(List.of(), 0, 1000);
    Path tok = dir.resolve("token");
    Files.writeString(tok, " xyz \n");
    client("bearer_token_file: " + tok).labelNames(List.of(), 0, 1000);
    client("").labelNames(List.of(), 0, 1000);
    assertEquals(List.of("Bearer abc", "Bearer xyz", "null"), List.copyOf(authorizations));
  }

  @Test
  void labelCallsSendTheSelectorAndRangeUnderThePathPrefix() {
    PrometheusClient c = client("");
    assertEquals(List.of("b", "a"), c.labelNames(List.of(Matcher.eq("job", "x y")), 1_500, 2_000));
    c.labelValues("job", List.of(), Long.MIN_VALUE, Long.MAX_VALUE);
    assertEquals(
        List.of(
            "GET /prom/api/v1/labels?match%5B%5D=%7Bjob%3D%22x+y%22%7D&start=1.500&end=2.000 null null",
            "GET /prom/api/v1/label/job/values null null"),
        List.copyOf(requests));
  }

  @Test
  void a503IsNotTheClientsFaultAndTheQuerierSaysUnavailable() {
    status = 503;
    body = "{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"TSDB not ready\"}";
    PrometheusException e =
        assertThrows(PrometheusException.class, () -> client("").labelNames(List.of(), 0, 1));
    assertEquals(503, e.status());
    assertFalse(e.isClientError());
    assertFalse(e.isUnreachable());
    assertTrue(e.getMessage().contains("unavailable: TSDB not ready"), e.getMessage());
    assertTrue(e.getMessage().contains(base + "/api/v1/labels"), e.getMessage());

    ChunkQuerier q = new RemoteReadChunkQuerier(client(""), Labels.EMPTY, 0, 1000);
    IllegalStateException ise =
        assertThrows(IllegalStateException.class, () -> q.select(Matcher.eq("job", "a")));
    assertTrue(ise.getMessage().contains("TSDB not ready"), ise.getMessage());
  }

  @Test
  void remoteReadSendsSnappyProtobufAndChecksTheAnswerType() throws Exception {
    contentType = "application/x-protobuf";
    ChunkQuerier q = new RemoteReadChunkQuerier(client(""), Labels.EMPTY, 5, 6);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> q.select(Matcher.eq("job", "a")));
    assertTrue(e.getMessage().contains("Content-Type 'application/x-protobuf'"), e.getMessage());
    assertEquals(List.of("POST /prom/api/v1/read snappy 0.1.0"), List.copyOf(requests));
    ReadRequest sent = ReadRequest.parseFrom(Snappy.uncompress(lastReadBody));
    assertEquals(
        List.of(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS), sent.getAcceptedResponseTypesList());
    assertEquals(5, sent.getQueries(0).getStartTimestampMs());
    assertEquals(6, sent.getQueries(0).getEndTimestampMs());
    assertEquals("job", sent.getQueries(0).getMatchers(0).getName());
  }

  private PrometheusClient client(String yaml) {
    return new PrometheusClient(URI.create(base), PrometheusHttpConfig.parse(yaml));
  }

  private static String basic(String pair) {
    return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
  }
}
