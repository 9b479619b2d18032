package io.rwgateway.gateway;

import static java.util.Map.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.rwgateway.proto.prompb.WriteRequest;
import io.rwgateway.proto.thanos.infopb.InfoGrpc;
import io.rwgateway.proto.thanos.infopb.InfoRequest;
import io.rwgateway.proto.thanos.storepb.LabelMatcher;
import io.rwgateway.proto.thanos.storepb.SeriesRequest;
import io.rwgateway.proto.thanos.storepb.SeriesResponse;
import io.rwgateway.proto.thanos.storepb.StoreGrpc;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;
import picocli.CommandLine;

/**
 * The Thanos and Prometheus metric names the gateway claims to provide (docs/metrics.md, the table
 * under "Thanos and Prometheus names"), checked on running roles: each role is exercised as the
 * mixin's panels expect (writes, a forward through a hashring, StoreAPI calls, queries), then its
 * /metrics must carry every name claimed for it, with Thanos' labels and the counts of what was
 * done.
 */
class ThanosMetricNamesTest {
  private static final Set<String> RECEIVE = Set.of("receive");
  private static final Set<String> QUERY = Set.of("query");
  private static final Set<String> SIDECAR = Set.of("sidecar");
  private static final Set<String> RECEIVE_QUERY = Set.of("receive", "query");
  private static final Set<String> RECEIVE_SIDECAR = Set.of("receive", "sidecar");
  private static final Set<String> ALL = Set.of("receive", "query", "sidecar");

  /** Each claimed name and the roles that export it; the same list as docs/metrics.md's table. */
  static final Map<String, Set<String>> CLAIMED =
      new TreeMap<>(
          Map.ofEntries(
              entry("http_requests_total", RECEIVE_QUERY),
              entry("http_request_duration_seconds", RECEIVE_QUERY),
              entry("http_request_size_bytes", RECEIVE_QUERY),
              entry("http_inflight_requests", RECEIVE_QUERY),
              entry("thanos_receive_write_timeseries", RECEIVE),
              entry("thanos_receive_write_samples", RECEIVE),
              entry("thanos_receive_forward_requests_total", RECEIVE),
              entry("thanos_receive_replications_total", RECEIVE),
              entry("thanos_receive_replication_factor", RECEIVE),
              entry("thanos_receive_hashrings_file_changes_total", RECEIVE),
              entry("thanos_receive_hashrings_file_errors_total", RECEIVE),
              entry("thanos_receive_hashrings_file_refreshes_total", RECEIVE),
              entry("thanos_receive_config_last_reload_successful", RECEIVE),
              entry("thanos_receive_config_last_reload_success_timestamp_seconds", RECEIVE),
              entry("thanos_receive_hashring_nodes", RECEIVE),
              entry("thanos_receive_hashring_tenants", RECEIVE),
              entry("thanos_receive_limits_config_reload_total", RECEIVE),
              entry("thanos_receive_limits_config_reload_err_total", RECEIVE),
              entry("thanos_receive_head_series_limited_requests_total", RECEIVE),
              entry("thanos_shipper_uploads_total", RECEIVE_SIDECAR),
              entry("thanos_shipper_upload_failures_total", RECEIVE_SIDECAR),
              entry("thanos_shipper_dir_syncs_total", RECEIVE_SIDECAR),
              entry("thanos_shipper_dir_sync_failures_total", RECEIVE_SIDECAR),
              entry("thanos_objstore_bucket_operations_total", RECEIVE_SIDECAR),
              entry("thanos_objstore_bucket_operation_failures_total", RECEIVE_SIDECAR),
              entry("thanos_objstore_bucket_operation_duration_seconds", RECEIVE_SIDECAR),
              entry("thanos_objstore_bucket_last_successful_upload_time", RECEIVE_SIDECAR),
              entry("prometheus_tsdb_head_series", RECEIVE),
              entry("prometheus_tsdb_head_samples_appended_total", RECEIVE),
              entry("prometheus_tsdb_blocks_loaded", RECEIVE),
              entry("prometheus_tsdb_compactions_failed_total", RECEIVE),
              entry("grpc_server_started_total", ALL),
              entry("grpc_server_handled_total", ALL),
              entry("grpc_server_handling_seconds", ALL),
              entry("grpc_server_msg_received_total", ALL),
              entry("grpc_server_msg_sent_total", ALL),
              entry("grpc_client_started_total", QUERY),
              entry("grpc_client_handled_total", QUERY),
              entry("grpc_client_handling_seconds", QUERY),
              entry("grpc_client_msg_received_total", QUERY),
              entry("grpc_client_msg_sent_total", QUERY),
              entry("thanos_query_concurrent_gate_queries_in_flight", QUERY),
              entry("thanos_query_concurrent_gate_queries_max", QUERY),
              entry("thanos_query_store_apis_dns_lookups_total", QUERY),
              entry("thanos_query_store_apis_dns_failures_total", QUERY),
              entry("thanos_sidecar_prometheus_up", SIDECAR),
              entry("thanos_sidecar_last_heartbeat_success_time_seconds", SIDECAR)));

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path dir;

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  @Test
  void theDocumentClaimsWhatThisTestChecks() throws Exception {
    Path doc = repoRoot().resolve("docs/metrics.md");
    Set<String> documented = new TreeSet<>();
    boolean inTable = false;
    for (String line : Files.readAllLines(doc)) {
      if (line.startsWith("#")) {
        inTable = line.startsWith("## Thanos and Prometheus names");
        continue;
      }
      if (inTable && line.startsWith("| `")) {
        documented.add(line.substring(3, line.indexOf('`', 3)));
      }
    }
    assertEquals(CLAIMED.keySet(), documented, "docs/metrics.md's table and CLAIMED differ");
  }

