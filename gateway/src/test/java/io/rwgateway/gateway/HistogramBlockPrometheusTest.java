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
import io.rwgateway.proto.prompb.ReadResponse;
import io.rwgateway.proto.prompb.Sample;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.proto.prompb.WriteRequest;
import io.rwgateway.proto.thanos.storepb.AggrChunk;
import io.rwgateway.proto.thanos.storepb.SeriesRequest;
import io.rwgateway.proto.thanos.storepb.SeriesResponse;
import io.rwgateway.proto.thanos.storepb.StoreGrpc;
import io.rwgateway.tsdb.chunk.FloatHistogram;
import io.rwgateway.tsdb.chunk.FloatHistogramChunkIterator;
import io.rwgateway.tsdb.chunk.Histogram;
import io.rwgateway.tsdb.chunk.HistogramChunkIterator;
import io.rwgateway.tsdb.chunk.XorIterator;
import io.rwgateway.tsdb.layout.BlockMeta;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native histograms survive the block cut, as Prometheus 2.42 reads them: integer and float
 * histograms (a counter series of each, with new buckets, counter resets, a schema change and a
 * stretch of float samples; a gauge series of each) are remote-written to an in-process gateway
 * cutting 10-minute blocks, read back from the gateway's blocks by remote read (samples, and
 * streamed chunks decoded here) and the StoreAPI (the same chunks), then a real Prometheus ({@code
 * --enable-feature=native-histograms}) is started on a copy of the blocks and must answer instant
 * queries at sample times with the histograms sent; {@code promtool tsdb analyze} reads each block.
 */
class HistogramBlockPrometheusTest {
  private static final long STEP = 2_000; // 300 samples per 10-minute block: chunks of 120
  private static final int SAMPLES = 900; // 30 minutes

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  /** What was sent at one time: a histogram (absolute bucket counts) or a float. */
  private record Point(
      long t,
      boolean isFloat,
      double value,
      int schema,
      int hint,
      long zeroCount,
      double sum,
      TreeMap<Integer, Long> pos,
      TreeMap<Integer, Long> neg,
      boolean floatCounts) {
    long count() {
      long c = zeroCount;
      for (long v : pos.values()) {
        c += v;
      }
      for (long v : neg.values()) {
        c += v;
      }
      return c;
    }
  }

  private static List<Point> counterSeries(long start, Random r, boolean floatCounts) {
    TreeMap<Integer, Long> pos = new TreeMap<>(Map.of(0, 1L, 1, 2L, 3, 0L));
    TreeMap<Integer, Long> neg = new TreeMap<>(Map.of(-1, 1L));
    long zc = 0;
    double sum = 0;
    int schema = 1;
    List<Point> out = new ArrayList<>();
    for (int k = 0; k < SAMPLES; k++) {
      long t = start + k * STEP;
      if (k >= 450 && k < 480) { // the series switches to floats for a minute
        out.add(new Point(t, true, k * 0.25, 0, 0, 0, 0, null, null, false));
        continue;
      }
      if (k % 97 == 5) {
        pos.putIfAbsent(r.nextInt(12) - 4, 0L); // a new bucket: the chunk is re-encoded
      }
      if (k == 250 || k == 600) { // counter reset
        pos.replaceAll((i, v) -> v / 4);
        neg.replaceAll((i, v) -> 0L);
        zc = 0;
        sum = 0;
      }
      if (k == 400) {
        schema = 0; // another schema: a new chunk
      }
      pos.replaceAll((i, v) -> v + r.nextInt(6));
      neg.replaceAll((i, v) -> v + r.nextInt(2));
      zc += r.nextInt(2);
      sum += r.nextInt(100) * 0.5;
      out.add(
          new Point(
              t,
              false,
              0,
              schema,
              0,
              zc,
              sum,
              new TreeMap<>(pos),
              new TreeMap<>(neg),
              floatCounts));
    }
    return out;
  }

  private static List<Point> gaugeSeries(long start, Random r, boolean floatCounts) {
    TreeMap<Integer, Long> pos = new TreeMap<>();
    List<Point> out = new ArrayList<>();
    for (int k = 0; k < SAMPLES; k++) {
      if (k % 50 == 0 || pos.isEmpty()) {
        pos.put(r.nextInt(10), (long) r.nextInt(5));
      }
      if (k % 70 == 69 && pos.size() > 1) {
        pos.remove(pos.firstKey());
      }
      pos.replaceAll((i, v) -> Math.max(0, v + r.nextInt(5) - 2));
      out.add(
          new Point(
              start + k * STEP,
              false,
              0,
              2,
              3, // GAUGE
              r.nextInt(3),
              r.nextInt(1000) - 500,
              new TreeMap<>(pos),
              new TreeMap<>(),
              floatCounts));
    }
    return out;
  }

