package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.rwgateway.proto.prompb.Label;
import io.rwgateway.proto.prompb.Sample;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.proto.prompb.WriteRequest;
import io.rwgateway.proto.thanos.infopb.InfoGrpc;
import io.rwgateway.proto.thanos.infopb.InfoRequest;
import io.rwgateway.proto.thanos.infopb.InfoResponse;
import io.rwgateway.proto.thanos.storepb.AggrChunk;
import io.rwgateway.proto.thanos.storepb.LabelMatcher;
import io.rwgateway.proto.thanos.storepb.Series;
import io.rwgateway.proto.thanos.storepb.SeriesRequest;
import io.rwgateway.proto.thanos.storepb.SeriesResponse;
import io.rwgateway.proto.thanos.storepb.StoreGrpc;
import io.rwgateway.tsdb.chunk.XorIterator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;
import picocli.CommandLine;

/**
 * {@code gateway sidecar} next to a real Prometheus 2.42 with external labels: blocks made by
 * promtool in its data directory and samples remote-written to its head. The sidecar ships the
 * blocks once (across a restart) with Thanos' meta.json section, and serves the data over the
 * StoreAPI, called with a client generated from our copies of Thanos' protos: series with the
 * external labels, chunks that decode to exactly what Prometheus holds. Without external labels it
 * refuses to serve until Prometheus has some.
 */
class SidecarEndToEndTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String EXTERNAL =
      "global:\n  external_labels:\n    cluster: eu1\n    replica: a\n";

  @TempDir Path dir;

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  @Test
  void shipsPrometheusBlocksOnceAndServesItsDataWithExternalLabels() throws Exception {
    long hour = 3_600_000L;
    long now = System.currentTimeMillis();
    // Two 2h blocks well before now (Prometheus keeps them: default retention 15d).
    long blockStart = (now - 8 * hour) / (2 * hour) * (2 * hour);
    Path data = dir.resolve("prom/data");
    backfill(data, blockStart, 4 * hour / 60_000);
    LocalPrometheus prom =
        LocalPrometheus.start(
            dir.resolve("prom"),
            EXTERNAL,
            "--storage.tsdb.min-block-duration=2h",
            "--storage.tsdb.max-block-duration=2h");
    open.add(prom);
    prom.awaitReady(HTTP, 60_000);
    long headT = now / 1000 * 1000;
    write(prom, "head_metric", headT, 5);

    Path bucket = dir.resolve("bucket");
    SidecarServer sidecar = startSidecar(prom, data, bucket);
    String http = "http://127.0.0.1:" + sidecar.httpAddress().getPort();
    assertEquals(200, get(http + "/-/ready").statusCode());

    // Shipping: both promtool blocks, each once, meta.json with Thanos' section.
    await(() -> metaFiles(bucket).size() == 2, 30_000, "two blocks in the bucket");
    for (Path meta : metaFiles(bucket)) {
      JsonNode m = JSON.readTree(meta.toFile());
      JsonNode thanos = m.get("thanos");
      assertEquals("sidecar", thanos.get("source").asText(), meta.toString());
      assertEquals(Map.of("cluster", "eu1", "replica", "a"), map(thanos.get("labels")));
      assertEquals(0, thanos.get("downsample").get("resolution").asInt());
      assertEquals(1, m.get("compaction").get("level").asInt());
      assertTrue(
          Files.exists(data.resolve(meta.getParent().getFileName()).resolve("meta.json")),
          "a block of Prometheus' own");
      assertFalse(
          Files.readString(data.resolve(meta.getParent().getFileName()).resolve("meta.json"))
              .contains("thanos"),
          "Prometheus' own meta.json is left alone");
    }
    // The state file is written once a block's upload (meta.json last) is complete.
    Path stateFile = data.resolve("thanos.shipper.json");
    await(
        () ->
            Files.exists(stateFile)
                && JSON.readTree(stateFile.toFile()).path("uploaded").size() == 2,
        10_000,
        "both blocks in thanos.shipper.json");
    assertEquals(1, JSON.readTree(stateFile.toFile()).get("version").asInt());

    // Info as a Thanos sidecar announces itself.
    ManagedChannel ch =
        NettyChannelBuilder.forAddress("127.0.0.1", sidecar.grpcPort()).usePlaintext().build();
    open.add(() -> ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    InfoResponse info = InfoGrpc.newBlockingStub(ch).info(InfoRequest.getDefaultInstance());
    assertEquals("sidecar", info.getComponentType());
    assertEquals(1, info.getLabelSetsCount());
    assertEquals(
        "cluster=eu1,replica=a",
        info.getLabelSets(0).getLabelsList().stream()
            .map(l -> l.getName() + "=" + l.getValue())
            .reduce((x, y) -> x + "," + y)
            .orElse(""));
    assertEquals(blockStart, info.getStore().getMinTime(), "Prometheus' oldest sample");
    assertEquals(Long.MAX_VALUE, info.getStore().getMaxTime());

    // Series: block and head data, external labels attached, chunks as Prometheus holds them.
    StoreGrpc.StoreBlockingStub store = StoreGrpc.newBlockingStub(ch);
    List<Series> blockSeries = series(store, req(eq("__name__", "backfilled")).build());
    assertEquals(2, blockSeries.size());
    assertEquals(
        Map.of("__name__", "backfilled", "cluster", "eu1", "instance", "a", "replica", "a"),
        labels(blockSeries.get(0)));
    long[][] samples = decode(blockSeries.get(0));
    assertEquals(4 * 60, samples[0].length, "one sample a minute for 4 h");
    assertEquals(blockStart, samples[0][0]);
    assertEquals(7.0, Double.longBitsToDouble(samples[1][7]));
    List<Series> head = series(store, req(eq("__name__", "head_metric")).build());
    assertEquals(1, head.size());
    assertEquals(headT, decode(head.get(0))[0][0]);
    assertEquals(5, decode(head.get(0))[0].length);

    // Dedup as Thanos Query asks for it, and matchers on external labels.
    List<Series> noReplica =
        series(store, req(eq("__name__", "backfilled")).addWithoutReplicaLabels("replica").build());
    assertEquals(
        Map.of("__name__", "backfilled", "cluster", "eu1", "instance", "a"),
        labels(noReplica.get(0)));
    assertEquals(
        List.of(), series(store, req(eq("__name__", "backfilled"), eq("replica", "b")).build()));
    assertEquals(
        2, series(store, req(eq("__name__", "backfilled"), eq("cluster", "eu1")).build()).size());

    String metrics = get(http + "/metrics").body();
    assertTrue(metrics.contains("thanos_sidecar_prometheus_up 1.0"), metrics);
    assertTrue(metrics.contains("thanos_sidecar_last_heartbeat_success_time_seconds "), metrics);
    assertTrue(
        metrics.contains(
            "thanos_objstore_bucket_operations_total{bucket=\""
                + bucket
                + "\",operation=\"upload\"}"),
        metrics);

    // Restarted: nothing uploaded again.
    sidecar.close();
    open.remove(sidecar);
    SidecarServer again = startSidecar(prom, data, bucket);
    String http2 = "http://127.0.0.1:" + again.httpAddress().getPort();
    await(
        () -> get(http2 + "/metrics").body().contains("rwgateway_shipper_blocks_pending{"),
        30_000,
        "a first sync");
    Thread.sleep(500);
    String after = get(http2 + "/metrics").body();
    assertTrue(
        after.contains(
            "thanos_objstore_bucket_operations_total{bucket=\""
                + bucket
                + "\",operation=\"upload\"} 0.0"),
        after);
    assertEquals(2, metaFiles(bucket).size());
  }

  @Test
  void refusesToServeWhilePrometheusHasNoExternalLabels() throws Exception {
    LocalPrometheus prom =
        LocalPrometheus.start(
            dir.resolve("prom"),
            "global: {}\n",
            "--web.enable-lifecycle",
            "--storage.tsdb.min-block-duration=2h",
            "--storage.tsdb.max-block-duration=2h");
    open.add(prom);
    prom.awaitReady(HTTP, 60_000);
    SidecarServer sidecar =
        startSidecar(prom, dir.resolve("prom/data"), null, "--prometheus.get_config_interval=1s");
    String http = "http://127.0.0.1:" + sidecar.httpAddress().getPort();
    HttpResponse<String> ready = get(http + "/-/ready");
    assertEquals(503, ready.statusCode());
    assertEquals("not ready: Prometheus has no external labels", ready.body().trim());
    ManagedChannel ch =
        NettyChannelBuilder.forAddress("127.0.0.1", sidecar.grpcPort()).usePlaintext().build();
    open.add(() -> ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    StatusRuntimeException e =
        assertThrows(
            StatusRuntimeException.class,
            () -> InfoGrpc.newBlockingStub(ch).info(InfoRequest.getDefaultInstance()));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());

    // Prometheus gets external labels and reloads: the sidecar serves at its next poll.
    Files.writeString(dir.resolve("prom/prometheus.yml"), EXTERNAL);
    HttpResponse<String> reload =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(prom.base + "/-/reload"))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, reload.statusCode(), reload.body());
    await(() -> get(http + "/-/ready").statusCode() == 200, 10_000, "ready after the reload");
    assertEquals(
        "sidecar",
        InfoGrpc.newBlockingStub(ch).info(InfoRequest.getDefaultInstance()).getComponentType());
  }

  @Test
  void servesWhatAPrometheusEmptyAtStartGetsWithoutWaitingForAPoll() throws Exception {
    LocalPrometheus prom =
        LocalPrometheus.start(
            dir.resolve("prom"),
            EXTERNAL,
            "--storage.tsdb.min-block-duration=2h",
            "--storage.tsdb.max-block-duration=2h");
    open.add(prom);
    prom.awaitReady(HTTP, 60_000);
    SidecarServer sidecar = startSidecar(prom, dir.resolve("prom/data"), null); // polls every 30s
    long t = System.currentTimeMillis() / 1000 * 1000;
    write(prom, "late_metric", t, 3);
    ManagedChannel ch =
        NettyChannelBuilder.forAddress("127.0.0.1", sidecar.grpcPort()).usePlaintext().build();
    open.add(() -> ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    List<Series> late =
        series(StoreGrpc.newBlockingStub(ch), req(eq("__name__", "late_metric")).build());
    assertEquals(1, late.size(), "served before the sidecar learnt Prometheus' oldest sample");
    assertEquals(3, decode(late.get(0))[0].length);

    // Prometheus goes away: a read is UNAVAILABLE (Thanos Query retries), naming Prometheus' URL.
    prom.close();
    StatusRuntimeException down =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                series(StoreGrpc.newBlockingStub(ch), req(eq("__name__", "late_metric")).build()));
    assertEquals(Status.Code.UNAVAILABLE, down.getStatus().getCode(), down.toString());
    assertTrue(down.getStatus().getDescription().contains(prom.base), down.toString());
  }

  @Test
  void refusesToStartNextToAPrometheusThatCompactsItsBlocks() throws Exception {
    LocalPrometheus prom =
        LocalPrometheus.start(
            dir.resolve("prom"),
            EXTERNAL,
            "--storage.tsdb.min-block-duration=2h",
            "--storage.tsdb.max-block-duration=6h");
    open.add(prom);
    prom.awaitReady(HTTP, 60_000);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> startSidecar(prom, dir.resolve("prom/data"), dir.resolve("bucket")));
    assertTrue(e.getMessage().contains("--storage.tsdb.max-block-duration=6h"), e.getMessage());
    assertTrue(e.getMessage().contains("--shipper.upload-compacted"), e.getMessage());
  }

  // --- helpers

  private SidecarServer startSidecar(LocalPrometheus prom, Path data, Path bucket, String... more)
      throws Exception {
    List<String> args = new ArrayList<>();
    args.add("--prometheus.url=" + prom.base);
    args.add("--tsdb.path=" + data);
    args.add("--grpc-address=127.0.0.1:0");
    args.add("--http-address=127.0.0.1:0");
    args.add("--prometheus.ready_timeout=30s");
    if (bucket != null) {
      args.add("--objstore.config=type: FILESYSTEM\nconfig:\n  directory: " + bucket + "\n");
    }
    args.addAll(List.of(more));
    SidecarCommand cmd = new SidecarCommand();
    new CommandLine(cmd).parseArgs(args.toArray(new String[0]));
    SidecarServer s = SidecarServer.start(cmd.config());
    open.add(s);
    return s;
  }

  /** Two series, one sample a minute over {@code minutes} from {@code start}, via promtool. */
  private void backfill(Path data, long start, long minutes) throws Exception {
    StringBuilder om = new StringBuilder("# TYPE backfilled gauge\n");
    for (String instance : List.of("a", "b")) {
      for (long k = 0; k < minutes; k++) {
        om.append("backfilled{instance=\"")
            .append(instance)
            .append("\"} ")
            .append(k)
            .append(' ')
            .append((start + k * 60_000L) / 1000)
            .append('\n');
      }
    }
    om.append("# EOF\n");
    LocalPrometheus.createBlocks(om.toString(), dir, data);
  }

  private static void write(LocalPrometheus prom, String name, long t, int n) throws Exception {
    TimeSeries.Builder ts =
        TimeSeries.newBuilder().addLabels(Label.newBuilder().setName("__name__").setValue(name));
    for (int k = 0; k < n; k++) {
      ts.addSamples(Sample.newBuilder().setTimestamp(t + k * 1000L).setValue(k));
    }
    byte[] body =
        Snappy.compress(WriteRequest.newBuilder().addTimeseries(ts).build().toByteArray());
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(prom.writeUrl()))
                .header("Content-Type", "application/x-protobuf")
                .header("Content-Encoding", "snappy")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(204, r.statusCode(), r.body());
  }

  private static List<Path> metaFiles(Path bucket) throws Exception {
    if (!Files.isDirectory(bucket)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(bucket)) {
      return s.map(d -> d.resolve("meta.json")).filter(Files::exists).sorted().toList();
    }
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
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

  private static Map<String, String> map(JsonNode object) {
    Map<String, String> m = new TreeMap<>();
    object.forEachEntry((k, v) -> m.put(k, v.asText()));
    return m;
  }

  private static LabelMatcher eq(String name, String value) {
    return LabelMatcher.newBuilder()
        .setType(LabelMatcher.Type.EQ)
        .setName(name)
        .setValue(value)
        .build();
  }

  private static SeriesRequest.Builder req(LabelMatcher... m) {
    return SeriesRequest.newBuilder()
        .setMinTime(Long.MIN_VALUE / 2)
        .setMaxTime(Long.MAX_VALUE / 2)
        .addAllMatchers(List.of(m));
  }

  private static List<Series> series(StoreGrpc.StoreBlockingStub stub, SeriesRequest r) {
    List<Series> out = new ArrayList<>();
    Iterator<SeriesResponse> it = stub.withDeadlineAfter(30, TimeUnit.SECONDS).series(r);
    while (it.hasNext()) {
      SeriesResponse resp = it.next();
      if (resp.hasSeries()) {
        Series s = resp.getSeries();
        int last = out.size() - 1;
        if (last >= 0 && out.get(last).getLabelsList().equals(s.getLabelsList())) {
          out.set(last, out.get(last).toBuilder().addAllChunks(s.getChunksList()).build());
        } else {
          out.add(s);
        }
      }
    }
    return out;
  }

  private static Map<String, String> labels(Series s) {
    Map<String, String> m = new TreeMap<>();
    s.getLabelsList().forEach(l -> m.put(l.getName(), l.getValue()));
    return m;
  }

  /** {timestamps, value bits} of every XOR chunk of the series. */
  private static long[][] decode(Series s) {
    List<Long> t = new ArrayList<>();
    List<Long> v = new ArrayList<>();
    XorIterator it = new XorIterator();
    for (AggrChunk c : s.getChunksList()) {
      byte[] b = c.getRaw().getData().toByteArray();
      it.reset(b, b.length);
      while (it.next()) {
        t.add(it.t());
        v.add(it.valueBits());
      }
    }
    long[][] out = new long[2][t.size()];
    for (int i = 0; i < t.size(); i++) {
      out[0][i] = t.get(i);
      out[1][i] = v.get(i);
    }
    return out;
  }
}
