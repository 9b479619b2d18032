package io.rwgateway.gateway;

import static io.rwgateway.gateway.HistogramTestSupport.absolute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.rwgateway.proto.prompb.BucketSpan;
import io.rwgateway.proto.prompb.Chunk;
import io.rwgateway.proto.prompb.ChunkedSeries;
import io.rwgateway.proto.prompb.Label;
import io.rwgateway.proto.prompb.ReadResponse;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.proto.thanos.storepb.AggrChunk;
import io.rwgateway.proto.thanos.storepb.SeriesRequest;
import io.rwgateway.proto.thanos.storepb.SeriesResponse;
import io.rwgateway.proto.thanos.storepb.StoreGrpc;
import io.rwgateway.tsdb.chunk.Histogram;
import io.rwgateway.tsdb.chunk.HistogramChunkIterator;
import io.rwgateway.tsdb.layout.BlockMeta;
import java.io.IOException;
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
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native histograms from a real source, end to end: a Prometheus 2.42 with {@code
 * --enable-feature=native-histograms} scrapes {@link NativeHistogramTarget} (client_java histograms
 * in the protobuf exposition format) and the gateway's own /metrics (its remote-write latency
 * histogram, likewise) every second and remote-writes them ({@code send_native_histograms: true})
 * to an in-process gateway. What that Prometheus stored (its streamed remote read, decoded here)
 * must equal, sample by sample (time, count, sum, zero count and threshold, schema, absolute bucket
 * counts by index), what the gateway returns:
 *
 * <ol>
 *   <li>from its head, by remote read (SAMPLES and STREAMED_XOR_CHUNKS) and the StoreAPI, and its
 *       PromQL API must answer a range selector over them with the JSON Prometheus answers;
 *   <li>from its blocks: the gateway is restarted on its WAL with 5 s blocks, cuts blocks of the
 *       replayed head while it runs and writes the rest on its clean stop; a third start reads the
 *       blocks alone by the same four ways;
 *   <li>as Prometheus 2.42 reads the blocks: {@code promtool tsdb analyze} on each, and a second
 *       Prometheus on a copy of them must answer the range selector exactly as the first did.
 * </ol>
 */
class NativeHistogramScrapeTest {
  private static final String METRIC = NativeHistogramTarget.METRIC;

  /**
   * The gateway's own remote-write latency histogram (classic and native), which Prometheus scrapes
   * from the gateway's /metrics in the protobuf format: a second real source, fed by Prometheus'
   * own remote writes.
   */
  private static final String SELF = "rwgateway_remote_write_request_duration_seconds";

  /** The histograms compared, as a regular expression on __name__. */
  private static final String NAMES = METRIC + "|" + SELF;

  /** Scrapes compared per series (at 1 s: the test's length). */
  private static final int SCRAPES = 22;

  /** The labels a series is known by: Prometheus' own, none the gateway might add. */
  private static final Set<String> KEY_LABELS = Set.of("__name__", "job", "instance", "route");

  @TempDir Path dir;

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();