  private static io.rwgateway.proto.prompb.Histogram toProto(Point p) {
    io.rwgateway.proto.prompb.Histogram.Builder b =
        io.rwgateway.proto.prompb.Histogram.newBuilder()
            .setTimestamp(p.t())
            .setSum(p.sum())
            .setSchema(p.schema())
            .setZeroThreshold(0x1p-128)
            .setResetHintValue(p.hint());
    if (p.floatCounts()) {
      b.setCountFloat(p.count()).setZeroCountFloat(p.zeroCount());
    } else {
      b.setCountInt(p.count()).setZeroCountInt(p.zeroCount());
    }
    side(p.pos(), p.floatCounts(), b::addPositiveSpans, b::addPositiveDeltas, b::addPositiveCounts);
    side(p.neg(), p.floatCounts(), b::addNegativeSpans, b::addNegativeDeltas, b::addNegativeCounts);
    return b.build();
  }

  /** Canonical spans (one per run of consecutive indices); deltas, or absolute float counts. */
  private static void side(
      TreeMap<Integer, Long> abs,
      boolean floatCounts,
      java.util.function.Consumer<BucketSpan> spans,
      java.util.function.LongConsumer deltas,
      java.util.function.DoubleConsumer counts) {
    Integer prevIdx = null;
    long prev = 0;
    int spanStart = 0;
    int len = 0;
    int offset = 0;
    for (Map.Entry<Integer, Long> e : abs.entrySet()) {
      int i = e.getKey();
      if (prevIdx == null || i != prevIdx + 1) {
        if (prevIdx != null) {
          spans.accept(BucketSpan.newBuilder().setOffset(offset).setLength(len).build());
          offset = i - prevIdx - 1;
        } else {
          offset = i;
        }
        spanStart = i;
        len = 0;
      }
      len++;
      if (floatCounts) {
        counts.accept(e.getValue());
      } else {
        deltas.accept(e.getValue() - prev);
      }
      prev = e.getValue();
      prevIdx = i;
    }
    if (prevIdx != null) {
      spans.accept(BucketSpan.newBuilder().setOffset(offset).setLength(len).build());
    }
    assertTrue(spanStart <= (prevIdx == null ? spanStart : prevIdx));
  }

  /** Count, sum and the non-empty bucket counts, sorted: what Prometheus' JSON shows of it. */
  private static String expected(Point p) {
    List<Long> counts = new ArrayList<>();
    if (p.zeroCount() > 0) {
      counts.add(p.zeroCount());
    }
    for (long v : p.pos().values()) {
      if (v > 0) {
        counts.add(v);
      }
    }
    for (long v : p.neg().values()) {
      if (v > 0) {
        counts.add(v);
      }
    }
    counts.sort(null);
    return "count=" + p.count() + " sum=" + goFloat(p.sum()) + " buckets=" + counts;
  }

  /** Go's strconv 'f' formatting of the values used here (integers and halves). */
  private static String goFloat(double v) {
    if (v == Math.rint(v)) {
      return Long.toString((long) v);
    }
    return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
  }

  private static String fromPrometheus(JsonNode histogram) {
    List<Long> counts = new ArrayList<>();
    for (JsonNode b : histogram.path("buckets")) {
      counts.add(Long.parseLong(b.get(3).asText()));
    }
    counts.sort(null);
    return "count="
        + histogram.path("count").asText()
        + " sum="
        + histogram.path("sum").asText()
        + " buckets="
        + counts;
  }

  private JsonNode query(String base, String expr, long t) throws Exception {
    String url =
        base
            + "/api/v1/query?query="
            + java.net.URLEncoder.encode(expr, StandardCharsets.UTF_8)
            + "&time="
            + String.format("%d.%03d", t / 1000, t % 1000);
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return json.readTree(r.body());
  }

