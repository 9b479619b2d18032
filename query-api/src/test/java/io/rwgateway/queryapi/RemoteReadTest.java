package io.rwgateway.queryapi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.http.HttpMethod;
import io.rwgateway.model.Labels;
import io.rwgateway.proto.prompb.BucketSpan;
import io.rwgateway.proto.prompb.Histogram;
import io.rwgateway.proto.prompb.Label;
import io.rwgateway.proto.prompb.LabelMatcher;
import io.rwgateway.proto.prompb.Query;
import io.rwgateway.proto.prompb.QueryResult;
import io.rwgateway.proto.prompb.ReadRequest;
import io.rwgateway.proto.prompb.ReadResponse;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.tsdb.Querier;
import io.rwgateway.tsdb.SeriesData;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

class RemoteReadTest {
  private static final long STALE_NAN = 0x7ff0000000000002L;
  private static final String HEADER = "THANOS-TENANT";

  private static final Histogram HIST =
      Histogram.newBuilder()
          .setCountInt(12)
          .setSum(34.5)
          .setSchema(3)
          .setZeroThreshold(1e-128)
          .setZeroCountInt(2)
          .addPositiveSpans(BucketSpan.newBuilder().setOffset(0).setLength(2))
          .addPositiveDeltas(4)
          .addPositiveDeltas(2)
          .setResetHint(Histogram.ResetHint.NO)
          .build();

  private final InMemoryQuerier main =
      new InMemoryQuerier()
          .add(
              Labels.of("__name__", "up", "job", "api"),
              new long[] {1000, 2000, 3000},
              new double[] {1, Double.longBitsToDouble(STALE_NAN), Double.NaN})
          .add(Labels.of("__name__", "up", "job", "db"), new long[] {1000}, new double[] {0.25})
          .add(
              new SeriesData(
                  Labels.of("__name__", "latency", "job", "api"),
                  new long[0],
                  new double[0],
                  new long[] {1500, 2500},
                  new byte[][] {
                    HIST.toByteArray(), HIST.toBuilder().setTimestamp(2500).build().toByteArray()
                  }));
  private final Map<String, Querier> tenants = new HashMap<>(Map.of("default-tenant", main));

  private PrometheusApi api(int limit) {
    return new PrometheusApi(tenants::get, HEADER, "default-tenant", Clock.systemUTC(), limit);
  }

  private static LabelMatcher m(LabelMatcher.Type type, String name, String value) {
    return LabelMatcher.newBuilder().setType(type).setName(name).setValue(value).build();
  }

  private static Query query(long start, long end, LabelMatcher... matchers) {
    return Query.newBuilder()
        .setStartTimestampMs(start)
        .setEndTimestampMs(end)
        .addAllMatchers(List.of(matchers))
        .build();
  }

  private static ApiCalls.Answer post(PrometheusApi api, byte[] body, String... headers) {
    return ApiCalls.call(api, ApiCalls.request(HttpMethod.POST, "/api/v1/read", body, headers));
  }

  private static ApiCalls.Answer read(PrometheusApi api, ReadRequest req, String... headers)
      throws Exception {
    return post(api, Snappy.compress(req.toByteArray()), headers);
  }

  private static ReadResponse decode(ApiCalls.Answer a) throws Exception {
    assertEquals(200, a.status(), a.text());
    assertEquals("application/x-protobuf", a.contentType());
    assertEquals("snappy", a.contentEncoding());
    return ReadResponse.parseFrom(Snappy.uncompress(a.body()));
  }

  private static String labels(TimeSeries ts) {
    StringBuilder sb = new StringBuilder();
    for (Label l : ts.getLabelsList()) {
      sb.append(l.getName()).append('=').append(l.getValue()).append(';');
    }
    return sb.toString();
  }

  @Test
  void roundTripSamplesWithNaNAndStaleBits() throws Exception {
    ReadResponse res =
        decode(
            read(
                api(1000),
                ReadRequest.newBuilder()
                    .addQueries(
                        query(
                            0,
                            10_000,
                            m(LabelMatcher.Type.EQ, "__name__", "up"),
                            m(LabelMatcher.Type.RE, "job", "a.*")))
                    .build()));
    assertEquals(1, res.getResultsCount());
    QueryResult r = res.getResults(0);
    assertEquals(1, r.getTimeseriesCount());
    TimeSeries ts = r.getTimeseries(0);
    assertEquals("__name__=up;job=api;", labels(ts));
    assertEquals(3, ts.getSamplesCount());
    assertEquals(1000, ts.getSamples(0).getTimestamp());
    assertEquals(1.0, ts.getSamples(0).getValue());
    assertEquals(
        STALE_NAN,
        Double.doubleToRawLongBits(ts.getSamples(1).getValue()),
        "stale marker bits survive");
    assertEquals(
        Double.doubleToRawLongBits(Double.NaN),
        Double.doubleToRawLongBits(ts.getSamples(2).getValue()));
    assertEquals(0, ts.getHistogramsCount());
    assertEquals(0, main.lastMint);
    assertEquals(10_000, main.lastMaxt);
  }

