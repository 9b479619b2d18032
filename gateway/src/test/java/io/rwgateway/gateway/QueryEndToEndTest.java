package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.rwgateway.proto.prompb.Label;
import io.rwgateway.proto.prompb.Sample;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.proto.prompb.WriteRequest;
import io.rwgateway.proto.thanos.infopb.InfoGrpc;
import io.rwgateway.proto.thanos.infopb.InfoRequest;
import io.rwgateway.proto.thanos.infopb.InfoResponse;
import io.rwgateway.proto.thanos.infopb.StoreInfo;
import io.rwgateway.proto.thanos.storepb.LabelMatcher;
import io.rwgateway.proto.thanos.storepb.SeriesRequest;
import io.rwgateway.proto.thanos.storepb.SeriesResponse;
import io.rwgateway.proto.thanos.storepb.StoreGrpc;
import io.rwgateway.query.EndpointStatus;
import io.rwgateway.uploader.TestCertificates;
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
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gateway query} over real receivers on loopback: file SD followed without a restart, {@code
 * dns+}, {@code /api/v1/stores}, PromQL through the proxy with Thanos' request parameters, and the
 * node's own StoreAPI read with a client generated from our protos.
 */
class QueryEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path dir;

  private static WriteRequest up(String job, long t, double v) {
    return WriteRequest.newBuilder()
        .addTimeseries(
            TimeSeries.newBuilder()
                .addLabels(Label.newBuilder().setName("__name__").setValue("up"))
                .addLabels(Label.newBuilder().setName("job").setValue(job))
                .addSamples(Sample.newBuilder().setTimestamp(t).setValue(v)))
        .build();
  }

  private InProcessGateway receiver(String name, String replica, long t) throws Exception {
    Path d = dir.resolve(name + "-" + replica);
    Files.createDirectories(d);
    InProcessGateway gw =
        InProcessGateway.start(
            d, "--label", "cluster=\"" + name + "\"", "--label", "replica=\"" + replica + "\"");
    assertEquals(204, gw.client.write(up("api", t, 1)).statusCode());
    return gw;
  }

  private static String grpc(InProcessGateway gw) {
    return "127.0.0.1:" + gw.server.grpcPort();
  }

  private static QueryServer query(String... flags) throws Exception {
    return InProcessQuery.server(flags);
  }

  private HttpResponse<String> get(QueryServer q, String pathAndQuery) throws Exception {
    return http.send(
        HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + q.httpAddress().getPort() + pathAndQuery))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static void await(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  /** The active endpoints' addresses, sorted. */
  private static TreeSet<String> active(QueryServer q) {
    TreeSet<String> out = new TreeSet<>();
    for (EndpointStatus s : q.endpoints().snapshot()) {
      if (s.active()) {
        out.add(s.address());
      }
    }
    return out;
  }

  /** The names /api/v1/stores lists under "receive", sorted. */
  private TreeSet<String> stores(QueryServer q) throws Exception {
    JsonNode root = JSON.readTree(get(q, "/api/v1/stores").body());
    TreeSet<String> out = new TreeSet<>();
    JsonNode receive = root.path("data").path("receive");
    receive.forEach(s -> out.add(s.get("name").asText()));
    return out;
  }

  @Test
  void fileSdIsFollowedWithoutARestart() throws Exception {
    long t = System.currentTimeMillis() - 10_000;
    Path sd = dir.resolve("sd.yml");
    try (InProcessGateway a = receiver("a", "r0", t);
        InProcessGateway b = receiver("b", "r0", t)) {
      Files.writeString(sd, "- targets: ['" + grpc(a) + "']\n");
      try (QueryServer q = query("--store.sd-files=" + sd)) {
        await("A active", () -> active(q).equals(new TreeSet<>(List.of(grpc(a)))));
        assertEquals(new TreeSet<>(List.of(grpc(a))), stores(q));

        // Thanos' JSON shape.
        JsonNode root = JSON.readTree(get(q, "/api/v1/stores").body());
        assertEquals("success", root.get("status").asText());
        JsonNode s = root.get("data").get("receive").get(0);
        assertEquals(grpc(a), s.get("name").asText());
        assertTrue(s.get("lastCheck").asText().matches("\\d{4}-\\d\\d-\\d\\dT.*Z"), s.toString());
        assertTrue(s.get("lastError").isNull());
        assertEquals(
            "{\"cluster\":\"a\",\"replica\":\"r0\",\"tenant_id\":\"default-tenant\"}",
            s.get("labelSets").get(0).toString());
        assertEquals(t, s.get("minTime").asLong());
        assertEquals(Long.MAX_VALUE, s.get("maxTime").asLong());

        Files.writeString(sd, "- targets: ['" + grpc(a) + "', '" + grpc(b) + "']\n");
        await("A and B active", () -> active(q).size() == 2);
        assertEquals(new TreeSet<>(List.of(grpc(a), grpc(b))), stores(q));

        Files.writeString(sd, "[{\"targets\": [\"" + grpc(b) + "\"]}]");
        await("only B", () -> q.endpoints().snapshot().size() == 1);
        assertEquals(new TreeSet<>(List.of(grpc(b))), active(q));
        assertEquals(new TreeSet<>(List.of(grpc(b))), stores(q));
      }
    }
  }

  @Test
  void dnsEndpointResolves() throws Exception {
    long t = System.currentTimeMillis() - 10_000;
    try (InProcessGateway a = receiver("a", "r0", t);
        QueryServer q = query("--endpoint=dns+localhost:" + a.server.grpcPort())) {
      await("127.0.0.1 active", () -> active(q).contains(grpc(a)));
    }
  }

  @Test
  void promqlThroughTheProxyWithThanosParameters() throws Exception {
    long t = System.currentTimeMillis() - 10_000;
    try (InProcessGateway a = receiver("eu", "r0", t);
        InProcessGateway b = receiver("eu", "r1", t);
        QueryServer q =
            query(
                "--endpoint=" + grpc(a),
                "--store=" + grpc(b),
                "--query.replica-label=replica",
                "--web.route-prefix=/thanos")) {
      await("both active", () -> active(q).size() == 2);
      String at = "&time=" + (t / 1000.0 + 1);
      HttpResponse<String> r = get(q, "/thanos/api/v1/query?query=" + enc("up") + at);
      assertEquals(200, r.statusCode(), r.body());
      JsonNode data = JSON.readTree(r.body()).get("data");
      assertEquals("vector", data.get("resultType").asText());
      List<String> series = new ArrayList<>();
      data.get("result").forEach(s -> series.add(s.get("metric").toString()));
      // Two replicas, deduplicated into one series without the replica label.
      assertEquals(
          List.of(
              "{\"__name__\":\"up\",\"cluster\":\"eu\",\"job\":\"api\","
                  + "\"tenant_id\":\"default-tenant\"}"),
          series);
      assertEquals("1", data.get("result").get(0).get("value").get(1).asText());

      // storeMatch[] leaves out the other replica's receiver.
      r =
          get(
              q,
              "/thanos/api/v1/query?dedup=false&query="
                  + enc("up")
                  + at
                  + "&storeMatch[]="
                  + enc("{__address__=\"" + grpc(a) + "\"}"));
      assertEquals(200, r.statusCode(), r.body());
      JsonNode only = JSON.readTree(r.body()).get("data").get("result");
      assertEquals(1, only.size(), only.toString());
      assertEquals("r0", only.get(0).get("metric").get("replica").asText());

      // Without the prefix the API is not there; health stays at the root.
      assertEquals(404, get(q, "/api/v1/query?query=up").statusCode());
      assertEquals(200, get(q, "/-/ready").statusCode());
      assertEquals(200, get(q, "/thanos/api/v1/stores").statusCode());

      for (String bad :
          List.of(
              "dedup=maybe",
              "partial_response=yes",
              "storeMatch[]=" + enc("{__address__=~\"(\"}"),
              "max_source_resolution=fast")) {
        r = get(q, "/thanos/api/v1/query?query=up&" + bad);
        assertEquals(400, r.statusCode(), bad + ": " + r.body());
        JsonNode err = JSON.readTree(r.body());
        assertEquals("bad_data", err.get("errorType").asText(), r.body());
        String param = bad.substring(0, bad.indexOf('='));
        assertTrue(err.get("error").asText().contains(param), r.body());
      }
      for (String ok :
          List.of("max_source_resolution=auto", "max_source_resolution=5m", "dedup=0")) {
        assertEquals(200, get(q, "/thanos/api/v1/query?query=up&" + ok + at).statusCode(), ok);
      }
    }
  }

  @Test
  void deduplicationThroughACascadeOfQueryNodes() throws Exception {
    long t = System.currentTimeMillis() - 10_000;
    try (InProcessGateway a = receiver("eu", "r0", t);
        InProcessGateway b = receiver("eu", "r1", t);
        QueryServer lower = query("--endpoint=" + grpc(a), "--endpoint=" + grpc(b));
        QueryServer upper =
            query("--endpoint=127.0.0.1:" + lower.grpcPort(), "--query.replica-label=replica")) {
      await("both active", () -> active(lower).size() == 2);
      await("lower active", () -> active(upper).size() == 1);
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("127.0.0.1", lower.grpcPort()).usePlaintext().build();
      try {
        InfoResponse info = InfoGrpc.newBlockingStub(ch).info(InfoRequest.getDefaultInstance());
        assertTrue(info.getStore().getSupportsWithoutReplicaLabels(), info.toString());
        // Asked to remove the replica label, the lower node has its stores remove it: one
        // series, its replicas' chunks joined (both hold the same sample: one chunk).
        assertEquals(
            List.of("__name__=up cluster=eu job=api tenant_id=default-tenant chunks=1"),
            upSeries(ch, t, "replica"));
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      String at = "&time=" + (t / 1000.0 + 1);
      JsonNode deduped =
          JSON.readTree(get(upper, "/api/v1/query?query=" + enc("up") + at).body()).get("data");
      assertEquals(1, deduped.get("result").size(), deduped.toString());
      assertTrue(deduped.get("result").get(0).get("metric").get("replica") == null);
      JsonNode both =
          JSON.readTree(get(upper, "/api/v1/query?dedup=false&query=" + enc("up") + at).body())
              .get("data");
      assertEquals(2, both.get("result").size(), both.toString());
    }
  }

  /**
   * The {@code up} series around {@code t} read through Series with the client generated from
   * Thanos' protos: each as {@code name=value ... chunks=N}.
   */
  private static List<String> upSeries(ManagedChannel ch, long t, String... withoutLabels) {
    Iterator<SeriesResponse> it =
        StoreGrpc.newBlockingStub(ch)
            .series(
                SeriesRequest.newBuilder()
                    .setMinTime(t - 1000)
                    .setMaxTime(t + 1000)
                    .addAllWithoutReplicaLabels(List.of(withoutLabels))
                    .addMatchers(
                        LabelMatcher.newBuilder()
                            .setType(LabelMatcher.Type.EQ)
                            .setName("__name__")
                            .setValue("up"))
                    .build());
    List<String> got = new ArrayList<>();
    while (it.hasNext()) {
      SeriesResponse r = it.next();
      if (r.hasSeries()) {
        StringBuilder sb = new StringBuilder();
        r.getSeries()
            .getLabelsList()
            .forEach(l -> sb.append(l.getName()).append('=').append(l.getValue()).append(' '));
        got.add(sb.append("chunks=").append(r.getSeries().getChunksCount()).toString());
      }
    }
    return got;
  }

  /** Info of a store with one label set: what is tested is the transport. */
  private static final class FixedInfo extends InfoGrpc.InfoImplBase {
    @Override
    public void info(InfoRequest request, StreamObserver<InfoResponse> observer) {
      observer.onNext(
          InfoResponse.newBuilder()
              .setComponentType("store")
              .setStore(StoreInfo.newBuilder().setMinTime(0).setMaxTime(1000))
              .build());
      observer.onCompleted();
    }
  }

  @Test
  void clientTlsWithCaAndClientCertificate() throws Exception {
    TestCertificates server = TestCertificates.create(dir, "server");
    TestCertificates client = TestCertificates.create(dir, "client");
    try (StoreGrpcServer store =
            StoreGrpcServer.start(
                "127.0.0.1:0",
                new StoreGrpcServer.Tls(server.certPem(), server.keyPem(), client.certPem()),
                new FixedInfo().bindService());
        QueryServer plain = query("--endpoint=127.0.0.1:" + store.port());
        QueryServer tls =
            query(
                "--endpoint=127.0.0.1:" + store.port(),
                "--grpc-client-tls-secure",
                "--grpc-client-tls-ca=" + server.certPem(),
                "--grpc-client-tls-cert=" + client.certPem(),
                "--grpc-client-tls-key=" + client.keyPem())) {
      await("TLS endpoint active", () -> active(tls).size() == 1);
      assertEquals("store", tls.endpoints().active().get(0).info().componentType());
      await(
          "plaintext endpoint checked",
          () -> plain.endpoints().snapshot().get(0).lastCheckMillis() > 0);
      assertTrue(active(plain).isEmpty(), "plaintext to a TLS port fails");
    }
  }

  @Test
  void theNodesOwnStoreApiServesTheProxy() throws Exception {
    long t = System.currentTimeMillis() - 10_000;
    try (InProcessGateway a = receiver("a", "r0", t);
        InProcessGateway b = receiver("b", "r0", t);
        QueryServer q = query("--endpoint=" + grpc(a), "--endpoint=" + grpc(b))) {
      await("both active", () -> active(q).size() == 2);
      ManagedChannel ch =
          NettyChannelBuilder.forAddress("127.0.0.1", q.grpcPort()).usePlaintext().build();
      try {
        InfoResponse info = InfoGrpc.newBlockingStub(ch).info(InfoRequest.getDefaultInstance());
        assertEquals("query", info.getComponentType());
        assertEquals(t, info.getStore().getMinTime());
        assertEquals(Long.MAX_VALUE, info.getStore().getMaxTime());
        TreeSet<String> clusters = new TreeSet<>();
        info.getLabelSetsList()
            .forEach(
                s ->
                    s.getLabelsList().stream()
                        .filter(l -> l.getName().equals("cluster"))
                        .forEach(l -> clusters.add(l.getValue())));
        assertEquals(new TreeSet<>(List.of("a", "b")), clusters);

        assertEquals(
            List.of(
                "__name__=up cluster=a job=api replica=r0 tenant_id=default-tenant chunks=1",
                "__name__=up cluster=b job=api replica=r0 tenant_id=default-tenant chunks=1"),
            upSeries(ch, t));
      } finally {
        ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