  /** Decodes the chunks and checks every sample against what was sent; returns the headers. */
  private static List<String> assertChunksAsSent(String name, List<Point> want, List<Chunk> got) {
    List<String> headers = new ArrayList<>();
    HistogramChunkIterator hit = new HistogramChunkIterator();
    FloatHistogramChunkIterator fit = new FloatHistogramChunkIterator();
    XorIterator xit = new XorIterator();
    int k = 0;
    for (Chunk c : got) {
      byte[] d = c.getData().toByteArray();
      if (c.getType() == Chunk.Encoding.HISTOGRAM) {
        hit.reset(d, 0, d.length);
        headers.add(hit.header().toString());
        while (hit.next()) {
          Point p = want.get(k++);
          String at = name + " at " + p.t();
          assertTrue(!p.isFloat(), at);
          assertEquals(p.t(), hit.t(), at);
          Histogram h = hit.histogram();
          assertEquals(p.count(), h.count(), at);
          assertEquals(p.zeroCount(), h.zeroCount(), at);
          assertEquals(p.sum(), h.sum(), at);
          assertEquals(p.schema(), h.schema(), at);
          assertEquals(nonZero(p.pos()), absolute(h.positive()), at);
          assertEquals(nonZero(p.neg()), absolute(h.negative()), at);
        }
      } else if (c.getType() == Chunk.Encoding.FLOAT_HISTOGRAM) {
        fit.reset(d, 0, d.length);
        headers.add("F:" + fit.header());
        while (fit.next()) {
          Point p = want.get(k++);
          String at = name + " at " + p.t();
          assertTrue(!p.isFloat() && p.floatCounts(), at);
          assertEquals(p.t(), fit.t(), at);
          FloatHistogram h = fit.histogram();
          assertEquals(p.count(), h.count(), at);
          assertEquals(p.zeroCount(), h.zeroCount(), at);
          assertEquals(p.sum(), h.sum(), at);
          assertEquals(p.schema(), h.schema(), at);
          assertEquals(nonZero(p.pos()), absolute(h.positive()), at);
          assertEquals(nonZero(p.neg()), absolute(h.negative()), at);
        }
      } else {
        assertEquals(Chunk.Encoding.XOR, c.getType(), name);
        xit.reset(d, d.length);
        headers.add("XOR");
        while (xit.next()) {
          Point p = want.get(k++);
          assertTrue(p.isFloat(), name + " at " + p.t());
          assertEquals(p.t(), xit.t());
          assertEquals(p.value(), xit.v());
        }
      }
    }
    assertEquals(want.size(), k, name + ": every sample once");
    return headers;
  }

  private static Map<Integer, Long> nonZero(Map<Integer, Long> m) {
    Map<Integer, Long> out = new TreeMap<>();
    m.forEach(
        (i, v) -> {
          if (v != 0) {
            out.put(i, v);
          }
        });
    return out;
  }