  @Test
  void histogramsAndSeveralQueriesInOrder() throws Exception {
    ReadResponse res =
        decode(
            read(
                api(1000),
                ReadRequest.newBuilder()
                    .addQueries(query(0, 2000, m(LabelMatcher.Type.EQ, "__name__", "latency")))
                    .addQueries(
                        query(
                            0,
                            10_000,
                            m(LabelMatcher.Type.EQ, "__name__", "up"),
                            m(LabelMatcher.Type.NEQ, "job", "api")))
                    .addQueries(
                        query(
                            0,
                            10_000,
                            m(LabelMatcher.Type.NRE, "job", "api|db"),
                            m(LabelMatcher.Type.RE, "__name__", ".+")))
                    .addAcceptedResponseTypes(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS)
                    .addAcceptedResponseTypes(ReadRequest.ResponseType.SAMPLES)
                    .build()));
    assertEquals(3, res.getResultsCount());
    TimeSeries h = res.getResults(0).getTimeseries(0);
    assertEquals("__name__=latency;job=api;", labels(h));
    assertEquals(0, h.getSamplesCount());
    assertEquals(1, h.getHistogramsCount(), "the 2500 histogram is outside [0, 2000]");
    assertEquals(HIST.toBuilder().setTimestamp(1500).build(), h.getHistograms(0));
    assertEquals("__name__=up;job=db;", labels(res.getResults(1).getTimeseries(0)));
    assertEquals(0.25, res.getResults(1).getTimeseries(0).getSamples(0).getValue());
    assertEquals(0, res.getResults(2).getTimeseriesCount());
  }

  @Test
  void unknownTenantGetsEmptyResults() throws Exception {
    ReadResponse res =
        decode(
            read(
                api(1000),
                ReadRequest.newBuilder()
                    .addQueries(query(0, 10_000, m(LabelMatcher.Type.EQ, "__name__", "up")))
                    .addQueries(query(0, 10_000, m(LabelMatcher.Type.EQ, "__name__", "up")))
                    .build(),
                HEADER,
                "nobody"));
    assertEquals(2, res.getResultsCount());
    assertEquals(0, res.getResults(0).getTimeseriesCount());
    assertEquals(0, main.calls, "the default tenant was not asked");
  }

  @Test
  void tenantHeaderSelectsQuerier() throws Exception {
    tenants.put(
        "t2",
        new InMemoryQuerier()
            .add(Labels.of("__name__", "up", "job", "t2"), new long[] {5}, new double[] {9}));
    ReadResponse res =
        decode(
            read(
                api(1000),
                ReadRequest.newBuilder()
                    .addQueries(query(0, 10, m(LabelMatcher.Type.EQ, "__name__", "up")))
                    .build(),
                "thanos-tenant",
                "t2"));
    assertEquals("__name__=up;job=t2;", labels(res.getResults(0).getTimeseries(0)));
    ApiCalls.Answer bad = read(api(1000), ReadRequest.getDefaultInstance(), HEADER, "../etc");
    assertEquals(400, bad.status());
    assertTrue(bad.text().startsWith("invalid tenant id"));
  }

  @Test
  void withoutAChunkSourceOnlySamplesIsServed() throws Exception {
    ApiCalls.Answer a =
        read(
            api(1000),
            ReadRequest.newBuilder()
                .addQueries(query(0, 10, m(LabelMatcher.Type.EQ, "__name__", "up")))
                .addAcceptedResponseTypes(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS)
                .build());
    assertEquals(400, a.status());
    assertTrue(
        a.text().contains("none of the accepted response types [STREAMED_XOR_CHUNKS]"), a.text());
    assertTrue(a.text().contains("supported: [SAMPLES]"), a.text());
    assertEquals(0, main.calls);
  }

  @Test
  void sampleLimitCountsAcrossQueries() throws Exception {
    ReadRequest twoQueries =
        ReadRequest.newBuilder()
            .addQueries(query(0, 10_000, m(LabelMatcher.Type.EQ, "job", "api")))
            .addQueries(query(0, 10_000, m(LabelMatcher.Type.EQ, "job", "db")))
            .build();
    // job=api holds 3 float samples and 2 histograms, job=db 1 sample: 6 in all.
    assertEquals(2, decode(read(api(6), twoQueries)).getResultsCount());
    ApiCalls.Answer a = read(api(5), twoQueries);
    assertEquals(400, a.status());
    assertTrue(a.text().contains("exceeds limit"), a.text());
    assertTrue(
        a.text().endsWith("\n") && a.text().indexOf('\n') == a.text().length() - 1, "one line");
    assertEquals(2, decode(read(api(0), twoQueries)).getResultsCount(), "0 is no limit");
  }

  @Test
  void badBodies() throws Exception {
    assertOneLine400(
        post(api(10), "definitely not snappy".getBytes(StandardCharsets.UTF_8)),
        "not snappy-compressed");
    assertOneLine400(post(api(10), new byte[0]), "not snappy-compressed");
    assertOneLine400(
        post(api(10), Snappy.compress(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff})),
        "not a prometheus.ReadRequest");
    assertOneLine400(
        read(
            api(10),
            ReadRequest.newBuilder()
                .addQueries(query(0, 1, m(LabelMatcher.Type.RE, "job", "(unclosed")))
                .build()),
        "invalid regular expression");
  }

  private static void assertOneLine400(ApiCalls.Answer a, String fragment) {
    assertEquals(400, a.status(), a.text());
    assertTrue(a.contentType().startsWith("text/plain"));
    assertNull(a.contentEncoding());
    String text = a.text();
    assertTrue(text.contains(fragment), text);
    assertFalse(text.substring(0, text.length() - 1).contains("\n"), "one line: " + text);
  }

  @Test
  void emptyRequestGivesEmptyResponse() throws Exception {
    ReadResponse res = decode(read(api(10), ReadRequest.getDefaultInstance()));
    assertEquals(0, res.getResultsCount());
    assertArrayEquals(new byte[0], res.toByteArray());
  }
}