  @Test
  void receiveAndQueryExportTheMixinsNamesWithWhatTheyDid() throws Exception {
    long t = System.currentTimeMillis();
    InProcessGateway ingestor =
        InProcessGateway.start(
            dir.resolve("ingestor"),
            "--receive.limits-config",
            "write:\n  tenants:\n    small:\n      head_series_limit: 1\n");
    open.add(ingestor);
    Path ring = dir.resolve("hashrings.json");
    Files.writeString(ring, "[{\"endpoints\":[\"127.0.0.1:" + ingestor.server.grpcPort() + "\"]}]");
    InProcessGateway router =
        InProcessGateway.start(dir.resolve("router"), "--receive.hashrings-file", ring.toString());
    open.add(router);

    // Through the router: forwarded to the ingestor, one RemoteWrite call each.
    long teamABytes = 0;
    for (int i = 0; i < 2; i++) {
      WriteRequest w = RemoteWriteClient.request("a", 0, 5, t + i, i);
      teamABytes += Snappy.compress(w.toByteArray()).length;
      assertEquals(204, write(router, "team-a", w));
    }
    assertEquals(204, write(router, null, RemoteWriteClient.request("d", 0, 3, t, 1)));
    HttpResponse<String> bad =
        router.client.post(new byte[] {1, 2, 3}, RemoteWriteClient.V1_TYPE, Map.of());
    assertEquals(400, bad.statusCode(), bad.body());
    // Straight to the ingestor: the head series limit of tenant "small" refuses the second.
    assertEquals(204, write(ingestor, "small", RemoteWriteClient.request("s", 0, 2, t, 1)));
    assertEquals(429, write(ingestor, "small", RemoteWriteClient.request("s", 2, 3, t, 1)));

    // A StoreAPI Series call on the ingestor, and queries through a query role over it.
    ManagedChannel ch = channel(ingestor.server.grpcPort());
    assertEquals(5, seriesCount(ch, "a"));
    InProcessQuery query =
        InProcessQuery.start("--endpoint=dns+127.0.0.1:" + ingestor.server.grpcPort());
    open.add(query);
    query.awaitEndpoints(1);
    assertEquals(200, get(query.base() + "/api/v1/query?query=" + enc("count(a)")).statusCode());
    assertEquals(
        200,
        get(query.base()
                + "/api/v1/query_range?query="
                + enc("a")
                + "&start="
                + (t / 1000 - 60)
                + "&end="
                + (t / 1000 + 60)
                + "&step=15")
            .statusCode());
    assertEquals(400, get(query.base() + "/api/v1/query?query=" + enc("sum(")).statusCode());
    ManagedChannel qch = channel(query.grpcPort());
    assertEquals(5, seriesCount(qch, "a"));

    ScrapedMetrics r = scrape(router.httpPort());
    ScrapedMetrics in = scrape(ingestor.httpPort());
    ScrapedMetrics q = scrape(query.server.httpAddress().getPort());

    // Receive: the router's HTTP handler, as Thanos labels it.
    assertEquals(
        2,
        r.sum(
            "http_requests_total",
            Map.of("handler", "receive", "code", "204", "method", "post", "tenant", "team-a")));
    assertEquals(
        1,
        r.sum(
            "http_requests_total",
            Map.of("handler", "receive", "tenant", "default-tenant", "code", "204")));
    assertEquals(1, r.sum("http_requests_total", Map.of("handler", "receive", "code", "400")));
    assertEquals(
        2,
        r.sum(
            "http_request_duration_seconds_count",
            Map.of("handler", "receive", "code", "204", "tenant", "team-a")));
    assertEquals(
        2,
        r.sum(
            "http_request_duration_seconds_bucket",
            Map.of("handler", "receive", "code", "204", "tenant", "team-a", "le", "+Inf")));
    assertEquals(
        teamABytes,
        r.sum("http_request_size_bytes_sum", Map.of("handler", "receive", "tenant", "team-a")));
    assertEquals(
        2,
        r.sum("http_request_size_bytes_count", Map.of("handler", "receive", "tenant", "team-a")));
    assertEquals(
        0, r.sum("http_inflight_requests", Map.of("handler", "receive", "tenant", "team-a")));
    assertEquals(
        10,
        r.sum("thanos_receive_write_timeseries_sum", Map.of("code", "204", "tenant", "team-a")));
    assertEquals(
        10, r.sum("thanos_receive_write_samples_sum", Map.of("code", "204", "tenant", "team-a")));
    assertEquals(3, r.sum("thanos_receive_forward_requests_total", Map.of("result", "success")));
    assertEquals(0, r.sum("thanos_receive_forward_requests_total", Map.of("result", "error")));
    assertEquals(3, r.sum("thanos_receive_replications_total", Map.of("result", "success")));
    assertEquals(1, r.sum("thanos_receive_replication_factor"));
    assertEquals(1, r.sum("thanos_receive_hashrings_file_changes_total"));
    assertEquals(0, r.sum("thanos_receive_hashrings_file_errors_total"));
    assertTrue(r.sum("thanos_receive_hashrings_file_refreshes_total") >= 1);
    assertEquals(1, r.sum("thanos_receive_config_last_reload_successful"));
    assertTrue(
        r.sum("thanos_receive_config_last_reload_success_timestamp_seconds") > t / 1000 - 60);
    assertEquals(1, r.sum("thanos_receive_hashring_nodes", Map.of("name", "")));
    assertEquals(0, r.sum("thanos_receive_hashring_tenants", Map.of("name", "")));
    assertEquals(0, r.sum("thanos_receive_limits_config_reload_err_total"));

    // Receive: the ingestor's gRPC server, TSDB and limits.
    Map<String, String> remoteWrite =
        Map.of(
            "grpc_type",
            "unary",
            "grpc_service",
            "thanos.WriteableStore",
            "grpc_method",
            "RemoteWrite");
    assertEquals(3, in.sum("grpc_server_started_total", remoteWrite));
    assertEquals(3, in.sum("grpc_server_handled_total", with(remoteWrite, "grpc_code", "OK")));
    assertEquals(
        0, in.sum("grpc_server_handled_total", with(remoteWrite, "grpc_code", "Unavailable")));
    assertEquals(3, in.sum("grpc_server_handling_seconds_count", remoteWrite));
    assertEquals(3, in.sum("grpc_server_msg_received_total", remoteWrite));
    Map<String, String> series =
        Map.of(
            "grpc_type", "server_stream", "grpc_service", "thanos.Store", "grpc_method", "Series");
    // One Series call from this test, three from the query role (two queries, one Series).
    assertEquals(4, in.sum("grpc_server_handled_total", with(series, "grpc_code", "OK")));
    assertEquals(4, in.sum("grpc_server_started_total", series));
    assertTrue(in.sum("grpc_server_msg_sent_total", series) >= 5, in.lines("grpc_server_msg_sent"));
    assertEquals(5, in.sum("prometheus_tsdb_head_series", Map.of("tenant", "team-a")));
    assertEquals(
        10,
        in.sum(
            "prometheus_tsdb_head_samples_appended_total",
            Map.of("tenant", "team-a", "type", "float")));
    assertEquals(0, in.sum("prometheus_tsdb_blocks_loaded", Map.of("tenant", "team-a")));
    assertEquals(0, in.sum("prometheus_tsdb_compactions_failed_total", Map.of("tenant", "team-a")));
    assertEquals(
        1, in.sum("thanos_receive_head_series_limited_requests_total", Map.of("tenant", "small")));
    assertEquals(
        1,
        in.sum(
            "http_requests_total", Map.of("handler", "receive", "code", "429", "tenant", "small")));

    // Query: Thanos' handler names, the gate, DNS lookups, the StoreAPI server.
    Map<String, String> instant =
        Map.of("handler", "query", "method", "get", "tenant", "default-tenant");
    assertEquals(1, q.sum("http_requests_total", with(instant, "code", "200")));
    assertEquals(1, q.sum("http_requests_total", with(instant, "code", "400")));
    assertEquals(1, q.sum("http_request_duration_seconds_count", with(instant, "code", "200")));
    assertEquals(1, q.sum("http_request_size_bytes_count", with(instant, "code", "200")));
    assertEquals(0, q.sum("http_inflight_requests", instant));
    assertEquals(1, q.sum("http_requests_total", Map.of("handler", "query_range", "code", "200")));
    assertEquals(0, q.sum("thanos_query_concurrent_gate_queries_in_flight"));
    assertEquals(20, q.sum("thanos_query_concurrent_gate_queries_max"));
    assertTrue(q.sum("thanos_query_store_apis_dns_lookups_total") >= 1);
    assertEquals(0, q.sum("thanos_query_store_apis_dns_failures_total"));
    assertEquals(1, q.sum("grpc_server_handled_total", with(series, "grpc_code", "OK")));
    // Its StoreAPI client: the three Series calls the ingestor counted, and Info polls.
    assertEquals(3, q.sum("grpc_client_handled_total", with(series, "grpc_code", "OK")));
    assertEquals(3, q.sum("grpc_client_started_total", series));
    assertEquals(3, q.sum("grpc_client_handling_seconds_count", series));
    assertTrue(
        q.sum(
                "grpc_client_handled_total",
                Map.of("grpc_type", "unary", "grpc_method", "Info", "grpc_code", "OK"))
            >= 1);

    // A 5xx: the router's only peer is gone.
    query.close();
    ingestor.close();
    assertEquals(503, write(router, "team-a", RemoteWriteClient.request("a", 0, 5, t + 5, 5)));
    r = scrape(router.httpPort());
    assertEquals(1, r.sum("http_requests_total", Map.of("handler", "receive", "code", "503")));
    assertEquals(1, r.sum("thanos_receive_forward_requests_total", Map.of("result", "error")));
    assertEquals(1, r.sum("thanos_receive_replications_total", Map.of("result", "error")));

    // The ingestor flushed its heads into blocks when closing and shipped them: the shipper's and
    // the bucket's metrics (read from its registry, since its port is closed).
    ScrapedMetrics closed = ScrapedMetrics.of(ingestor.server.registry());
    assertTrue(
        closed.sum("thanos_shipper_uploads_total", Map.of("tenant", "team-a")) >= 1,
        closed.lines("thanos_shipper"));
    assertTrue(closed.sum("thanos_shipper_dir_syncs_total", Map.of("tenant", "team-a")) >= 1);
    assertEquals(0, closed.sum("thanos_shipper_upload_failures_total", Map.of("tenant", "team-a")));
    assertEquals(
        0, closed.sum("thanos_shipper_dir_sync_failures_total", Map.of("tenant", "team-a")));
    assertTrue(
        closed.sum("thanos_objstore_bucket_operations_total", Map.of("operation", "upload")) >= 1);
    assertTrue(closed.sum("thanos_objstore_bucket_last_successful_upload_time") > t / 1000 - 60);

    assertClaimed("receive", List.of(r, closed));
    assertClaimed("query", List.of(q));
  }

