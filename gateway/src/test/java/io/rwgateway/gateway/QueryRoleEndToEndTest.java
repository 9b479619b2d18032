package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.rwgateway.gateway.PromqlAnswerComparer.Answer;
import io.rwgateway.proto.prompb.Label;
import io.rwgateway.proto.prompb.Sample;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.proto.prompb.WriteRequest;
import io.rwgateway.proto.thanos.infopb.InfoGrpc;
import io.rwgateway.proto.thanos.infopb.InfoRequest;
import io.rwgateway.proto.thanos.infopb.InfoResponse;
import io.rwgateway.proto.thanos.infopb.StoreInfo;
import io.rwgateway.proto.thanos.labelpb.ZLabelSet;
import io.rwgateway.proto.thanos.storepb.AggrChunk;
import io.rwgateway.proto.thanos.storepb.Chunk;
import io.rwgateway.proto.thanos.storepb.LabelMatcher;
import io.rwgateway.proto.thanos.storepb.Series;
import io.rwgateway.proto.thanos.storepb.SeriesRequest;
import io.rwgateway.proto.thanos.storepb.SeriesResponse;
import io.rwgateway.proto.thanos.storepb.StoreGrpc;
import io.rwgateway.tsdb.chunk.XorChunk;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The query role with real parts behind it: Prometheus and its sidecar, receivers, a dying store.
 */
class QueryRoleEndToEndTest {
  @TempDir Path dir;

  private final PromqlDiffClient client = new PromqlDiffClient();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  private static WriteRequest samples(String name, String instance, long end, int n) {
    TimeSeries.Builder ts =
        TimeSeries.newBuilder()
            .addLabels(Label.newBuilder().setName("__name__").setValue(name))
            .addLabels(Label.newBuilder().setName("instance").setValue(instance));
    for (int i = n - 1; i >= 0; i--) {
      ts.addSamples(Sample.newBuilder().setTimestamp(end - i * 15_000L).setValue(n - i));
    }
    return WriteRequest.newBuilder().addTimeseries(ts).build();
  }

  private JsonNode ok(Answer a) {
    JsonNode n = PromqlAnswerComparer.parse(a.body());
    assertEquals(200, a.status(), a.body());
    assertEquals("success", n.path("status").asText(), a.body());
    return n;
  }

  private static TreeSet<String> seriesLabels(JsonNode answer) {
    TreeSet<String> out = new TreeSet<>();
    answer.path("data").path("result").forEach(s -> out.add(s.path("metric").toString()));
    return out;
  }

  private Answer instant(String base, String query, long at, String... extra) throws Exception {
    StringBuilder path =
        new StringBuilder("/api/v1/query?query=")
            .append(PromqlDiffClient.enc(query))
            .append("&time=")
            .append(at / 1000.0);
    for (String e : extra) {
      path.append('&').append(e);
    }
    return client.get(base, path.toString());
  }

  @Test
  void prometheusBehindASidecarAndAReceiverAnswerAsOne() throws Exception {
    long end = System.currentTimeMillis() / 1000 * 1000;
    LocalPrometheus prom =
        keep(
            LocalPrometheus.start(
                dir.resolve("prom"), "global:\n  external_labels:\n    source: prometheus\n"));
    prom.awaitReady(client.http, 60_000);
    client.write(prom.writeUrl(), samples("from_prometheus", "p", end, 20));
    SidecarCommand sc = new SidecarCommand();
    picocli.CommandLine cl = new picocli.CommandLine(sc);
    cl.parseArgs(
        "--prometheus.url=" + prom.base,
        "--tsdb.path=" + dir.resolve("prom/data"),
        "--grpc-address=127.0.0.1:0",
        "--http-address=127.0.0.1:0",
        "--prometheus.ready_timeout=30s");
    SidecarServer sidecar = keep(SidecarServer.start(sc.config()));
    InProcessGateway receiver =
        keep(InProcessGateway.start(dir.resolve("receiver"), "--label", "source=\"receiver\""));
    client.write(receiver.remoteWriteUrl(), samples("from_receiver", "r", end, 20));

    InProcessQuery query =
        keep(
            InProcessQuery.start(
                "--endpoint=127.0.0.1:" + sidecar.grpcPort(),
                "--store=127.0.0.1:" + receiver.server.grpcPort()));
    query.awaitEndpoints(2);
    String q = "{__name__=~\"from_.*\"}";
    TreeSet<String> want =
        new TreeSet<>(
            List.of(
                "{\"__name__\":\"from_prometheus\",\"instance\":\"p\",\"source\":\"prometheus\"}",
                "{\"__name__\":\"from_receiver\",\"instance\":\"r\",\"source\":\"receiver\","
                    + "\"tenant_id\":\"default-tenant\"}"));
    JsonNode got = ok(instant(query.base(), q, end));
    assertEquals(want, seriesLabels(got));
    got.path("data")
        .path("result")
        .forEach(s -> assertEquals("20", s.path("value").get(1).asText()));
    JsonNode rate = ok(instant(query.base(), "sum by (source) (rate(" + q + "[5m]))", end));
    assertEquals(2, rate.path("data").path("result").size(), rate.toString());

    // The query node is a StoreAPI itself: a second one over it gives the same answer.
    InProcessQuery upper = keep(InProcessQuery.start("--endpoint=127.0.0.1:" + query.grpcPort()));
    upper.awaitEndpoints(1);
    assertEquals(want, seriesLabels(ok(instant(upper.base(), q, end))));

    // Read with a client generated from Thanos' protos.
    ManagedChannel ch =
        NettyChannelBuilder.forAddress("127.0.0.1", query.grpcPort()).usePlaintext().build();
    try {
      InfoResponse info = InfoGrpc.newBlockingStub(ch).info(InfoRequest.getDefaultInstance());
      assertEquals("query", info.getComponentType());
      assertTrue(info.getLabelSetsCount() >= 2, info.toString());
      assertTrue(info.getStore().getMinTime() <= end - 19 * 15_000L, info.toString());
      Iterator<SeriesResponse> it =
          StoreGrpc.newBlockingStub(ch)
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .series(
                  SeriesRequest.newBuilder()
                      .setMinTime(end - 3_600_000)
                      .setMaxTime(end)
                      .addMatchers(
                          LabelMatcher.newBuilder()
                              .setType(LabelMatcher.Type.RE)
                              .setName("__name__")
                              .setValue("from_.*"))
                      .build());
      List<String> names = new ArrayList<>();
      while (it.hasNext()) {
        SeriesResponse r = it.next();
        if (r.hasSeries()) {
          names.add(r.getSeries().getLabels(0).getValue());
          assertTrue(r.getSeries().getChunksCount() > 0);
        }
      }
      assertEquals(List.of("from_prometheus", "from_receiver"), names);
    } finally {
      ch.shutdownNow();
    }
  }

