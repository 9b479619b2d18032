package io.rwgateway.sidecar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.proto.prompb.LabelMatcher;
import io.rwgateway.proto.prompb.Query;
import io.rwgateway.proto.prompb.ReadRequest;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.chunk.XorIterator;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RemoteReadChunkQuerier} against a real Prometheus 2.42 that holds {@link
 * TestSeries#dataSet}: the series, order, chunks and label answers are checked against what was
 * written and against Prometheus' own HTTP API.
 */
class RemoteReadChunkQuerierTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long ALL_MIN = Long.MIN_VALUE;
  private static final long ALL_MAX = Long.MAX_VALUE;

  @TempDir static Path home;
  private static LocalPrometheus prometheus;
  private static PrometheusClient client;
  private static PrometheusChunkQueryable queryable;
  private static List<TestSeries> written;
  private static List<TestSeries> served; // as served: stored() holds the served labels
  private static long end;

  @BeforeAll
  static void start() throws Exception {
    prometheus = LocalPrometheus.start(home);
    end = System.currentTimeMillis() / TestSeries.STEP * TestSeries.STEP;
    written = TestSeries.dataSet(end);
    prometheus.write(TestSeries.writeRequest(written));
    served = TestSeries.served(written);
    client = new PrometheusClient(URI.create(prometheus.base), PrometheusHttpConfig.defaults());
    Labels external = Labels.fromMap(client.externalLabels());
    queryable = new PrometheusChunkQueryable(client, () -> external, () -> Long.MAX_VALUE);
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
  }

  private static ChunkQuerier all() {
    return queryable.chunkQuerier(PrometheusChunkQueryable.TENANT, ALL_MIN, ALL_MAX);
  }

  @Test
  void selectAnswersPrometheusSeriesWithExternalLabelsInLabelOrder() throws Exception {
    Map<String, Matcher[]> selectors = new LinkedHashMap<>();
    selectors.put(
        "{__name__=\"http_requests_total\"}",
        new Matcher[] {eq("__name__", "http_requests_total")});
    selectors.put("{job=\"api\"}", new Matcher[] {eq("job", "api")});
    selectors.put(
        "{__name__=~\"up|temperature\"}", new Matcher[] {re("__name__", "up|temperature")});
    selectors.put("{__name__=~\".+\"}", new Matcher[] {re("__name__", ".+")});
    try (ChunkQuerier q = all()) {
      for (Map.Entry<String, Matcher[]> e : selectors.entrySet()) {
        List<Labels> expected = prometheusSeries(e.getKey());
        assertTrue(!expected.isEmpty(), e.getKey());
        assertEquals(expected, labels(q.select(e.getValue())), e.getKey());
        assertEquals(expected, labels(q.selectSeries(e.getValue())), e.getKey());
      }
      assertEquals(12, written.size());
      assertEquals(11, labels(q.select(re("__name__", ".+"))).size());
      assertEquals(
          List.of(
              served("__name__", "http_requests_total", "instance", "i1", "job", "api"),
              served("__name__", "http_requests_total", "instance", "i1", "job", "db"),
              served("__name__", "http_requests_total", "instance", "i2", "job", "api")),
          labels(q.select(eq("__name__", "http_requests_total"))));
    }
  }

  @Test
  void seriesThatExternalLabelsReorderComeInLabelOrder() {
    // Prometheus sends {up} first (stored order); with cluster/replica added it sorts after the
    // series with a_label and instance, before the one with zone.
    try (ChunkQuerier q = all()) {
      assertEquals(
          List.of(
              served("__name__", "up", "a_label", "1"),
              served("__name__", "up", "instance", "x"),
              served("__name__", "up"),
              served("__name__", "up", "zone", "z")),
          labels(q.select(eq("__name__", "up"))));
    }
  }

  @Test
  void externalLabelWinsOverAStoredLabelOfTheSameName() {
    Labels expected =
        Labels.of("__name__", "local_cluster", "cluster", "eu1", "job", "x", "replica", "a");
    try (ChunkQuerier q = all()) {
      assertEquals(List.of(expected), labels(q.select(eq("__name__", "local_cluster"))));
      assertEquals(
          List.of(expected),
          labels(q.select(eq("__name__", "local_cluster"), eq("cluster", "eu1"))));
      assertEquals(List.of(), labels(q.select(eq("cluster", "local"))));
      assertEquals(List.of("eu1"), q.labelValues("cluster"));
    }
  }

  @Test
  void bareSeriesAreTheStoredOnesInStoredOrder() throws Exception {
    // Bare, for the StoreAPI which attaches external labels itself: what Prometheus stores
    // (its /api/v1/series without the external labels it attaches), in its order, one request.
    Labels external = Labels.fromMap(client.externalLabels());
    PrometheusChunkQueryable bare =
        new PrometheusChunkQueryable(client, () -> external, () -> Long.MAX_VALUE, true);
    try (ChunkQuerier q = bare.chunkQuerier(PrometheusChunkQueryable.TENANT, ALL_MIN, ALL_MAX)) {
      assertEquals(
          List.of(
              Labels.of("__name__", "up"),
              Labels.of("__name__", "up", "a_label", "1"),
              Labels.of("__name__", "up", "instance", "x"),
              Labels.of("__name__", "up", "zone", "z")),
          labels(q.select(eq("__name__", "up"))),
          "stored order, where attaching cluster and replica would move {up}");
      assertEquals(
          List.of(Labels.of("__name__", "local_cluster", "cluster", "local", "job", "x")),
          labels(q.select(eq("__name__", "local_cluster"))),
          "a stored label of an external name keeps its stored value");
      assertEquals(
          strings(prometheus.get("/api/v1/labels")),
          q.labelNames(),
          "Prometheus' own names: cluster and replica only as stored (local_cluster, collide)");
      assertEquals(List.of("local"), q.labelValues("cluster"));
      assertEquals(List.of("b"), q.labelValues("replica"));
      List<Labels> all = labels(q.select(re("__name__", ".+")));
      assertEquals(12, all.size(), "every stored series, the two collide ones apart");
      for (int i = 1; i < all.size(); i++) {
        assertTrue(LabelOrder.compareLabels(all.get(i - 1), all.get(i)) < 0, "sorted: " + all);
      }
      for (Labels l : all) {
        assertTrue(!l.get("replica").equals("a"), "no external replica label: " + l);
      }
      assertEquals(
          List.of(
              Labels.of("__name__", "collide"), Labels.of("__name__", "collide", "replica", "b")),
          labels(q.select(eq("__name__", "collide"))),
          "not merged: the reader attaches replica=\"a\" and decides");
    }
  }

  @Test
  void chunksDecodeToExactlyTheSamplesWritten() {
    Map<Labels, long[][]> got;
    try (ChunkQuerier q = all()) {
      // Prometheus cuts a head chunk at about 120 samples, at 240 at the latest, and at 2 h
      // boundaries: 300 samples make 2 chunks or more.
      got = decode(q.select(re("__name__", ".+")), 2);
    }
    assertEquals(served.size(), got.size());
    for (TestSeries s : served) {
      long[][] tv = got.get(s.stored());
      assertTrue(tv != null, "missing " + s.stored());
      assertArrayEquals(s.t(), tv[0], s.stored().toString());
      assertArrayEquals(bits(s.v()), tv[1], s.stored().toString());
    }
    // Two stored series that the external replica label makes equal: one series, 10 + 10.
    assertEquals(20, got.get(served("__name__", "collide"))[0].length);
    // The counter reset at sample 150 came back as written.
    long[][] reset =
        got.get(served("__name__", "http_requests_total", "instance", "i1", "job", "api"));
    assertEquals(2.0, Double.longBitsToDouble(reset[1][150]));
    assertTrue(Double.longBitsToDouble(reset[1][149]) > 2.0);
  }

  @Test
  void aSeriesSentInSeveralFramesIsOneSeries() {
    // LocalPrometheus sends one chunk per frame: the three counters come in six frames or more.
    ReadRequest req =
        ReadRequest.newBuilder()
            .addQueries(
                Query.newBuilder()
                    .setStartTimestampMs(ALL_MIN)
                    .setEndTimestampMs(ALL_MAX)
                    .addMatchers(
                        LabelMatcher.newBuilder()
                            .setName("__name__")
                            .setValue("http_requests_total")))
            .addAcceptedResponseTypes(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS)
            .build();
    InputStream body = client.remoteRead(req, RemoteReadChunkQuerier.STREAMED_CONTENT_TYPE);
    ChunkedFrameReader frames = new ChunkedFrameReader(body, prometheus.base);
    FrameSeriesSource source =
        new FrameSeriesSource(frames, new ExternalLabels(TestSeries.EXTERNAL), prometheus.base);
    int series = 0;
    int chunks = 0;
    for (ReadSeries s = source.next(); s != null; s = source.next()) {
      series++;
      chunks += s.chunks().size();
    }
    PrometheusClient.closeQuietly(body);
    assertEquals(3, series);
    assertTrue(chunks >= 6, chunks + " chunks");
    assertEquals(chunks, frames.frames());
  }

  @Test
  void matchersOfEveryTypeAlsoOnExternalLabels() throws Exception {
    try (ChunkQuerier q = all()) {
      assertSelects(q, 3, "{job=\"api\"}", eq("job", "api"));
      assertSelects(
          q, 8, "{__name__=~\".+\",job!=\"api\"}", re("__name__", ".+"), neq("job", "api"));
      assertSelects(q, 4, "{instance=~\"i.*\"}", re("instance", "i.*"));
      assertSelects(
          q,
          4,
          "{__name__!~\"http.*|up\",__name__=~\".+\"}",
          nre("__name__", "http.*|up"),
          re("__name__", ".+"));
      // On external labels: decided against their one value.
      int all = served.size();
      assertEquals(all, labels(q.select(eq("replica", "a"))).size());
      assertEquals(all, labels(q.select(re("cluster", "eu.*"))).size());
      assertEquals(0, labels(q.select(eq("replica", "b"))).size());
      assertEquals(0, labels(q.select(neq("replica", "a"))).size());
      assertEquals(0, labels(q.select(nre("cluster", "eu.*"))).size());
      assertEquals(
          List.of(served("__name__", "http_requests_total", "instance", "i1", "job", "db")),
          labels(q.select(re("replica", "a|b"), eq("job", "db"))));
    }
  }

  @Test
  void aTimeRangeCutsSeriesAndChunks() {
    long mint = end - 199 * TestSeries.STEP + 7_000; // just after sample 100 of 300
    long maxt = end - 99 * TestSeries.STEP; // sample 200 of 300
    Map<Labels, long[][]> got;
    try (ChunkQuerier q = queryable.chunkQuerier(PrometheusChunkQueryable.TENANT, mint, maxt)) {
      got = decode(q.select(re("__name__", ".+")), 0);
    }
    int withSamples = 0;
    for (TestSeries s : served) {
      List<Long> ts = new ArrayList<>();
      List<Long> vs = new ArrayList<>();
      for (int k = 0; k < s.t().length; k++) {
        if (s.t()[k] >= mint && s.t()[k] <= maxt) {
          ts.add(s.t()[k]);
          vs.add(Double.doubleToRawLongBits(s.v()[k]));
        }
      }
      long[][] tv = got.get(s.stored());
      if (ts.isEmpty()) {
        assertNull(tv, "no samples in range, yet selected: " + s.stored());
        continue;
      }
      withSamples++;
      assertArrayEquals(toArray(ts), tv[0], s.stored().toString());
      assertArrayEquals(toArray(vs), tv[1], s.stored().toString());
    }
    assertEquals(4, withSamples); // the counters and the gauge; the others are later
    assertEquals(withSamples, got.size());
  }

  @Test
  void labelNamesAndValuesAgreeWithPrometheus() throws Exception {
    try (ChunkQuerier q = all()) {
      TreeSet<String> names = new TreeSet<>(LabelOrder.UTF8);
      names.addAll(strings(prometheus.get("/api/v1/labels")));
      names.add("cluster");
      names.add("replica");
      assertEquals(List.copyOf(names), q.labelNames());
      assertEquals(
          List.of("__name__", "a_label", "cluster", "instance", "job", "path", "replica", "zone"),
          q.labelNames());
      assertEquals(
          List.of("__name__", "cluster", "instance", "job", "replica"),
          q.labelNames(eq("job", "db")));
      assertEquals(strings(prometheus.get("/api/v1/label/job/values")), q.labelValues("job"));
      assertEquals(List.of("api", "db", "x"), q.labelValues("job"));
      assertEquals(List.of("x"), q.labelValues("instance", eq("__name__", "up")));
      assertEquals(List.of("a"), q.labelValues("replica"));
      assertEquals(List.of("a"), q.labelValues("replica", eq("job", "db")));
      assertEquals(List.of(), q.labelValues("replica", eq("job", "nope")));
      assertEquals(List.of(), q.labelNames(eq("replica", "b")));
      assertEquals(List.of(), q.labelValues("job", eq("replica", "b")));
      // Matchers that all match "" need Prometheus' non-empty workaround; {job=""} is up etc.
      assertEquals(
          List.of("__name__", "a_label", "cluster", "instance", "path", "replica", "zone"),
          q.labelNames(eq("job", "")));
      // A value with a quote, a backslash and a newline survives the selector text.
      assertEquals(List.of("a\"b\\c\nd"), q.labelValues("path", eq("path", "a\"b\\c\nd")));
      assertEquals(
          List.of("__name__", "cluster", "path", "replica"),
          q.labelNames(re("path", "a\"b\\\\c\\nd")));
    }
  }

  @Test
  void aBadRequestIsAnIllegalArgumentWithPrometheusMessage() {
    try (ChunkQuerier q = all()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> q.labelValues("bad-name"));
      assertTrue(e.getMessage().contains("invalid label name"), e.getMessage());
      assertEquals(400, ((PrometheusException) e.getCause()).status());
    }
  }

  @Test
  void aPrometheusThatIsDownIsAnIllegalStateNamingItsUrl() throws Exception {
    int port = LocalPrometheus.freePort();
    String url = "http://127.0.0.1:" + port;
    PrometheusClient down = new PrometheusClient(URI.create(url), PrometheusHttpConfig.defaults());
    PrometheusChunkQueryable dead =
        new PrometheusChunkQueryable(down, () -> TestSeries.EXTERNAL, () -> Long.MAX_VALUE);
    try (ChunkQuerier q = dead.chunkQuerier(PrometheusChunkQueryable.TENANT, 0, 1000)) {
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> q.select(eq("job", "api")));
      assertTrue(e.getMessage().contains(url + "/api/v1/"), e.getMessage());
      assertInstanceOf(PrometheusUnreachableException.class, e.getCause());
      IllegalStateException names = assertThrows(IllegalStateException.class, q::labelNames);
      assertTrue(names.getMessage().contains(url), names.getMessage());
    }
  }

  @Test
  void tenantsMinTimeAndUnknownExternalLabels() {
    long oldest = end - 10 * TestSeries.STEP;
    PrometheusChunkQueryable clamped =
        new PrometheusChunkQueryable(client, () -> TestSeries.EXTERNAL, () -> oldest);
    assertEquals(List.of("default-tenant"), clamped.tenants());
    assertEquals(oldest, clamped.minTime(PrometheusChunkQueryable.TENANT));
    assertEquals(Long.MAX_VALUE, clamped.minTime("other"));
    try (ChunkQuerier q = clamped.chunkQuerier(PrometheusChunkQueryable.TENANT, 0, ALL_MAX)) {
      assertEquals(oldest, q.mint());
      long[][] tv = decode(q.select(eq("__name__", "up")), 0).get(served("__name__", "up"));
      assertEquals(11, tv[0].length);
      assertEquals(oldest, tv[0][0]);
    }
    try (ChunkQuerier q = clamped.chunkQuerier("other", 0, ALL_MAX)) {
      assertEquals(List.of(), labels(q.select(re("__name__", ".+"))));
    }
    PrometheusChunkQueryable notYet =
        new PrometheusChunkQueryable(client, () -> null, () -> Long.MAX_VALUE);
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> notYet.chunkQuerier(PrometheusChunkQueryable.TENANT, 0, 1));
    assertTrue(e.getMessage().contains(prometheus.base), e.getMessage());
  }

  @Test
  void closingTheQuerierEndsAnAnswerBeingRead() {
    ChunkQuerier q = all();
    ChunkSeriesSet set = q.select(re("__name__", ".+"));
    assertTrue(set.next());
    q.close();
    assertThrows(IllegalStateException.class, () -> q.select(eq("job", "api")));
  }

  // --- helpers

  private static void assertSelects(ChunkQuerier q, int count, String selector, Matcher... ms)
      throws Exception {
    List<Labels> got = labels(q.select(ms));
    assertEquals(count, got.size(), selector);
    assertEquals(prometheusSeries(selector), got, selector);
    List<Labels> byOracle = new ArrayList<>();
    for (TestSeries s : served) {
      if (Arrays.stream(ms).allMatch(m -> m.matches(s.stored().get(m.name())))) {
        byOracle.add(s.stored());
      }
    }
    assertEquals(byOracle, got, selector);
  }

  /**
   * Prometheus' own answer for a selector, with external labels set, sorted and made unique as we
   * serve it.
   */
  private static List<Labels> prometheusSeries(String selector) throws Exception {
    JsonNode data =
        JSON.readTree(
                prometheus.get(
                    "/api/v1/series?match[]="
                        + URLEncoder.encode(selector, StandardCharsets.UTF_8)))
            .get("data");
    TreeSet<Labels> out = new TreeSet<>(LabelOrder.LABELS);
    for (JsonNode series : data) {
      Map<String, String> m = new LinkedHashMap<>();
      series.forEachEntry((k, v) -> m.put(k, v.asText()));
      out.add(new TestSeries(Labels.fromMap(m), new long[0], new double[0]).served());
    }
    return List.copyOf(out);
  }

  private static List<String> strings(String body) throws Exception {
    List<String> out = new ArrayList<>();
    JSON.readTree(body).get("data").forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<Labels> labels(ChunkSeriesSet set) {
    List<Labels> out = new ArrayList<>();
    while (set.next()) {
      out.add(set.labels());
    }
    return out;
  }

  /**
   * Every series' samples from its XOR chunks: {timestamps, value bits}. Checks that chunks are
   * XOR, in time order, with the time bounds of their samples, and that a series has at least
   * {@code minChunks300} chunks when it has 300 samples.
   */
  private static Map<Labels, long[][]> decode(ChunkSeriesSet set, int minChunks300) {
    Map<Labels, long[][]> out = new LinkedHashMap<>();
    XorIterator it = new XorIterator();
    while (set.next()) {
      List<Long> ts = new ArrayList<>();
      List<Long> vs = new ArrayList<>();
      ChunkIterator chunks = set.chunks();
      int n = 0;
      while (chunks.next()) {
        n++;
        assertEquals(ChunkEncoding.XOR, chunks.encoding());
        ByteBuffer b = chunks.bytes();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        it.reset(bytes, bytes.length);
        int before = ts.size();
        while (it.next()) {
          ts.add(it.t());
          vs.add(it.valueBits());
        }
        assertTrue(ts.size() > before, "empty chunk in " + set.labels());
        assertEquals(chunks.minTime(), ts.get(before), "chunk min time of " + set.labels());
        assertEquals(chunks.maxTime(), ts.get(ts.size() - 1), "chunk max time of " + set.labels());
        if (before > 0) {
          assertTrue(ts.get(before) > ts.get(before - 1), "chunks out of order " + set.labels());
        }
      }
      if (ts.size() == 300) {
        assertTrue(n >= minChunks300, set.labels() + " has " + n + " chunks");
      }
      long[][] previous = out.put(set.labels(), new long[][] {toArray(ts), toArray(vs)});
      assertNull(previous, "duplicate series " + set.labels());
    }
    return out;
  }

  private static long[] toArray(List<Long> xs) {
    long[] a = new long[xs.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = xs.get(i);
    }
    return a;
  }

  private static long[] bits(double[] v) {
    long[] a = new long[v.length];
    for (int i = 0; i < v.length; i++) {
      a[i] = Double.doubleToRawLongBits(v[i]);
    }
    return a;
  }

  private static Labels served(String... stored) {
    return new TestSeries(Labels.of(stored), new long[0], new double[0]).served();
  }

  private static Matcher eq(String n, String v) {
    return new Matcher(Matcher.Type.EQ, n, v);
  }

  private static Matcher neq(String n, String v) {
    return new Matcher(Matcher.Type.NEQ, n, v);
  }

  private static Matcher re(String n, String v) {
    return new Matcher(Matcher.Type.RE, n, v);
  }

  private static Matcher nre(String n, String v) {
    return new Matcher(Matcher.Type.NRE, n, v);
  }
}