  @Test
  void sidecarExportsTheMixinsNames() throws Exception {
    LocalPrometheus prom =
        LocalPrometheus.start(
            dir.resolve("prom"),
            "global:\n  external_labels:\n    cluster: eu1\n    replica: a\n",
            "--storage.tsdb.min-block-duration=2h",
            "--storage.tsdb.max-block-duration=2h");
    open.add(prom);
    List<String> args =
        List.of(
            "--prometheus.url=" + prom.base,
            "--tsdb.path=" + dir.resolve("prom/data"),
            "--grpc-address=127.0.0.1:0",
            "--http-address=127.0.0.1:0",
            "--prometheus.ready_timeout=30s",
            "--objstore.config=type: FILESYSTEM\nconfig:\n  directory: "
                + dir.resolve("bucket")
                + "\n");
    SidecarCommand cmd = new SidecarCommand();
    new CommandLine(cmd).parseArgs(args.toArray(new String[0]));
    SidecarServer sidecar = SidecarServer.start(cmd.config());
    open.add(sidecar);
    ManagedChannel ch = channel(sidecar.grpcPort());
    InfoGrpc.newBlockingStub(ch).info(InfoRequest.getDefaultInstance());

    ScrapedMetrics s = scrape(sidecar.httpAddress().getPort());
    assertEquals(
        1,
        s.sum(
            "grpc_server_handled_total",
            Map.of(
                "grpc_type", "unary",
                "grpc_service", "thanos.info.Info",
                "grpc_method", "Info",
                "grpc_code", "OK")));
    assertEquals(1, s.sum("thanos_sidecar_prometheus_up"));
    assertClaimed("sidecar", List.of(s));
  }