  @Test
  void prometheusReadsTheHistogramsOfOurBlocks() throws Exception {
    long now = System.currentTimeMillis();
    // 30 minutes of data ending 25 minutes ago: with 10-minute blocks all of it is cut from the
    // head while the gateway runs (a range is cut once the head spans 1.5 ranges past its start).
    // NOTE: anchored 2 minutes into a 10-minute range. Histogram chunks end where 2.42's head
    // plans them within their block range (ChunkSchedule): data starting late in a range had no
    // chunk ended by that plan in its first range, and the NOT_COUNTER_RESET header this test
    // looks for then depended on the minute it ran.
    long tenMinutes = 10 * 60_000L;
    long start = Math.floorDiv(now - 55 * 60_000L, tenMinutes) * tenMinutes + 2 * 60_000L;
    Random r = new Random(18);
    Map<String, List<Point>> sent = new LinkedHashMap<>();
    sent.put("hist_counter", counterSeries(start, r, false));
    sent.put("hist_float_counter", counterSeries(start, r, true));
    sent.put("hist_gauge", gaugeSeries(start, r, false));
    sent.put("hist_float", gaugeSeries(start, r, true));
    Path data = dir.resolve("gw");
    Path tenantDir = data.resolve("default-tenant");
    long lastT = start + (SAMPLES - 1) * STEP;
    try (InProcessGateway gw =
        InProcessGateway.start(
            data,
            "--tsdb.min-block-duration",
            "10m",
            "--tsdb.max-block-duration",
            "10m",
            "--tsdb.compaction-interval",
            "100ms")) {
      // Requests of 100 samples, and the counters' minute of floats in one of its own: a series
      // has one time line, and in one request floats are taken before histograms (as by
      // Prometheus' handler), which would leave histograms behind them out of order.
      List<Integer> cuts = new java.util.ArrayList<>();
      for (int k = 0; k < SAMPLES; k += 100) {
        cuts.add(k);
        if (k == 400) {
          cuts.add(450);
          cuts.add(480);
        }
      }
      cuts.add(SAMPLES);
      for (int c = 0; c + 1 < cuts.size(); c++) {
        int from = cuts.get(c);
        WriteRequest.Builder req = WriteRequest.newBuilder();
        for (Map.Entry<String, List<Point>> e : sent.entrySet()) {
          TimeSeries.Builder ts = HistogramTestSupport.series(e.getKey());
          for (Point p : e.getValue().subList(from, cuts.get(c + 1))) {
            if (p.isFloat()) {
              ts.addSamples(Sample.newBuilder().setTimestamp(p.t()).setValue(p.value()));
            } else {
              ts.addHistograms(toProto(p));
            }
          }
          req.addTimeseries(ts);
        }
        HttpResponse<String> w = gw.client.write(req.build());
        assertEquals(204, w.statusCode(), w.body());
      }
      // A float sample now: the head spans far past the data, so every range of it is due.
      HttpResponse<String> w = gw.client.write(RemoteWriteClient.request("ticker", 0, 1, now, 1));
      assertEquals(204, w.statusCode(), w.body());
      long deadline = System.currentTimeMillis() + 60_000;
      long cutUpTo = Long.MIN_VALUE;
      while (cutUpTo <= lastT && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
        if (Files.isDirectory(tenantDir)) {
          for (Path b : BlockDirs.finished(tenantDir)) {
            cutUpTo = Math.max(cutUpTo, BlockMeta.read(b).maxTime());
          }
        }
      }
      assertTrue(cutUpTo > lastT, "blocks cover the data within 60 s: up to " + cutUpTo);

      // Read back from the gateway, now from its blocks: every sample as sent.
      for (String name : sent.keySet()) {
        ReadResponse rr = gw.client.read(name, start, lastT, Map.of());
        TimeSeries got = rr.getResults(0).getTimeseries(0);
        List<Point> want = sent.get(name);
        int h = 0;
        int f = 0;
        for (Point p : want) {
          if (p.isFloat()) {
            assertEquals(p.t(), got.getSamples(f).getTimestamp());
            assertEquals(p.value(), got.getSamples(f++).getValue());
          } else {
            io.rwgateway.proto.prompb.Histogram gh = got.getHistograms(h++);
            assertEquals(p.t(), gh.getTimestamp());
            if (p.floatCounts()) {
              assertEquals(p.count(), gh.getCountFloat(), name + " at " + p.t());
              assertEquals(p.zeroCount(), gh.getZeroCountFloat());
            } else {
              assertEquals(p.count(), gh.getCountInt(), name + " at " + p.t());
              assertEquals(p.zeroCount(), gh.getZeroCountInt());
            }
            assertEquals(p.sum(), gh.getSum());
            assertEquals(p.schema(), gh.getSchema());
          }
        }
        assertEquals(h, got.getHistogramsCount(), name);
        assertEquals(f, got.getSamplesCount(), name);
      }
      // The same through streamed remote read: the blocks' chunks as written, decoded here.
      Map<String, List<Chunk>> chunks =
          HistogramTestSupport.streamedRead(
              http, gw.client.apiBase(), "hist_.*", start, lastT, null);
      assertEquals(
          List.of("hist_counter", "hist_float", "hist_float_counter", "hist_gauge"),
          new ArrayList<>(chunks.keySet()));
      List<String> floatCounterHeaders =
          assertChunksAsSent(
              "hist_float_counter",
              sent.get("hist_float_counter"),
              chunks.get("hist_float_counter"));
      assertTrue(floatCounterHeaders.contains("F:COUNTER_RESET"), floatCounterHeaders.toString());
      assertTrue(floatCounterHeaders.contains("XOR"), floatCounterHeaders.toString());
      assertEquals(
          List.of("F:GAUGE"),
          assertChunksAsSent("hist_float", sent.get("hist_float"), chunks.get("hist_float"))
              .stream()
              .distinct()
              .toList());
      List<String> counterHeaders =
          assertChunksAsSent("hist_counter", sent.get("hist_counter"), chunks.get("hist_counter"));
      assertTrue(counterHeaders.contains("COUNTER_RESET"), counterHeaders.toString());
      assertTrue(counterHeaders.contains("NOT_COUNTER_RESET"), counterHeaders.toString());
      assertTrue(counterHeaders.contains("XOR"), counterHeaders.toString());
      List<String> gaugeHeaders =
          assertChunksAsSent("hist_gauge", sent.get("hist_gauge"), chunks.get("hist_gauge"));
      assertEquals(List.of("GAUGE"), gaugeHeaders.stream().distinct().toList());
      // And through the StoreAPI, as Thanos Query asks: the same chunks, with Thanos' numbers.
      ManagedChannel channel =
          NettyChannelBuilder.forAddress("127.0.0.1", gw.server.grpcPort()).usePlaintext().build();
      try {
        Iterator<SeriesResponse> it =
            StoreGrpc.newBlockingStub(channel)
                .series(
                    SeriesRequest.newBuilder()
                        .setMinTime(start)
                        .setMaxTime(lastT)
                        .addMatchers(
                            io.rwgateway.proto.thanos.storepb.LabelMatcher.newBuilder()
                                .setType(io.rwgateway.proto.thanos.storepb.LabelMatcher.Type.RE)
                                .setName("__name__")
                                .setValue("hist_.*"))
                        .build());
        Map<String, List<String>> viaStore = new TreeMap<>();
        while (it.hasNext()) {
          SeriesResponse sr = it.next();
          if (!sr.hasSeries()) {
            continue;
          }
          String name =
              sr.getSeries().getLabelsList().stream()
                  .filter(l -> l.getName().equals("__name__"))
                  .findFirst()
                  .orElseThrow()
                  .getValue();
          List<String> cs = viaStore.computeIfAbsent(name, k -> new ArrayList<>());
          for (AggrChunk c : sr.getSeries().getChunksList()) {
            cs.add(
                c.getRaw().getType()
                    + ":"
                    + HexFormat.of().formatHex(c.getRaw().getData().toByteArray()));
          }
        }
        Map<String, List<String>> viaRead = new TreeMap<>();
        for (Map.Entry<String, List<Chunk>> e : chunks.entrySet()) {
          List<String> cs = viaRead.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
          for (Chunk c : e.getValue()) {
            String type =
                switch (c.getType()) {
                  case XOR -> "XOR";
                  case HISTOGRAM -> "HISTOGRAM";
                  case FLOAT_HISTOGRAM -> "FLOAT_HISTOGRAM";
                  default -> "?";
                };
            cs.add(type + ":" + HexFormat.of().formatHex(c.getData().toByteArray()));
          }
        }
        assertEquals(viaRead, viaStore);
      } finally {
        channel.shutdownNow();
      }
    } // a clean stop flushes the rest of the head (the ticker) into one more block

    // A real Prometheus on a copy of the blocks.
    Path home = dir.resolve("prom");
    Path promData = home.resolve("data");
    Files.createDirectories(promData);
    String promtool = ExternalProcess.requireBinary("promtool");
    for (Path b : BlockDirs.finished(tenantDir)) {
      Path to = promData.resolve(b.getFileName());
      Files.createDirectories(to.resolve("chunks"));
      try (Stream<Path> files = Files.walk(b)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
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
    }
    try (LocalPrometheus prom = HistogramTestSupport.startPrometheus(home, http)) {
      int checked = 0;
      for (String name : sent.keySet()) {
        List<Point> want = sent.get(name);
        for (int k = 0; k < SAMPLES; k += 7) {
          Point p = want.get(k);
          JsonNode res = query(prom.base, name, p.t());
          JsonNode result = res.path("data").path("result");
          assertEquals(1, result.size(), name + " at " + p.t() + ": " + res);
          JsonNode one = result.get(0);
          if (p.isFloat()) {
            assertEquals(goFloat(p.value()), one.path("value").get(1).asText(), res.toString());
          } else {
            JsonNode hist = one.path("histogram");
            assertTrue(hist.isArray(), name + " at " + p.t() + ": " + res);
            assertEquals(p.t(), Math.round(hist.get(0).asDouble() * 1000), res.toString());
            assertEquals(expected(p), fromPrometheus(hist.get(1)), name + " at " + p.t());
          }
          checked++;
        }
      }
      assertTrue(checked > 400);
    }
  }
}