  @Test
  void anEndpointKilledMidQueryIsAWarningWithPartialResponseAndAnErrorWithout() throws Exception {
    long end = System.currentTimeMillis() / 1000 * 1000;
    InProcessGateway receiver =
        keep(InProcessGateway.start(dir.resolve("receiver"), "--label", "source=\"receiver\""));
    client.write(receiver.remoteWriteUrl(), samples("up", "r", end, 20));
    for (boolean partial : new boolean[] {true, false}) {
      DyingStore dying = keep(new DyingStore(end));
      InProcessQuery query =
          keep(
              InProcessQuery.start(
                  "--endpoint=127.0.0.1:" + receiver.server.grpcPort(),
                  "--endpoint=" + dying.address()));
      query.awaitEndpoints(2);
      CompletableFuture<Answer> answer =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return instant(query.base(), "up", end, "partial_response=" + partial);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      assertTrue(dying.sending.await(30, TimeUnit.SECONDS), "the query reached the dying store");
      dying.server.shutdownNow();
      Answer a = answer.get(60, TimeUnit.SECONDS);
      JsonNode n = PromqlAnswerComparer.parse(a.body());
      if (partial) {
        ok(a);
        assertEquals(
            new TreeSet<>(
                List.of(
                    "{\"__name__\":\"up\",\"instance\":\"r\",\"source\":\"receiver\","
                        + "\"tenant_id\":\"default-tenant\"}")),
            seriesLabels(n),
            "the receiver's data, and none of the dying store's half-sent answer");
        String warnings = n.path("warnings").toString();
        assertTrue(warnings.contains(dying.address()), a.body());
      } else {
        assertEquals(503, a.status(), a.body());
        assertEquals("unavailable", n.path("errorType").asText(), a.body());
        assertTrue(n.path("error").asText().contains(dying.address()), a.body());
      }
    }
  }

  /**
   * A StoreAPI server that, asked for series, sends the first of two and then hangs until it is
   * shut down: a store killed while it answers.
   */
  private static final class DyingStore implements AutoCloseable {
    final CountDownLatch sending = new CountDownLatch(1);
    final Server server;
    private final String address;
    private final long end;

    DyingStore(long end) throws Exception {
      this.end = end;
      server =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
              .addService(
                  new InfoGrpc.InfoImplBase() {
                    @Override
                    public void info(InfoRequest req, StreamObserver<InfoResponse> out) {
                      out.onNext(
                          InfoResponse.newBuilder()
                              .setComponentType("store")
                              .addLabelSets(
                                  ZLabelSet.newBuilder()
                                      .addLabels(
                                          io.rwgateway.proto.thanos.labelpb.Label.newBuilder()
                                              .setName("source")
                                              .setValue("dying")))
                              .setStore(
                                  StoreInfo.newBuilder()
                                      .setMinTime(Long.MIN_VALUE)
                                      .setMaxTime(Long.MAX_VALUE))
                              .build());
                      out.onCompleted();
                    }
                  })
              .addService(
                  new StoreGrpc.StoreImplBase() {
                    @Override
                    public void series(SeriesRequest req, StreamObserver<SeriesResponse> out) {
                      out.onNext(frame("a"));
                      sending.countDown();
                      // Hang: the answer never ends until the server is killed.
                    }
                  })
              .build()
              .start();
      address = "127.0.0.1:" + server.getPort(); // getPort() fails once the server is shut down
    }

    private SeriesResponse frame(String instance) {
      XorChunk c = new XorChunk(64);
      c.append(end - 1000, 1);
      byte[] data = Arrays.copyOf(c.buffer(), c.length());
      return SeriesResponse.newBuilder()
          .setSeries(
              Series.newBuilder()
                  .addLabels(label("__name__", "up"))
                  .addLabels(label("instance", instance))
                  .addLabels(label("source", "dying"))
                  .addChunks(
                      AggrChunk.newBuilder()
                          .setMinTime(end - 1000)
                          .setMaxTime(end - 1000)
                          .setRaw(
                              Chunk.newBuilder()
                                  .setType(Chunk.Encoding.XOR)
                                  .setData(com.google.protobuf.ByteString.copyFrom(data)))))
          .build();
    }

    private static io.rwgateway.proto.thanos.labelpb.Label label(String n, String v) {
      return io.rwgateway.proto.thanos.labelpb.Label.newBuilder().setName(n).setValue(v).build();
    }

    String address() {
      return address;
    }

    @Override
    public void close() {
      server.shutdownNow();
    }
  }
}
