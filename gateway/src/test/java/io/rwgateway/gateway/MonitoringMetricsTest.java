package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_36_2.Metrics;
import io.rwgateway.promql.parser.PromqlParser;
import io.rwgateway.promql.parser.VectorSelector;
import io.rwgateway.proto.thanos.infopb.InfoGrpc;
import io.rwgateway.proto.thanos.infopb.InfoRequest;
import io.rwgateway.proto.thanos.storepb.LabelMatcher;
import io.rwgateway.proto.thanos.storepb.SeriesRequest;
import io.rwgateway.proto.thanos.storepb.StoreGrpc;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;
import picocli.CommandLine;

/**
 * Every query of the dashboards and every rule expression of {@code k8s/base/monitoring} parses
 * with our PromQL parser, and every metric it names is exported by a running gateway of the role
 * its {@code job} matcher selects: two receivers in a hashring (forwarding, a block cut every
 * second, uploads to a bucket that fails), a sidecar next to a real Prometheus 2.42 (one block
 * shipped, one refused by the bucket), and a query node over both, each exercised (writes, a bad
 * write, StoreAPI calls, a PromQL query) and scraped in the text format.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitoringMetricsTest {
  static final String RECEIVE = "thanos-receive";
  static final String SIDECAR = "thanos-sidecar";
  static final String QUERY = "thanos-query";

  /** Which role's gateway each dashboard shows. */
  static final Map<String, String> DASHBOARD_JOB =
      Map.of(
          "rwgateway-receive.json", RECEIVE,
          "rwgateway-sidecar.json", SIDECAR,
          "rwgateway-query.json", QUERY);

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;

  private final List<AutoCloseable> open = new ArrayList<>();
  private final MetricNameCheck check = new MetricNameCheck();
  private final List<Integer> httpPorts = new ArrayList<>();
  private MonitoringFiles files;

  @BeforeAll
  void startEveryRoleExerciseAndScrapeIt() throws Exception {
    files = MonitoringFiles.render();
    ReceivePair receive = startReceivers();
    SidecarServer sidecar = startSidecar();
    InProcessQuery query =
        keep(
            InProcessQuery.start(
                "--endpoint=127.0.0.1:" + receive.grpcA,
                "--endpoint=127.0.0.1:" + sidecar.grpcPort()));
    query.awaitEndpoints(2);
    HttpResponse<String> answer =
        HTTP.send(
            HttpRequest.newBuilder(
                    URI.create(
                        query.base()
                            + "/api/v1/query?query="
                            + URLEncoder.encode(
                                "sum(monitoring_e2e) + sum(backfilled)", StandardCharsets.UTF_8)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, answer.statusCode(), answer.body());
    storeCalls(query.grpcPort(), "monitoring_e2e");

    httpPorts.addAll(
        List.of(
            receive.a.httpPort(),
            receive.b.httpPort(),
            sidecar.httpAddress().getPort(),
            query.server.httpAddress().getPort()));
    check.role(RECEIVE, scrape(receive.a.httpPort()) + scrape(receive.b.httpPort()));
    check.role(SIDECAR, scrape(sidecar.httpAddress().getPort()));
    check.role(QUERY, scrape(query.server.httpAddress().getPort()));
  }

  @AfterAll
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  @Test
  void everyDashboardQueryParsesAndNamesExportedMetrics() throws Exception {
    Map<String, JsonNode> dashboards = files.dashboards();
    assertEquals(DASHBOARD_JOB.keySet(), dashboards.keySet(), "a dashboard per role");
    List<String> problems = new ArrayList<>();
    int queries = 0;
    for (var d : dashboards.entrySet()) {
      String job = DASHBOARD_JOB.get(d.getKey());
      for (DashboardQueries.Query q :
          DashboardQueries.of(d.getKey(), d.getValue(), DashboardQueries.values(job), problems)) {
        problems.addAll(check.check(q.where(), q.promql()));
        queries++;
      }
    }
    assertEquals(List.of(), problems);
    assertTrue(queries > 40, queries + " queries");
  }

  @Test
  void everyRuleExpressionParsesAndNamesExportedMetrics() {
    List<String> problems = new ArrayList<>();
    for (JsonNode rule : files.rules()) {
      String name = rule.has("alert") ? rule.get("alert").asText() : rule.path("record").asText();
      problems.addAll(check.check("rule " + name, rule.path("expr").asText()));
      // Without a job matcher a rule would also judge other programs' series of the same name.
      for (VectorSelector sel :
          MetricNameCheck.selectors(
              PromqlParser.parse(rule.path("expr").asText()), new ArrayList<>())) {
        if (sel.matchers().stream().noneMatch(m -> m.name().equals("job"))) {
          problems.add("rule " + name + ": selector " + sel + " has no job matcher");
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  @Test
  void dashboardsUseTheirDatasourceVariableAndHaveJobAndInstance() throws Exception {
    List<String> problems = new ArrayList<>();
    Set<String> uids = new HashSet<>();
    for (var d : files.dashboards().entrySet()) {
      JsonNode dash = d.getValue();
      String f = d.getKey();
      if (!uids.add(dash.path("uid").asText()) || dash.path("uid").asText().isEmpty()) {
        problems.add(f + ": missing or repeated uid");
      }
      Map<String, JsonNode> vars = new java.util.TreeMap<>();
      dash.path("templating").path("list").forEach(v -> vars.put(v.path("name").asText(), v));
      JsonNode ds = vars.get("datasource");
      if (ds == null
          || !"datasource".equals(ds.path("type").asText())
          || !"prometheus".equals(ds.path("query").asText())) {
        problems.add(f + ": no datasource variable of Prometheus type");
      }
      for (String v : List.of("job", "instance")) {
        if (vars.get(v) == null || !"query".equals(vars.get(v).path("type").asText())) {
          problems.add(f + ": no query variable " + v);
        } else if (!"${datasource}".equals(vars.get(v).path("datasource").path("uid").asText())) {
          problems.add(f + ": variable " + v + " does not query ${datasource}");
        }
      }
      Set<Integer> ids = new HashSet<>();
      for (JsonNode p : MonitoringFiles.panels(dash)) {
        String where = f + " panel \"" + p.path("title").asText() + "\"";
        if (!ids.add(p.path("id").asInt(-1))) {
          problems.add(where + ": missing or repeated id");
        }
        JsonNode g = p.path("gridPos");
        if (g.path("w").asInt() <= 0 || g.path("x").asInt() + g.path("w").asInt() > 24) {
          problems.add(where + ": gridPos outside Grafana's 24 columns: " + g);
        }
        if ("row".equals(p.path("type").asText())) {
          continue;
        }
        if (!"${datasource}".equals(p.path("datasource").path("uid").asText())) {
          problems.add(where + ": datasource is not ${datasource}");
        }
        if (p.path("targets").isEmpty()) {
          problems.add(where + ": no query");
        }
        for (JsonNode t : p.path("targets")) {
          if (!t.path("expr").asText().contains("job=~\"$job\"")) {
            problems.add(where + ": a query without job=~\"$job\"");
          }
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  /**
   * The histograms docs/monitoring.md names as having a native form too (the rest are classic
   * only), which is where the dashboards' {@code _bucket} queries see nothing on a Prometheus with
   * native histograms on.
   */
  static final Set<String> NATIVE_AND_CLASSIC =
      Set.of(
          "rwgateway_remote_write_request_duration_seconds",
          "rwgateway_wal_sync_duration_seconds",
          "thanos_objstore_bucket_operation_duration_seconds");

  @Test
  void theNativeHistogramNoteNamesExactlyTheHistogramsWithANativeForm() throws Exception {
    Set<String> classicOnly = new java.util.TreeSet<>();
    Set<String> withNative = new java.util.TreeSet<>();
    for (int port : httpPorts) {
      for (Metrics.MetricFamily f : scrapeProtobuf(port)) {
        if (f.getType() != Metrics.MetricType.HISTOGRAM || f.getMetricCount() == 0) {
          continue;
        }
        Metrics.Histogram h = f.getMetric(0).getHistogram();
        // What Prometheus takes for a native histogram: a zero threshold or spans.
        boolean nat = h.getZeroThreshold() > 0 || h.getPositiveSpanCount() > 0;
        (nat ? withNative : classicOnly).add(f.getName());
      }
    }
    assertEquals(NATIVE_AND_CLASSIC, withNative, "histograms scraped with a native form");
    String doc = Files.readString(MonitoringFiles.repoRoot().resolve("docs/monitoring.md"));
    int from = doc.indexOf("## Native histograms");
    String note = doc.substring(from, doc.indexOf("\n## ", from + 1));
    for (String name : withNative) {
      assertTrue(note.contains("`" + name + "`"), name + " not named in the native-histogram note");
    }
    for (String name : classicOnly) {
      assertTrue(note.contains("`" + name + "`"), name + " not named in the native-histogram note");
    }
  }

  /** /metrics as a Prometheus with native histograms on asks for it. */
  private static List<Metrics.MetricFamily> scrapeProtobuf(int httpPort) throws Exception {
    HttpResponse<byte[]> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                .header(
                    "Accept",
                    "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;"
                        + "encoding=delimited,text/plain;version=0.0.4;q=0.5")
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode());
    List<Metrics.MetricFamily> out = new ArrayList<>();
    try (InputStream in = new ByteArrayInputStream(r.body())) {
      for (Metrics.MetricFamily f = Metrics.MetricFamily.parseDelimitedFrom(in);
          f != null;
          f = Metrics.MetricFamily.parseDelimitedFrom(in)) {
        out.add(f);
      }
    }
    return out;
  }

  // --- the check can fail

  @Test
  void anUnknownMetricNameIsReported() {
    List<String> p =
        check.check(
            "test", "sum(rate(rwgateway_remote_write_request_totl{job=~\"thanos-receive\"}[5m]))");
    assertEquals(1, p.size(), p.toString());
    assertTrue(
        p.get(0).contains("rwgateway_remote_write_request_totl is not exported by thanos-receive"),
        p.get(0));
  }

  @Test
  void aNativeHistogramNameIsReportedWithItsClassicSeries() {
    List<String> p =
        check.check(
            "test",
            "histogram_quantile(0.99, rate(rwgateway_wal_sync_duration_seconds{job=\"thanos-receive\"}[5m]))");
    assertEquals(1, p.size(), p.toString());
    assertTrue(
        p.get(0).contains("rwgateway_wal_sync_duration_seconds is a histogram whose series are"),
        p.get(0));
    assertTrue(p.get(0).contains("rwgateway_wal_sync_duration_seconds_bucket"), p.get(0));
  }

  @Test
  void aMetricOfAnotherRoleOrNoRoleIsReported() {
    List<String> other = check.check("test", "thanos_sidecar_prometheus_up{job=\"thanos-query\"}");
    assertEquals(1, other.size(), other.toString());
    assertTrue(other.get(0).contains("is not exported by thanos-query"), other.get(0));
    List<String> none = check.check("test", "up{job=\"prometheus-k8s\"}");
    assertTrue(none.get(0).contains("matches none of the jobs"), none.toString());
    List<String> bad = check.check("test", "rate(up[5m]");
    assertTrue(bad.get(0).contains("does not parse"), bad.toString());
  }

  @Test
  void aVariableWithoutValueIsReported() {
    List<String> problems = new ArrayList<>();
    DashboardQueries.substitute(
        "test", "up{pod=~\"$pod\"}", DashboardQueries.values(RECEIVE), problems);
    assertEquals(List.of("test: variable $pod has no value: up{pod=~\"$pod\"}"), problems);
  }

  // --- the roles

  /** Receiver A routes to itself and B (replication 2) and ships to a bucket that fails. */
  private record ReceivePair(Receiver a, Receiver b, int grpcA) {}

  /** A receiver started from its command line, and a client of it. */
  private record Receiver(ReceiveServer server, RemoteWriteClient client) implements AutoCloseable {
    int httpPort() {
      return server.httpAddress().getPort();
    }

    @Override
    public void close() {
      server.close();
    }
  }

  private ReceivePair startReceivers() throws Exception {
    int grpcA = ExternalProcess.freePort();
    int grpcB = ExternalProcess.freePort();
    // B takes forwarded writes only; it must accept replica numbers up to the ring's factor.
    Receiver b = keep(receiver(dir.resolve("b"), grpcB, "--receive.replication-factor", "2"));
    Path ring = dir.resolve("hashrings.json");
    Files.writeString(
        ring,
        "[{\"hashring\":\"default\",\"endpoints\":[\"127.0.0.1:"
            + grpcA
            + "\",\"127.0.0.1:"
            + grpcB
            + "\"]}]");
    Path bucket = dir.resolve("receive-bucket");
    Receiver a =
        keep(
            receiver(
                dir.resolve("a"),
                grpcA,
                "--receive.hashrings-file",
                ring.toString(),
                "--receive.local-endpoint",
                "127.0.0.1:" + grpcA,
                "--receive.replication-factor",
                "2",
                "--tsdb.min-block-duration",
                "1s",
                "--tsdb.max-block-duration",
                "1s",
                "--tsdb.compaction-interval",
                "100ms",
                "--objstore.config",
                "type: FILESYSTEM\nconfig:\n  directory: " + bucket + "\n",
                "--receive.limits-config",
                "write:\n  tenants:\n    limited:\n      request: {series_limit: 1}\n"));
    // The bucket directory becomes a file: every upload fails from now on.
    Files.delete(bucket);
    Files.writeString(bucket, "not a directory");

    long end = System.currentTimeMillis() + 2_500;
    for (int j = 0; System.currentTimeMillis() < end; j++) {
      long t = System.currentTimeMillis();
      HttpResponse<String> r =
          a.client.write(RemoteWriteClient.request("monitoring_e2e", 0, 10, t, j));
      assertEquals(204, r.statusCode(), r.body());
      Thread.sleep(20);
    }
    HttpResponse<String> garbage =
        a.client.post(
            "not snappy".getBytes(StandardCharsets.UTF_8), RemoteWriteClient.V1_TYPE, Map.of());
    assertEquals(400, garbage.statusCode(), garbage.body());
    long old = System.currentTimeMillis() - 3_600_000L * 3;
    HttpResponse<String> tooOld =
        a.client.write(RemoteWriteClient.request("monitoring_e2e", 0, 1, old, 0));
    assertEquals(409, tooOld.statusCode(), tooOld.body());
    HttpResponse<String> limited =
        a.client.post(
            Snappy.compress(
                RemoteWriteClient.request("monitoring_e2e", 0, 2, System.currentTimeMillis(), 0)
                    .toByteArray()),
            RemoteWriteClient.V1_TYPE,
            Map.of("THANOS-TENANT", "limited"));
    assertEquals(413, limited.statusCode(), limited.body());
    storeCalls(grpcA, "monitoring_e2e");
    String http = "http://127.0.0.1:" + a.httpPort();
    await(
        () -> {
          String m = get(http + "/metrics");
          return m.contains("rwgateway_shipper_upload_failures_total{")
              && m.contains("rwgateway_tsdb_blocks_written_total{");
        },
        20_000,
        "a block cut and a failed upload on the receiver");
    return new ReceivePair(a, b, grpcA);
  }

  private static Receiver receiver(Path data, int grpcPort, String... more) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--remote-write.address=127.0.0.1:0",
                "--http-address=127.0.0.1:0",
                "--grpc-address=127.0.0.1:" + grpcPort,
                "--tsdb.path=" + data,
                "--http.workers=2"));
    args.addAll(List.of(more));
    ReceiveCommand cmd = new ReceiveCommand();
    new CommandLine(cmd).parseArgs(args.toArray(new String[0]));
    ReceiveServer server = ReceiveServer.start(cmd.config());
    return new Receiver(
        server,
        new RemoteWriteClient(
            server.remoteWriteAddress().getPort(), server.httpAddress().getPort()));
  }

  /**
   * A Prometheus with two promtool blocks and a sidecar shipping them to a bucket where the newer
   * block's name is taken by a file: one upload succeeds, the other fails.
   */
  private SidecarServer startSidecar() throws Exception {
    Path home = dir.resolve("prom");
    Path data = home.resolve("data");
    long hour = 3_600_000L;
    long start = (System.currentTimeMillis() - 8 * hour) / (2 * hour) * (2 * hour);
    backfill(data, start, 4 * hour);
    List<Path> blocks;
    try (Stream<Path> s = Files.list(data)) {
      blocks = s.filter(p -> Files.exists(p.resolve("meta.json"))).sorted().toList();
    }
    assertEquals(2, blocks.size(), blocks.toString());
    Path bucket = dir.resolve("sidecar-bucket");
    Files.createDirectories(bucket);
    Files.writeString(bucket.resolve(blocks.get(1).getFileName().toString()), "in the way");

    LocalPrometheus prom =
        keep(
            LocalPrometheus.start(
                home,
                "global:\n  external_labels:\n    cluster: eu1\n    replica: a\n",
                "--storage.tsdb.min-block-duration=2h",
                "--storage.tsdb.max-block-duration=2h"));
    prom.awaitReady(HTTP, 60_000);
    SidecarCommand cmd = new SidecarCommand();
    new CommandLine(cmd)
        .parseArgs(
            "--prometheus.url=" + prom.base,
            "--tsdb.path=" + data,
            "--grpc-address=127.0.0.1:0",
            "--http-address=127.0.0.1:0",
            "--prometheus.ready_timeout=30s",
            "--objstore.config=type: FILESYSTEM\nconfig:\n  directory: " + bucket + "\n");
    SidecarServer sidecar = keep(SidecarServer.start(cmd.config()));
    storeCalls(sidecar.grpcPort(), "backfilled");
    String http = "http://127.0.0.1:" + sidecar.httpAddress().getPort();
    await(
        () -> {
          String m = get(http + "/metrics");
          return m.contains("rwgateway_shipper_upload_failures_total{")
              && m.contains("thanos_objstore_bucket_operation_duration_seconds_bucket{");
        },
        20_000,
        "an upload and a failed upload on the sidecar");
    return sidecar;
  }

  /** One series, a sample every 5 minutes over {@code millis} from {@code start}, via promtool. */
  private static void backfill(Path data, long start, long millis) throws Exception {
    StringBuilder om = new StringBuilder("# TYPE backfilled gauge\n");
    for (long t = start; t < start + millis; t += 300_000L) {
      om.append("backfilled 1 ").append(t / 1000).append('\n');
    }
    om.append("# EOF\n");
    LocalPrometheus.createBlocks(om.toString(), dir, data);
  }

  /** An Info and a Series call, so that the StoreAPI's metrics have seen traffic. */
  private void storeCalls(int grpcPort, String metric) throws Exception {
    ManagedChannel ch =
        NettyChannelBuilder.forAddress("127.0.0.1", grpcPort).usePlaintext().build();
    try {
      InfoGrpc.newBlockingStub(ch)
          .withDeadlineAfter(30, TimeUnit.SECONDS)
          .info(InfoRequest.getDefaultInstance());
      var it =
          StoreGrpc.newBlockingStub(ch)
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .series(
                  SeriesRequest.newBuilder()
                      .setMinTime(0)
                      .setMaxTime(Long.MAX_VALUE / 2)
                      .addMatchers(
                          LabelMatcher.newBuilder()
                              .setType(LabelMatcher.Type.EQ)
                              .setName("__name__")
                              .setValue(metric))
                      .build());
      int frames = 0;
      while (it.hasNext()) {
        it.next();
        frames++;
      }
      assertTrue(frames > 0, "no answer to a Series call for " + metric);
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** /metrics in Prometheus' text format, as a Prometheus without native histograms asks. */
  private static String scrape(int httpPort) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                .header("Accept", "text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    assertTrue(
        r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"),
        r.headers().toString());
    return r.body();
  }

  private static String get(String url) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static void await(Check c, long timeoutMs, String what) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (!c.ok()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }
}
