package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.proto.prompb.Label;
import io.rwgateway.proto.prompb.ReadResponse;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.proto.prompb.WriteRequest;
import io.rwgateway.proto.writev2.Request;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * The remote-write endpoint over real HTTP: status codes, messages and headers for good and bad
 * requests, and that the gateway goes on serving after each bad one.
 */
class RemoteWriteHttpTest {
  @TempDir static Path dir;
  static InProcessGateway gw;
  static RemoteWriteClient client;
  static long now = System.currentTimeMillis();
  static int nextSeries;

  @BeforeAll
  static void start() throws Exception {
    gw =
        InProcessGateway.start(
            dir,
            "--remote-write.max-request-bytes",
            "64KiB",
            "--remote-write.max-decompressed-bytes",
            "4MiB");
    client = gw.client;
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  /** After any bad request, a good one still goes through. */
  static void assertStillServing() throws Exception {
    int k = nextSeries++;
    HttpResponse<String> r = client.write(RemoteWriteClient.request("alive", k, k + 1, now, 1));
    assertEquals(204, r.statusCode(), r.body());
  }

  static void assertAnswer(HttpResponse<String> r, int code, String messagePart) throws Exception {
    assertEquals(code, r.statusCode(), r.body());
    assertTrue(
        r.body().contains(messagePart),
        "body \"" + r.body() + "\" should contain \"" + messagePart + "\"");
    assertEquals(1, r.body().strip().lines().count(), "one-line message");
    assertStillServing();
  }

  @Test
  void v1WriteIsReadBack() throws Exception {
    HttpResponse<String> r = client.write(RemoteWriteClient.request("v1_metric", 0, 10, now, 42.5));
    assertEquals(204, r.statusCode(), r.body());
    ReadResponse rr = client.read("v1_metric", now - 1000, now + 1000, Map.of());
    assertEquals(10, rr.getResults(0).getTimeseriesCount());
    for (TimeSeries ts : rr.getResults(0).getTimeseriesList()) {
      assertEquals(1, ts.getSamplesCount());
      assertEquals(42.5, ts.getSamples(0).getValue());
      assertEquals(now, ts.getSamples(0).getTimestamp());
    }
  }

  @Test
  void v2WriteCountsWrittenInHeaders() throws Exception {
    Request req =
        Request.newBuilder()
            .addSymbols("")
            .addSymbols("__name__")
            .addSymbols("v2_metric")
            .addSymbols("job")
            .addSymbols("a")
            .addTimeseries(
                io.rwgateway.proto.writev2.TimeSeries.newBuilder()
                    .addLabelsRefs(1)
                    .addLabelsRefs(2)
                    .addLabelsRefs(3)
                    .addLabelsRefs(4)
                    .addSamples(
                        io.rwgateway.proto.writev2.Sample.newBuilder()
                            .setTimestamp(now)
                            .setValue(1))
                    .addSamples(
                        io.rwgateway.proto.writev2.Sample.newBuilder()
                            .setTimestamp(now + 1000)
                            .setValue(2)))
            .build();
    HttpResponse<String> r =
        client.post(Snappy.compress(req.toByteArray()), RemoteWriteClient.V2_TYPE, Map.of());
    assertEquals(204, r.statusCode(), r.body());
    assertEquals(
        "2", r.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written").orElse(null));
    assertEquals(
        "0", r.headers().firstValue("X-Prometheus-Remote-Write-Histograms-Written").orElse(null));
    assertEquals(
        "0", r.headers().firstValue("X-Prometheus-Remote-Write-Exemplars-Written").orElse(null));
    // Sent again: the first sample is now out of order -> counted, not written.
    Request older =
        req.toBuilder()
            .setTimeseries(
                0,
                req.getTimeseries(0).toBuilder()
                    .clearSamples()
                    .addSamples(
                        io.rwgateway.proto.writev2.Sample.newBuilder()
                            .setTimestamp(now)
                            .setValue(5)))
            .build();
    r = client.post(Snappy.compress(older.toByteArray()), RemoteWriteClient.V2_TYPE, Map.of());
    assertEquals(409, r.statusCode(), r.body());
    assertEquals(
        "0", r.headers().firstValue("X-Prometheus-Remote-Write-Samples-Written").orElse(null));
  }

  @Test
  void tenantsAreSeparate() throws Exception {
    byte[] body =
        Snappy.compress(RemoteWriteClient.request("tenant_metric", 0, 3, now, 7).toByteArray());
    assertEquals(
        204,
        client
            .post(body, RemoteWriteClient.V1_TYPE, Map.of("THANOS-TENANT", "team-a"))
            .statusCode());
    assertEquals(
        3,
        client
            .read("tenant_metric", now - 1, now + 1, Map.of("THANOS-TENANT", "team-a"))
            .getResults(0)
            .getTimeseriesCount());
    assertEquals(
        0,
        client
            .read("tenant_metric", now - 1, now + 1, Map.of())
            .getResults(0)
            .getTimeseriesCount());
    assertTrue(dir.resolve("team-a").toFile().isDirectory());
  }

  @Test
  void pathTraversalTenantIsRejected() throws Exception {
    byte[] body = Snappy.compress(RemoteWriteClient.request("x", 0, 1, now, 1).toByteArray());
    assertAnswer(
        client.post(body, RemoteWriteClient.V1_TYPE, Map.of("THANOS-TENANT", "..")),
        400,
        "invalid tenant id");
    assertAnswer(
        client.post(body, RemoteWriteClient.V1_TYPE, Map.of("THANOS-TENANT", "a/../../etc")),
        400,
        "invalid tenant id");
  }

  @Test
  void unsupportedContentTypeOrEncodingIs415() throws Exception {
    byte[] body = Snappy.compress(RemoteWriteClient.request("x", 0, 1, now, 1).toByteArray());
    assertAnswer(client.post(body, "application/json", Map.of()), 415, "Content-Type");
    assertAnswer(
        client.post(body, "application/x-protobuf;proto=foo.Bar", Map.of()), 415, "Content-Type");
    assertAnswer(
        client.post(body, RemoteWriteClient.V1_TYPE, Map.of("Content-Encoding", "gzip")),
        415,
        "Content-Encoding");
  }

  @Test
  void emptyBodyIs400() throws Exception {
    assertAnswer(client.post(new byte[0], RemoteWriteClient.V1_TYPE, Map.of()), 400, "empty");
  }

  @Test
  void notSnappyIs400() throws Exception {
    assertAnswer(
        client.post("this is not snappy at all".getBytes(), RemoteWriteClient.V1_TYPE, Map.of()),
        400,
        "snappy");
  }

  @Test
  void bodyOverLimitIs413() throws Exception {
    // Several times, and with bodies of several sizes: the answer must arrive even though the
    // server refuses the body while the client is still sending it (no reset before the 413).
    Random rnd = new Random(1);
    for (int size : new int[] {200_000, 2_000_000, 200_000, 8_000_000, 200_000}) {
      byte[] big = new byte[size];
      rnd.nextBytes(big);
      HttpResponse<String> r = client.post(big, RemoteWriteClient.V1_TYPE, Map.of());
      assertEquals(413, r.statusCode(), r.body());
      assertTrue(r.body().contains("--remote-write.max-request-bytes"), r.body());
    }
    assertStillServing();
  }

  @Test
  void declaredDecompressedSizeOverLimitIs413() throws Exception {
    // A snappy header announcing 1 GiB, followed by a few bytes: answered before decompressing.
    byte[] bomb = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x04, 0x00, 0x01, 0x02};
    assertAnswer(
        client.post(bomb, RemoteWriteClient.V1_TYPE, Map.of()), 413, "max-decompressed-bytes");
  }

  @Test
  void garbageProtobufIs400() throws Exception {
    byte[] garbage = Snappy.compress(new byte[] {0x0a, 0x7f, 0x01, 0x02});
    assertAnswer(client.post(garbage, RemoteWriteClient.V1_TYPE, Map.of()), 400, "");
  }

  @Test
  void outOfOrderAndDuplicateAre409AndKeepTheRest() throws Exception {
    assertEquals(204, client.write(RemoteWriteClient.request("ooo", 0, 2, now, 1)).statusCode());
    WriteRequest mixed =
        WriteRequest.newBuilder()
            .addTimeseries(
                RemoteWriteClient.request("ooo", 0, 1, now - 1000, 1)
                    .getTimeseries(0)) // out of order
            .addTimeseries(
                RemoteWriteClient.request("ooo", 1, 2, now, 2)
                    .getTimeseries(0)) // duplicate ts, new value
            .addTimeseries(
                RemoteWriteClient.request("ooo", 2, 3, now, 3).getTimeseries(0)) // new series: fine
            .build();
    HttpResponse<String> r = client.write(mixed);
    assertAnswer(r, 409, "out_of_order=1");
    assertTrue(r.body().contains("duplicate_timestamp=1"), r.body());
    assertEquals(
        3, client.read("ooo", now - 5000, now + 5000, Map.of()).getResults(0).getTimeseriesCount());
  }

  @Test
  void identicalResendIsAccepted() throws Exception {
    WriteRequest req = RemoteWriteClient.request("resend", 0, 5, now, 3);
    assertEquals(204, client.write(req).statusCode());
    assertEquals(204, client.write(req).statusCode());
  }

  @Test
  void farFutureIs400() throws Exception {
    assertAnswer(
        client.write(RemoteWriteClient.request("future", 0, 1, now + 3_600_000, 1)), 400, "future");
  }

  @Test
  void specialValuesRoundTrip() throws Exception {
    double stale = Double.longBitsToDouble(0x7ff0000000000002L);
    double[] values = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, stale, -0.0};
    for (int i = 0; i < values.length; i++) {
      assertEquals(
          204,
          client
              .write(RemoteWriteClient.request("special", 0, 1, now + i, values[i]))
              .statusCode());
    }
    TimeSeries ts =
        client.read("special", now - 1, now + 100, Map.of()).getResults(0).getTimeseries(0);
    assertEquals(values.length, ts.getSamplesCount());
    for (int i = 0; i < values.length; i++) {
      assertEquals(
          Double.doubleToRawLongBits(values[i]),
          Double.doubleToRawLongBits(ts.getSamples(i).getValue()),
          "sample " + i);
    }
  }

