package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.proto.prompb.Chunk;
import io.rwgateway.proto.prompb.ChunkedReadResponse;
import io.rwgateway.proto.prompb.ChunkedSeries;
import io.rwgateway.proto.prompb.Label;
import io.rwgateway.proto.prompb.LabelMatcher;
import io.rwgateway.proto.prompb.Query;
import io.rwgateway.proto.prompb.ReadRequest;
import io.rwgateway.proto.prompb.ReadResponse;
import io.rwgateway.proto.prompb.Sample;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.proto.prompb.WriteRequest;
import io.rwgateway.tsdb.chunk.XorIterator;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * Remote read's STREAMED_XOR_CHUNKS answer, read the way Prometheus' client reads it (varint
 * length, CRC32C, ChunkedReadResponse), over HTTP from a running gateway: several frames, the same
 * samples as the SAMPLES answer, and the sample limit as a 400 before the stream starts or an
 * aborted stream after.
 */
class RemoteReadStreamTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final int SERIES = 400;
  private static final int SAMPLES = 600;

  @TempDir Path dir;

  /** Noisy gauges (about 8 bytes a sample), so the answer spans several 1 MiB frames. */
  private static void fill(RemoteWriteClient c) throws Exception {
    Random r = new Random(9);
    for (int j = 0; j < SAMPLES; j += 50) {
      WriteRequest.Builder b = WriteRequest.newBuilder();
      for (int s = 0; s < SERIES; s++) {
        TimeSeries.Builder ts =
            TimeSeries.newBuilder()
                .addLabels(Label.newBuilder().setName("__name__").setValue("noise"))
                .addLabels(Label.newBuilder().setName("s").setValue(String.format("%04d", s)));
        for (int k = j; k < j + 50; k++) {
          ts.addSamples(Sample.newBuilder().setTimestamp(T0 + k * 1000L).setValue(r.nextDouble()));
        }
        b.addTimeseries(ts);
      }
      assertEquals(204, c.write(b.build()).statusCode());
    }
  }

  private static byte[] request(ReadRequest.ResponseType... accepted) throws IOException {
    ReadRequest.Builder rr =
        ReadRequest.newBuilder()
            .addQueries(
                Query.newBuilder()
                    .setStartTimestampMs(T0)
                    .setEndTimestampMs(T0 + SAMPLES * 1000L)
                    .addMatchers(
                        LabelMatcher.newBuilder()
                            .setType(LabelMatcher.Type.EQ)
                            .setName("__name__")
                            .setValue("noise")));
    for (ReadRequest.ResponseType t : accepted) {
      rr.addAcceptedResponseTypes(t);
    }
    return Snappy.compress(rr.build().toByteArray());
  }

  private static HttpResponse<InputStream> post(int httpPort, byte[] body) throws Exception {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/api/v1/read"))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/x-protobuf")
            .header("Content-Encoding", "snappy")
            .header("X-Prometheus-Remote-Read-Version", "0.1.0")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofInputStream());
  }

  /** Reads frames to the end; label set -> timestamps and values (as raw bits). */
  private static TreeMap<String, long[][]> readFrames(InputStream in, int[] frames)
      throws IOException {
    TreeMap<String, List<long[]>> acc = new TreeMap<>();
    DataInputStream data = new DataInputStream(in);
    while (true) {
      int first = data.read();
      if (first < 0) {
        break;
      }
      long len = first & 0x7F;
      for (int shift = 7; (first & 0x80) != 0; shift += 7) {
        first = data.readUnsignedByte();
        len |= (long) (first & 0x7F) << shift;
      }
      int crc = data.readInt();
      byte[] msg = new byte[(int) len];
      data.readFully(msg);
      CRC32C c = new CRC32C();
      c.update(msg);
      assertEquals(crc, (int) c.getValue(), "frame CRC32C");
      frames[0]++;
      ChunkedReadResponse r = ChunkedReadResponse.parseFrom(msg);
      assertEquals(0, r.getQueryIndex());
      for (ChunkedSeries s : r.getChunkedSeriesList()) {
        String key = s.getLabelsList().toString();
        List<long[]> samples = acc.computeIfAbsent(key, k -> new ArrayList<>());
        XorIterator x = new XorIterator();
        for (Chunk ch : s.getChunksList()) {
          assertEquals(Chunk.Encoding.XOR, ch.getType());
          byte[] d = ch.getData().toByteArray();
          x.reset(d, d.length);
          while (x.next()) {
            samples.add(new long[] {x.t(), x.valueBits()});
          }
        }
      }
    }
    TreeMap<String, long[][]> out = new TreeMap<>();
    acc.forEach((k, v) -> out.put(k, v.toArray(new long[0][])));
    return out;
  }

  @Test
  void streamedChunksCarryTheSameSamplesAsTheSamplesAnswer() throws Exception {
    try (InProcessGateway gw = InProcessGateway.start(dir)) {
      fill(gw.client);
      int port = gw.server.httpAddress().getPort();
      HttpResponse<InputStream> r =
          post(
              port,
              request(
                  ReadRequest.ResponseType.STREAMED_XOR_CHUNKS, ReadRequest.ResponseType.SAMPLES));
      assertEquals(200, r.statusCode());
      assertEquals(
          "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse",
          r.headers().firstValue("Content-Type").orElse(""));
      int[] frames = {0};
      TreeMap<String, long[][]> streamed = readFrames(r.body(), frames);
      assertTrue(frames[0] >= 2, "several frames: " + frames[0]);
      assertEquals(SERIES, streamed.size());

      ReadResponse samples = gw.client.read("noise", T0, T0 + SAMPLES * 1000L, Map.of());
      List<TimeSeries> ts = samples.getResults(0).getTimeseriesList();
      assertEquals(SERIES, ts.size());
      for (TimeSeries s : ts) {
        long[][] got = streamed.get(s.getLabelsList().toString());
        assertEquals(SAMPLES, got.length);
        for (int i = 0; i < SAMPLES; i++) {
          Sample want = s.getSamples(i);
          assertArrayEquals(
              new long[] {want.getTimestamp(), Double.doubleToRawLongBits(want.getValue())},
              got[i]);
        }
      }
    }
  }

  @Test
  void theSampleLimitIsA400BeforeTheStreamAndAnAbortAfter() throws Exception {
    try (InProcessGateway gw = InProcessGateway.start(dir, "--remote-read.max-samples", "200000")) {
      fill(gw.client);
      int port = gw.server.httpAddress().getPort();
      // About 7 bytes a sample: the first 1 MiB frame holds ~150k of the 240k
      // samples, so a limit of 200k is hit after the stream started.
      HttpResponse<InputStream> r =
          post(port, request(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS));
      assertEquals(200, r.statusCode());
      assertThrows(IOException.class, () -> readFrames(r.body(), new int[1]));
    }
    try (InProcessGateway gw = InProcessGateway.start(dir, "--remote-read.max-samples", "1000")) {
      HttpResponse<InputStream> r =
          post(port(gw), request(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS));
      assertEquals(400, r.statusCode());
      String body = new String(r.body().readAllBytes());
      assertTrue(body.contains("exceeds limit of 1000"), body);
    }
  }

  @Test
  void seriesEndpointStreamsWithALimit() throws Exception {
    try (InProcessGateway gw = InProcessGateway.start(dir)) {
      fill(gw.client);
      String base = "/api/v1/series?match[]=noise&match[]=%7Bs%3D~%2200%5B0-4%5D%5B0-9%5D%22%7D";
      HttpResponse<String> all = gw.client.get(base, Map.of());
      assertEquals(200, all.statusCode(), all.body());
      assertEquals(SERIES, countOf(all.body(), "\"__name__\""));
      assertTrue(!all.body().contains("warnings"), all.body());
      HttpResponse<String> some = gw.client.get(base + "&limit=7", Map.of());
      assertEquals(7, countOf(some.body(), "\"__name__\""), some.body());
      assertTrue(
          some.body().contains("\"s\":\"0006\""), "the first 7 in label order: " + some.body());
      assertTrue(some.body().contains("results truncated due to limit"), some.body());
    }
  }

  private static int countOf(String body, String part) {
    int n = 0;
    for (int i = body.indexOf(part); i >= 0; i = body.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void theSamplesAnswerCountsExactlyBeforeBuilding() throws Exception {
    int all = SERIES * SAMPLES;
    try (InProcessGateway gw =
        InProcessGateway.start(dir, "--remote-read.max-samples", String.valueOf(all))) {
      fill(gw.client);
      assertEquals(
          SERIES,
          gw.client
              .read("noise", T0, T0 + SAMPLES * 1000L, Map.of())
              .getResults(0)
              .getTimeseriesCount(),
          "exactly at the limit: answered");
    }
    try (InProcessGateway gw =
        InProcessGateway.start(
            dir.resolve("2"), "--remote-read.max-samples", String.valueOf(all - 1))) {
      fill(gw.client);
      IOException e =
          assertThrows(
              IOException.class, () -> gw.client.read("noise", T0, T0 + SAMPLES * 1000L, Map.of()));
      assertTrue(
          e.getMessage().contains("400") && e.getMessage().contains("exceeds limit"),
          e.getMessage());
      // A range that cuts chunks: counted exactly too (half the samples of every series).
      assertEquals(
          SERIES,
          gw.client
              .read("noise", T0 + 150_000, T0 + 449_000, Map.of())
              .getResults(0)
              .getTimeseriesCount());
    }
  }

  @Test
  void anUnsupportedResponseTypeIsRefused() throws Exception {
    try (InProcessGateway gw = InProcessGateway.start(dir)) {
      byte[] req =
          Snappy.compress(
              ReadRequest.newBuilder()
                  .addQueries(Query.newBuilder().setEndTimestampMs(1))
                  .addAcceptedResponseTypesValue(7)
                  .build()
                  .toByteArray());
      HttpResponse<InputStream> r = post(port(gw), req);
      assertEquals(400, r.statusCode());
      assertTrue(
          new String(r.body().readAllBytes()).contains("none of the accepted response types"));
    }
  }

  private static int port(InProcessGateway gw) {
    return gw.server.httpAddress().getPort();
  }
}