  /**
   * One histogram sample as compared: buckets by index with their absolute counts, empty buckets
   * left out (span encodings of the same histogram may differ).
   */
  private record H(
      long t,
      boolean floatCounts,
      long count,
      long zeroCount,
      double zeroThreshold,
      double sum,
      int schema,
      Map<Integer, Long> pos,
      Map<Integer, Long> neg) {
    static H of(long t, Histogram h) {
      return new H(
          t,
          false,
          h.count(),
          h.zeroCount(),
          h.zeroThreshold(),
          h.sum(),
          h.schema(),
          absolute(h.positive()),
          absolute(h.negative()));
    }

    static H of(io.rwgateway.proto.prompb.Histogram p) {
      boolean f = p.getCountCase() == io.rwgateway.proto.prompb.Histogram.CountCase.COUNT_FLOAT;
      return new H(
          p.getTimestamp(),
          f,
          f ? (long) p.getCountFloat() : p.getCountInt(),
          f ? (long) p.getZeroCountFloat() : p.getZeroCountInt(),
          p.getZeroThreshold(),
          p.getSum(),
          p.getSchema(),
          f
              ? floats(p.getPositiveSpansList(), p.getPositiveCountsList())
              : deltas(p.getPositiveSpansList(), p.getPositiveDeltasList()),
          f
              ? floats(p.getNegativeSpansList(), p.getNegativeCountsList())
              : deltas(p.getNegativeSpansList(), p.getNegativeDeltasList()));
    }

    private static Map<Integer, Long> deltas(List<BucketSpan> spans, List<Long> deltas) {
      Map<Integer, Long> m = new TreeMap<>();
      int idx = 0;
      int b = 0;
      long abs = 0;
      for (BucketSpan s : spans) {
        idx += s.getOffset();
        for (int k = 0; k < s.getLength(); k++, idx++, b++) {
          abs += deltas.get(b);
          if (abs != 0) {
            m.put(idx, abs);
          }
        }
      }
      assertEquals(b, deltas.size(), "deltas for the spans' buckets");
      return m;
    }

    private static Map<Integer, Long> floats(List<BucketSpan> spans, List<Double> counts) {
      Map<Integer, Long> m = new TreeMap<>();
      int idx = 0;
      int b = 0;
      for (BucketSpan s : spans) {
        idx += s.getOffset();
        for (int k = 0; k < s.getLength(); k++, idx++, b++) {
          if (counts.get(b) != 0) {
            m.put(idx, (long) (double) counts.get(b));
          }
        }
      }
      return m;
    }
  }