  @Test
  void wrongMethodAndPath() throws Exception {
    assertEquals(404, client.get("/nope", Map.of()).statusCode());
    assertEquals(200, client.get("/-/healthy", Map.of()).statusCode());
    assertEquals(200, client.get("/-/ready", Map.of()).statusCode());
    String metrics = client.get("/metrics", Map.of()).body();
    assertTrue(metrics.contains("rwgateway_remote_write_requests_total"), metrics);
  }

  @Test
  void sampleOlderThanTheAppendWindowIs409() throws Exception {
    assertEquals(204, client.write(RemoteWriteClient.request("recent", 0, 1, now, 1)).statusCode());
    assertAnswer(
        client.write(RemoteWriteClient.request("ancient", 0, 1, now - 3 * 3_600_000L, 1)),
        409,
        "too_old=1");
  }

  @Test
  void labelProblemsAre400AndNameTheLimit() throws Exception {
    WriteRequest noName =
        WriteRequest.newBuilder()
            .addTimeseries(
                TimeSeries.newBuilder()
                    .addLabels(Label.newBuilder().setName("job").setValue("x"))
                    .addSamples(
                        io.rwgateway.proto.prompb.Sample.newBuilder()
                            .setTimestamp(now)
                            .setValue(1)))
            .build();
    assertAnswer(client.write(noName), 400, "missing_metric_name=1");

    WriteRequest hugeValue =
        WriteRequest.newBuilder()
            .addTimeseries(
                TimeSeries.newBuilder()
                    .addLabels(Label.newBuilder().setName("__name__").setValue("huge"))
                    .addLabels(Label.newBuilder().setName("v").setValue("x".repeat(1 << 20)))
                    .addSamples(
                        io.rwgateway.proto.prompb.Sample.newBuilder()
                            .setTimestamp(now)
                            .setValue(1)))
            .build();
    assertAnswer(client.write(hugeValue), 400, "--receive.limits.max-label-value-length");

    TimeSeries.Builder many =
        TimeSeries.newBuilder().addLabels(Label.newBuilder().setName("__name__").setValue("many"));
    for (int i = 0; i < 100; i++) {
      many.addLabels(Label.newBuilder().setName(String.format("l%03d", i)).setValue("v"));
    }
    many.addSamples(io.rwgateway.proto.prompb.Sample.newBuilder().setTimestamp(now).setValue(1));
    assertAnswer(
        client.write(WriteRequest.newBuilder().addTimeseries(many).build()),
        400,
        "--receive.limits.max-label-names-per-series");
  }
}