  /** Every name claimed for {@code role} is on one of its pages. */
  private static void assertClaimed(String role, List<ScrapedMetrics> pages) {
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, Set<String>> e : CLAIMED.entrySet()) {
      if (e.getValue().contains(role) && pages.stream().noneMatch(p -> p.has(e.getKey()))) {
        missing.add(e.getKey());
      }
    }
    assertEquals(List.of(), missing, role + " does not export names docs/metrics.md claims");
  }

  private static Map<String, String> with(Map<String, String> m, String k, String v) {
    Map<String, String> out = new TreeMap<>(m);
    out.put(k, v);
    return out;
  }

  private static int write(InProcessGateway gw, String tenant, WriteRequest request)
      throws Exception {
    byte[] body = Snappy.compress(request.toByteArray());
    return gw.client
        .post(
            body,
            RemoteWriteClient.V1_TYPE,
            tenant == null ? Map.of() : Map.of("THANOS-TENANT", tenant))
        .statusCode();
  }

  private ManagedChannel channel(int port) {
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    open.add(() -> ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return ch;
  }

  private static int seriesCount(ManagedChannel ch, String name) {
    Iterator<SeriesResponse> it =
        StoreGrpc.newBlockingStub(ch)
            .series(
                SeriesRequest.newBuilder()
                    .setMinTime(0)
                    .setMaxTime(Long.MAX_VALUE)
                    .addMatchers(
                        LabelMatcher.newBuilder()
                            .setType(LabelMatcher.Type.EQ)
                            .setName("__name__")
                            .setValue(name))
                    .build());
    int n = 0;
    while (it.hasNext()) {
      if (it.next().hasSeries()) {
        n++;
      }
    }
    return n;
  }

  private static ScrapedMetrics scrape(int port) throws Exception {
    HttpResponse<String> r = get("http://127.0.0.1:" + port + "/metrics");
    assertEquals(200, r.statusCode());
    return new ScrapedMetrics(r.body());
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isRegularFile(p.resolve("docs/metrics.md"))) {
      p = p.getParent();
    }
    if (p == null) {
      fail("no docs/metrics.md above " + Path.of("").toAbsolutePath());
    }
    return p;
  }
}