  @Test
  void histogramsScrapedByPrometheusComeBackAsItStoredThem() throws Exception {
    Path data = dir.resolve("gw");
    Path tenantDir = data.resolve("default-tenant");
    long from = System.currentTimeMillis() - 60_000;
    List<String> problems = new ArrayList<>();
    Map<String, List<H>> stored;
    JsonNode promAnswer;
    long cutoff;
    try (NativeHistogramTarget target = NativeHistogramTarget.start()) {
      // 1. Prometheus scrapes the target and remote-writes to the gateway; its head answers.
      try (InProcessGateway gw = InProcessGateway.start(data, "--no-tsdb.flush-on-shutdown");
          LocalPrometheus prom =
              LocalPrometheus.start(
                  dir.resolve("prom1"),
                  scrapeConfig(target.address(), "127.0.0.1:" + gw.httpPort(), gw.remoteWriteUrl()),
                  "--enable-feature=native-histograms")) {
        prom.awaitReady(http, 30_000);
        long deadline = System.currentTimeMillis() + 45_000;
        while (target.protobufScrapes().size() < SCRAPES + 2) {
          assertTrue(
              System.currentTimeMillis() < deadline,
              "scrapes after 45 s: "
                  + target.protobufScrapes().size()
                  + ", other formats: "
                  + target.otherScrapes());
          Thread.sleep(100);
        }
        assertEquals(List.of(), target.otherScrapes(), "every scrape in the protobuf format");
        // Scrape k's samples are stamped before it was answered, scrape k+1's a second later;
        // scrape SCRAPES+1's (committed before scrape SCRAPES+2 began) completes the window.
        cutoff = target.protobufScrapes().get(SCRAPES - 1);
        stored = streamed(prom.base, from, cutoff);
        assertData(stored);

        // The gateway has the window once each series has as many samples as Prometheus has.
        Map<String, List<H>> fromHead = samples(gw, from, cutoff);
        for (long until = System.currentTimeMillis() + 20_000;
            !counts(fromHead).equals(counts(stored)) && System.currentTimeMillis() < until; ) {
          Thread.sleep(200);
          fromHead = samples(gw, from, cutoff);
        }
        assertEquals(List.of(), BlockDirs.finished(tenantDir), "nothing cut yet: the head answers");
        compare("head, remote read SAMPLES", stored, fromHead, problems);
        compare(
            "head, streamed remote read",
            stored,
            streamed(gw.client.apiBase(), from, cutoff),
            problems);
        compare("head, StoreAPI Series", stored, store(gw, from, cutoff), problems);
        promAnswer = rangeSelector(prom.base, cutoff, stored.size());
        // The gateway's own PromQL API, from the head: the same JSON as Prometheus'.
        sameAnswer(
            "the gateway's query API, head", promAnswer, gw.client.apiBase(), cutoff, problems);
      }
    }

    // 2. The gateway restarts on its WAL with 5 s blocks and cuts the replayed head while it runs.
    String[] fiveSecondBlocks = {
      "--tsdb.min-block-duration",
      "5s",
      "--tsdb.max-block-duration",
      "5s",
      "--tsdb.compaction-interval",
      "100ms"
    };
    List<Path> cutLive;
    try (InProcessGateway gw = InProcessGateway.start(data, fiveSecondBlocks)) {
      HttpResponse<String> ready = gw.client.get("/-/ready", Map.of());
      assertEquals(200, ready.statusCode(), "ready after the WAL replay: " + ready.body());
      long deadline = System.currentTimeMillis() + 20_000;
      while (BlockDirs.finished(tenantDir).size() < 2 && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      cutLive = BlockDirs.finished(tenantDir);
      assertTrue(cutLive.size() >= 2, "blocks cut from the replayed head: " + cutLive);
    } // its clean stop writes the rest of the head to blocks
    List<Path> all = BlockDirs.finished(tenantDir);
    assertTrue(all.containsAll(cutLive) && all.size() > cutLive.size(), all.toString());
    long firstT = stored.values().stream().mapToLong(s -> s.get(0).t()).min().orElseThrow();
    assertCovered(all, firstT, cutoff);

    // 3. From the blocks alone.
    try (InProcessGateway gw = InProcessGateway.start(data, fiveSecondBlocks)) {
      compare("blocks, remote read SAMPLES", stored, samples(gw, from, cutoff), problems);
      compare(
          "blocks, streamed remote read",
          stored,
          streamed(gw.client.apiBase(), from, cutoff),
          problems);
      compare("blocks, StoreAPI Series", stored, store(gw, from, cutoff), problems);
      sameAnswer(
          "the gateway's query API, blocks", promAnswer, gw.client.apiBase(), cutoff, problems);
    }

    // 4. Prometheus' own tools on the blocks.
    Path home = dir.resolve("prom2");
    Path promData = home.resolve("data");
    Files.createDirectories(promData);
    String promtool = ExternalProcess.requireBinary("promtool");
    for (Path b : all) {
      Path to = promData.resolve(b.getFileName());
      try (Stream<Path> files = Files.walk(b)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          Files.createDirectories(to.resolve(b.relativize(f).toString()).getParent());
          Files.copy(f, to.resolve(b.relativize(f).toString()));
        }
      }
      Process analyze =
          new ProcessBuilder(
                  promtool, "tsdb", "analyze", promData.toString(), b.getFileName().toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(analyze.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, analyze.waitFor(), out);
      assertTrue(out.contains("Block ID: " + b.getFileName()), out);
      assertTrue(java.util.regex.Pattern.compile("(?m)^Series: [1-9]").matcher(out).find(), out);
    }
    try (LocalPrometheus prom = HistogramTestSupport.startPrometheus(home, http)) {
      sameAnswer("Prometheus on the gateway's blocks", promAnswer, prom.base, cutoff, problems);
    }
    // Differences in what comes back are collected above, so that one run shows all of them.
    assertEquals(List.of(), problems);
  }

  /**
   * Scraping the target and the gateway every second, remote-writing native histograms in small
   * batches.
   */
  private static String scrapeConfig(String target, String gateway, String remoteWriteUrl) {
    return String.join(
        "\n",
        "global:",
        "  scrape_interval: 1s",
        "  scrape_timeout: 900ms",
        "scrape_configs:",
        "  - job_name: histograms",
        "    static_configs:",
        "      - targets: ['" + target + "']",
        "  - job_name: gateway",
        "    static_configs:",
        "      - targets: ['" + gateway + "']",
        "remote_write:",
        "  - url: " + remoteWriteUrl,
        "    send_native_histograms: true",
        "    queue_config:",
        "      batch_send_deadline: 200ms",
        "      min_backoff: 50ms",
        "      max_backoff: 1s",
        "");
  }

  /**
   * What the comparison relies on, checked on what Prometheus stored: every route a series of
   * enough samples, the empty route empty, zeros in the zero bucket, and schemas lowered on the
   * way; the gateway's own histogram a series of enough samples with observations.
   */
  private static void assertData(Map<String, List<H>> stored) {
    Set<String> self = new TreeSet<>();
    Set<String> target = new TreeSet<>();
    for (String k : stored.keySet()) {
      (k.startsWith("{__name__=" + SELF + ",") ? self : target).add(k);
    }
    assertEquals(NativeHistogramTarget.ROUTES.size(), target.size(), stored.keySet().toString());
    assertEquals(1, self.size(), stored.keySet().toString());
    Set<Integer> schemas = new TreeSet<>();
    boolean zeros = false;
    for (Map.Entry<String, List<H>> s : stored.entrySet()) {
      assertTrue(s.getValue().size() >= SCRAPES - 2, s.getKey() + ": " + s.getValue().size());
      if (self.contains(s.getKey())) {
        H last = s.getValue().get(s.getValue().size() - 1);
        assertTrue(last.count() > 0 && !last.pos().isEmpty(), s.getKey() + ": " + last);
        continue;
      }
      for (H h : s.getValue()) {
        assertTrue(!h.floatCounts(), s.getKey() + ": integer counts");
        schemas.add(h.schema());
        zeros |= h.zeroCount() > 0;
        if (s.getKey().contains("route=" + NativeHistogramTarget.EMPTY_ROUTE + ",")) {
          assertEquals(0, h.count(), s.getKey());
        }
      }
      H last = s.getValue().get(s.getValue().size() - 1);
      assertTrue(last.zeroThreshold() > 0, s.getKey() + ": " + last);
    }
    assertTrue(zeros, "a zero bucket with observations");
    assertTrue(schemas.size() > 1, "schemas lowered as the spread grew: " + schemas);
  }

  /** Appends, for each series differing, the first sample that differs, both sides in full. */
  private static void compare(
      String view, Map<String, List<H>> want, Map<String, List<H>> got, List<String> problems) {
    if (got.isEmpty()) {
      problems.add(
          view
              + ": no series at all; Prometheus has "
              + want.size()
              + " of "
              + want.values().stream().mapToInt(List::size).sum()
              + " samples");
      return;
    }
    if (!want.keySet().equals(got.keySet())) {
      problems.add(view + ": series " + got.keySet() + ", Prometheus has " + want.keySet());
    }
    for (Map.Entry<String, List<H>> e : want.entrySet()) {
      List<H> w = e.getValue();
      List<H> g = got.getOrDefault(e.getKey(), List.of());
      for (int k = 0; k < Math.max(w.size(), g.size()); k++) {
        H a = k < w.size() ? w.get(k) : null;
        H b = k < g.size() ? g.get(k) : null;
        if (a == null || !a.equals(b)) {
          problems.add(
              view
                  + ": "
                  + e.getKey()
                  + " sample "
                  + k
                  + " of "
                  + w.size()
                  + " (gateway has "
                  + g.size()
                  + "):\n  prometheus "
                  + a
                  + "\n  gateway    "
                  + b);
          break;
        }
      }
    }
  }

  private static Map<String, Integer> counts(Map<String, List<H>> m) {
    Map<String, Integer> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.size()));
    return out;
  }

  private static <L> String key(
      List<L> labels, Function<L, String> name, Function<L, String> value) {
    StringBuilder b = new StringBuilder("{");
    Map<String, String> sorted = new TreeMap<>();
    for (L l : labels) {
      if (KEY_LABELS.contains(name.apply(l))) {
        sorted.put(name.apply(l), value.apply(l));
      }
    }
    sorted.forEach((n, v) -> b.append(n).append('=').append(v).append(','));
    return b.append('}').toString();
  }

  private static String key(List<Label> labels) {
    return key(labels, Label::getName, Label::getValue);
  }

  /** Remote read with SAMPLES responses: every series' histograms (and no float samples). */
  private static Map<String, List<H>> samples(InProcessGateway gw, long from, long to)
      throws Exception {
    Map<String, List<H>> out = new TreeMap<>();
    List<TimeSeries> all = new ArrayList<>();
    for (String name : List.of(METRIC, SELF)) {
      ReadResponse rr = gw.client.read(name, from, to, Map.of());
      all.addAll(rr.getResults(0).getTimeseriesList());
    }
    for (TimeSeries ts : all) {
      String k = key(ts.getLabelsList());
      assertEquals(0, ts.getSamplesCount(), k + ": float samples");
      List<H> hs = new ArrayList<>();
      for (io.rwgateway.proto.prompb.Histogram p : ts.getHistogramsList()) {
        hs.add(H.of(p));
      }
      out.put(k, hs);
    }
    return out;
  }

  /** Decodes histogram chunks into {@code into}, keeping the samples in [from, to]. */
  private static void decode(
      String series, String type, byte[] chunk, long from, long to, List<H> into) {
    assertEquals("HISTOGRAM", type, series + ": chunk encoding");
    HistogramChunkIterator it = new HistogramChunkIterator();
    it.reset(chunk, 0, chunk.length);
    while (it.next()) {
      if (it.t() >= from && it.t() <= to) {
        into.add(H.of(it.t(), it.histogram()));
      }
    }
  }

  /** Streamed remote read (chunks as stored) of the metric from {@code base}, decoded here. */
  private Map<String, List<H>> streamed(String base, long from, long to) throws Exception {
    Map<String, List<H>> out = new TreeMap<>();
    for (ChunkedSeries s : HistogramTestSupport.streamedSeries(http, base, NAMES, from, to, null)) {
      String k = key(s.getLabelsList());
      List<H> hs = out.computeIfAbsent(k, x -> new ArrayList<>());
      for (Chunk ch : s.getChunksList()) {
        decode(k, ch.getType().name(), ch.getData().toByteArray(), from, to, hs);
      }
    }
    return out;
  }

  /** The StoreAPI's Series, as Thanos Query asks, its chunks decoded here. */
  private static Map<String, List<H>> store(InProcessGateway gw, long from, long to) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", gw.server.grpcPort()).usePlaintext().build();
    try {
      Iterator<SeriesResponse> it =
          StoreGrpc.newBlockingStub(channel)
              .withDeadlineAfter(30, java.util.concurrent.TimeUnit.SECONDS)
              .series(
                  SeriesRequest.newBuilder()
                      .setMinTime(from)
                      .setMaxTime(to)
                      .addMatchers(
                          io.rwgateway.proto.thanos.storepb.LabelMatcher.newBuilder()
                              .setType(io.rwgateway.proto.thanos.storepb.LabelMatcher.Type.RE)
                              .setName("__name__")
                              .setValue(NAMES))
                      .build());
      Map<String, List<H>> out = new TreeMap<>();
      while (it.hasNext()) {
        SeriesResponse sr = it.next();
        if (!sr.hasSeries()) {
          continue;
        }
        String k =
            key(
                sr.getSeries().getLabelsList(),
                io.rwgateway.proto.thanos.labelpb.Label::getName,
                io.rwgateway.proto.thanos.labelpb.Label::getValue);
        List<H> hs = out.computeIfAbsent(k, x -> new ArrayList<>());
        for (AggrChunk c : sr.getSeries().getChunksList()) {
          decode(k, c.getRaw().getType().name(), c.getRaw().getData().toByteArray(), from, to, hs);
        }
      }
      return out;
    } finally {
      channel.shutdownNow();
    }
  }

  /**
   * {@code {__name__=~"NAMES"}[2m]} at {@code t} from the scraping Prometheus, checked to be {@code
   * series} series of histograms only, with enough samples each.
   */
  private JsonNode rangeSelector(String base, long t, int series) throws Exception {
    HttpResponse<String> r = queryRange(base, t);
    assertEquals(200, r.statusCode(), r.body());
    JsonNode result = json.readTree(r.body()).path("data").path("result");
    assertEquals(series, result.size(), r.body());
    for (JsonNode s : result) {
      assertTrue(s.path("values").isMissingNode(), "no float samples: " + s);
      assertTrue(s.path("histograms").size() >= SCRAPES - 2, s.toString());
    }
    return result;
  }

  /**
   * Appends a problem unless {@code base} answers the range selector at {@code t} with the JSON
   * {@code want} (the scraping Prometheus' result): how many samples differ, and for each series
   * the first sample that differs and its first differing part, both sides.
   */
  private void sameAnswer(String who, JsonNode want, String base, long t, List<String> problems)
      throws Exception {
    HttpResponse<String> r = queryRange(base, t);
    if (r.statusCode() != 200) {
      problems.add(who + " answers the range selector with " + r.statusCode() + ": " + r.body());
      return;
    }
    Map<String, JsonNode> w = bySeries(want);
    Map<String, JsonNode> g = bySeries(json.readTree(r.body()).path("data").path("result"));
    if (!w.keySet().equals(g.keySet())) {
      problems.add(who + ": series " + g.keySet() + ", Prometheus has " + w.keySet());
      return;
    }
    int samples = 0;
    int differ = 0;
    int beyondBounds = 0;
    StringBuilder first = new StringBuilder();
    for (Map.Entry<String, JsonNode> e : w.entrySet()) {
      JsonNode ws = e.getValue();
      JsonNode gs = g.get(e.getKey());
      samples += ws.size();
      boolean shown = false;
      for (int k = 0; k < Math.max(ws.size(), gs.size()); k++) {
        if (ws.path(k).equals(gs.path(k))) {
          continue;
        }
        differ++;
        beyondBounds += withoutBounds(ws.path(k)).equals(withoutBounds(gs.path(k))) ? 0 : 1;
        if (!shown) {
          shown = true;
          first.append("\n  ").append(e.getKey()).append(" sample ").append(k).append(": ");
          first.append(firstDifference(ws.path(k), gs.path(k)));
        }
      }
    }
    if (differ > 0) {
      problems.add(
          who
              + ": "
              + differ
              + " of "
              + samples
              + " samples differ ("
              + beyondBounds
              + " in more than their buckets' bounds) from the scraping Prometheus' answer to {__name__=~\""
              + NAMES
              + "\"}[2m]; the first of each series (Prometheus, then "
              + who
              + "):"
              + first);
    }
  }

  /** The first part of two [t, histogram] samples that differs, both sides. */
  private static String firstDifference(JsonNode a, JsonNode b) {
    if (!a.path(0).equals(b.path(0))) {
      return "time " + a.path(0) + " / " + b.path(0);
    }
    JsonNode ha = a.path(1);
    JsonNode hb = b.path(1);
    String at = "at " + a.path(0) + ": ";
    for (String f : List.of("count", "sum")) {
      if (!ha.path(f).equals(hb.path(f))) {
        return at + f + " " + ha.path(f) + " / " + hb.path(f);
      }
    }
    JsonNode ba = ha.path("buckets");
    JsonNode bb = hb.path("buckets");
    for (int i = 0; i < Math.max(ba.size(), bb.size()); i++) {
      if (!ba.path(i).equals(bb.path(i))) {
        return at + "bucket " + i + " " + ba.path(i) + " / " + bb.path(i);
      }
    }
    return at + ha + " / " + hb;
  }

  /** A [t, histogram] sample with its buckets' bounds left out. */
  private static JsonNode withoutBounds(JsonNode sample) {
    JsonNode copy = sample.deepCopy();
    for (JsonNode b : copy.path(1).path("buckets")) {
      ((com.fasterxml.jackson.databind.node.ArrayNode) b).remove(2);
      ((com.fasterxml.jackson.databind.node.ArrayNode) b).remove(1);
    }
    return copy;
  }

  /** Each series' histograms (JSON) by its labels (JSON). */
  private static Map<String, JsonNode> bySeries(JsonNode result) {
    Map<String, JsonNode> out = new TreeMap<>();
    for (JsonNode s : result) {
      out.put(s.path("metric").toString(), s.path("histograms"));
    }
    return out;
  }

  /** The answer to the range selector at {@code t}. */
  private HttpResponse<String> queryRange(String base, long t) throws Exception {
    String url =
        base
            + "/api/v1/query?query="
            + URLEncoder.encode("{__name__=~\"" + NAMES + "\"}[2m]", StandardCharsets.UTF_8)
            + "&time="
            + String.format("%d.%03d", t / 1000, t % 1000);
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The blocks' ranges, together, cover [from, to] without a gap. */
  private static void assertCovered(List<Path> blocks, long from, long to) throws IOException {
    TreeMap<Long, Long> ranges = new TreeMap<>();
    for (Path b : blocks) {
      BlockMeta m = BlockMeta.read(b);
      ranges.put(m.minTime(), m.maxTime());
    }
    long covered = from;
    for (Map.Entry<Long, Long> r : ranges.entrySet()) {
      if (r.getKey() <= covered) {
        covered = Math.max(covered, r.getValue());
      }
    }
    assertTrue(covered > to, "blocks " + ranges + " cover [" + from + ", " + to + "]");
  }
}
