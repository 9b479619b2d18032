package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rwgateway.proto.prompb.BucketSpan;
import io.rwgateway.proto.prompb.Histogram;
import io.rwgateway.proto.prompb.Label;
import io.rwgateway.proto.prompb.ReadResponse;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.proto.prompb.WriteRequest;
import io.rwgateway.proto.writev2.Request;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * Custom-bucket histograms (schema -53) remote-written (1.0's field 16 and 2.0's custom_values,
 * with integer and float counts) come back from remote read SAMPLES with their custom_values, as
 * sent: they are kept in the head's histogram chunks, no longer left out.
 */
class CustomBucketsRemoteReadTest {
  @TempDir static Path dir;
  static InProcessGateway gw;
  static final long NOW = System.currentTimeMillis();

  @BeforeAll
  static void start() throws Exception {
    gw = InProcessGateway.start(dir);
  }

  @AfterAll
  static void stop() {
    gw.close();
  }

  static Histogram intNhcb(long t, int k) {
    return Histogram.newBuilder()
        .setCountInt(3L + 3 * k)
        .setZeroCountInt(0) // remote read always sets the zero count
        .setSum(7 + k)
        .setSchema(-53)
        .addPositiveSpans(BucketSpan.newBuilder().setLength(3))
        .addPositiveDeltas(1 + k)
        .addPositiveDeltas(0)
        .addPositiveDeltas(0)
        .addCustomValues(0.1)
        .addCustomValues(0.5)
        .addCustomValues(1)
        .setTimestamp(t)
        .build();
  }

  static Histogram floatNhcb(long t, int k) {
    return Histogram.newBuilder()
        .setCountFloat(2.5 + k)
        .setZeroCountFloat(0)
        .setSum(1.25)
        .setSchema(-53)
        .addPositiveSpans(BucketSpan.newBuilder().setOffset(1).setLength(2))
        .addPositiveCounts(0.5 + k)
        .addPositiveCounts(2)
        .addCustomValues(0.001)
        .addCustomValues(1e-4 + 2)
        .setTimestamp(t)
        .build();
  }

  @Test
  void v1CustomBucketHistogramsReadBackWithTheirBounds() throws Exception {
    TimeSeries.Builder ts =
        TimeSeries.newBuilder()
            .addLabels(Label.newBuilder().setName("__name__").setValue("nhcb_v1"));
    List<Histogram> sent =
        List.of(intNhcb(NOW - 3000, 0), intNhcb(NOW - 2000, 1), intNhcb(NOW - 1000, 2));
    sent.forEach(ts::addHistograms);
    HttpResponse<String> r = gw.client.write(WriteRequest.newBuilder().addTimeseries(ts).build());
    assertEquals(204, r.statusCode(), r.body());
    ReadResponse rr = gw.client.read("nhcb_v1", NOW - 10_000, NOW, Map.of());
    assertEquals(1, rr.getResults(0).getTimeseriesCount());
    assertEquals(
        sent,
        rr.getResults(0).getTimeseries(0).getHistogramsList().stream()
            .map(h -> h.toBuilder().clearResetHint().build())
            .toList());
  }

  @Test
  void promqlShowsCustomBucketsWithTheirBoundsAndQuantiles() throws Exception {
    TimeSeries.Builder ts =
        TimeSeries.newBuilder()
            .addLabels(Label.newBuilder().setName("__name__").setValue("nhcb_promql"));
    ts.addHistograms(intNhcb(NOW - 2000, 2)); // buckets of 3 each: count 9, sum 9
    assertEquals(
        204, gw.client.write(WriteRequest.newBuilder().addTimeseries(ts).build()).statusCode());
    String time = Double.toString(NOW / 1000.0);
    String body = gw.client.get("/api/v1/query?query=nhcb_promql&time=" + time, Map.of()).body();
    JsonNode h =
        new ObjectMapper().readTree(body).path("data").path("result").path(0).path("histogram");
    assertEquals("9", h.path(1).path("count").asText(), body);
    assertEquals(
        "[[3,\"-Inf\",\"0.1\",\"3\"],[0,\"0.1\",\"0.5\",\"3\"],[0,\"0.5\",\"1\",\"3\"]]",
        h.path(1).path("buckets").toString(),
        body);
    String q =
        gw.client
            .get("/api/v1/query?query=histogram_quantile(0.5,nhcb_promql)&time=" + time, Map.of())
            .body();
    // rank 4.5 falls in (0.1, 0.5] holding 3 after 3: 0.1 + 0.4 * 1.5 / 3.
    assertEquals(
        "0.30000000000000004",
        new ObjectMapper()
            .readTree(q)
            .path("data")
            .path("result")
            .path(0)
            .path("value")
            .path(1)
            .asText(),
        q);
  }

  @Test
  void v2FloatCustomBucketHistogramsReadBackWithTheirBounds() throws Exception {
    io.rwgateway.proto.writev2.TimeSeries.Builder ts =
        io.rwgateway.proto.writev2.TimeSeries.newBuilder().addLabelsRefs(1).addLabelsRefs(2);
    for (int k = 0; k < 3; k++) {
      Histogram h = floatNhcb(NOW - 3000 + k * 1000L, k);
      ts.addHistograms(io.rwgateway.proto.writev2.Histogram.parseFrom(h.toByteArray()));
    }
    Request req =
        Request.newBuilder()
            .addSymbols("")
            .addSymbols("__name__")
            .addSymbols("nhcb_v2")
            .addTimeseries(ts)
            .build();
    HttpResponse<String> r =
        gw.client.post(Snappy.compress(req.toByteArray()), RemoteWriteClient.V2_TYPE, Map.of());
    assertEquals(204, r.statusCode(), r.body());
    ReadResponse rr = gw.client.read("nhcb_v2", NOW - 10_000, NOW, Map.of());
    List<Histogram> got = rr.getResults(0).getTimeseries(0).getHistogramsList();
    assertEquals(3, got.size());
    for (int k = 0; k < 3; k++) {
      assertEquals(
          floatNhcb(NOW - 3000 + k * 1000L, k), got.get(k).toBuilder().clearResetHint().build());
      assertEquals(List.of(0.001, 1e-4 + 2), got.get(k).getCustomValuesList());
    }
  }
}
