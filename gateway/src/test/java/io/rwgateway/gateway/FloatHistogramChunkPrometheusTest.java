package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.proto.prompb.BucketSpan;
import io.rwgateway.proto.prompb.Chunk;
import io.rwgateway.proto.prompb.ChunkedReadResponse;
import io.rwgateway.proto.prompb.ChunkedSeries;
import io.rwgateway.proto.prompb.Label;
import io.rwgateway.proto.prompb.LabelMatcher;
import io.rwgateway.proto.prompb.Query;
import io.rwgateway.proto.prompb.ReadRequest;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.proto.prompb.WriteRequest;
import io.rwgateway.tsdb.chunk.FloatHistogram;
import io.rwgateway.tsdb.chunk.FloatHistogramChunkEncoder;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Header;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Verdict;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * The float histogram chunk encoder against the real thing, as {@link HistogramChunkPrometheusTest}
 * does for integer histograms: float histograms (counts with fractions) are remote-written to
 * Prometheus 2.42 ({@code --enable-feature=native-histograms}; its receiver takes a histogram as
 * float when {@code count_float} or {@code zero_count_float} is above 0), its closed head chunks
 * are read back raw by streamed remote read, and our encoder must build the same bytes from the
 * same samples, cut at the same samples, with the same headers: counters with new buckets, resets
 * and a schema change, counters without (2.42 cuts them by size), gauges whose buckets come and go.
 * Every series ends with a sample (reset hint YES) after the range read, so every chunk compared is
 * closed (2.42 re-encodes an open chunk when it streams it, and loses its header).
 */
class FloatHistogramChunkPrometheusTest {
  private static final long STEP = 15_000;
  private static final int SAMPLES = 200;

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();

  private record Point(long t, FloatHistogram h) {}

  private static List<Point> series(String kind, long start, Random r) {
    TreeMap<Integer, Double> pos = new TreeMap<>();
    TreeMap<Integer, Double> neg = new TreeMap<>();
    for (int i = 0, n = 2 + r.nextInt(6); i < n; i++) {
      pos.put(r.nextInt(20) - 5, r.nextInt(10) + r.nextInt(4) * 0.25);
    }
    if (kind.equals("counter")) {
      neg.put(-2, 1.5);
    }
    int schema = 2;
    double zc = 1.5;
    double sum = 0;
    List<Point> out = new ArrayList<>();
    long t = start;
    for (int k = 0; k < SAMPLES; k++) {
      t += STEP + (r.nextInt(4) == 0 ? r.nextInt(2000) - 1000 : 0);
      int hint = 0;
      if (!kind.equals("gauge")) {
        boolean events = kind.equals("counter"); // "fixed": no resets, so 2.42 cuts by size
        if (r.nextInt(15) == 0) {
          pos.putIfAbsent(r.nextInt(40) - 15, 0.0); // a new bucket: recode
        }
        if (events && (k == 70 || k == 160)) {
          pos.replaceAll((i, v) -> v / 3); // counter reset
          zc = 0.5;
        }
        if (events && k == 110) {
          schema = 1;
        }
        if (events && k == 140) {
          hint = 1; // the sender says it reset
        }
        pos.replaceAll((i, v) -> v + r.nextInt(30) * 0.125);
        neg.replaceAll((i, v) -> v + r.nextDouble());
        zc += r.nextInt(3) * 0.5;
        sum += r.nextDouble() * 40;
      } else { // gauge
        hint = 3;
        if (r.nextInt(7) == 0) {
          pos.put(r.nextInt(30) - 10, r.nextDouble() * 5);
        }
        if (r.nextInt(7) == 0 && pos.size() > 1) {
          pos.remove(pos.firstKey() + r.nextInt(pos.lastKey() - pos.firstKey() + 1));
        }
        pos.replaceAll((i, v) -> Math.max(0, v + r.nextGaussian()));
        zc = 1 + r.nextInt(5) * 0.5;
        sum = r.nextGaussian() * 100;
      }
      out.add(new Point(t, histogram(schema, zc, sum, pos, neg).resetHint(hint)));
    }
    return out;
  }

  private static FloatHistogram histogram(
      int schema, double zc, double sum, Map<Integer, Double> pos, Map<Integer, Double> neg) {
    FloatHistogram h =
        new FloatHistogram().schema(schema).zeroThreshold(0x1p-128).zeroCount(zc).sum(sum);
    double count = zc + side(h.positive(), pos) + side(h.negative(), neg);
    return h.count(count);
  }

  private static double side(FloatHistogram.Side side, Map<Integer, Double> abs) {
    int[] idx = abs.keySet().stream().mapToInt(Integer::intValue).toArray();
    double[] c = abs.values().stream().mapToDouble(Double::doubleValue).toArray();
    side.setAbsolute(idx, c, idx.length);
    double total = 0;
    for (double v : c) {
      total += v;
    }
    return total;
  }

  private static io.rwgateway.proto.prompb.Histogram toProto(Point p) {
    FloatHistogram h = p.h();
    io.rwgateway.proto.prompb.Histogram.Builder b =
        io.rwgateway.proto.prompb.Histogram.newBuilder()
            .setTimestamp(p.t())
            .setCountFloat(h.count())
            .setZeroCountFloat(h.zeroCount())
            .setSum(h.sum())
            .setSchema(h.schema())
            .setZeroThreshold(h.zeroThreshold())
            .setResetHintValue(h.resetHint());
    for (int i = 0; i < h.positive().spanCount(); i++) {
      b.addPositiveSpans(
          BucketSpan.newBuilder()
              .setOffset(h.positive().spanOffset(i))
              .setLength(h.positive().spanLength(i)));
    }
    for (int i = 0; i < h.positive().bucketCount(); i++) {
      b.addPositiveCounts(h.positive().count(i));
    }
    for (int i = 0; i < h.negative().spanCount(); i++) {
      b.addNegativeSpans(
          BucketSpan.newBuilder()
              .setOffset(h.negative().spanOffset(i))
              .setLength(h.negative().spanLength(i)));
    }
    for (int i = 0; i < h.negative().bucketCount(); i++) {
      b.addNegativeCounts(h.negative().count(i));
    }
    return b.build();
  }

  /** Our chunks: cut where our encoder refuses a sample and where Prometheus started one. */
  private static List<String> ours(List<Point> points, Set<Long> prometheusStarts, int[] recodes) {
    List<String> chunks = new ArrayList<>();
    FloatHistogramChunkEncoder e = null;
    for (Point p : points) {
      if (e == null) {
        e = new FloatHistogramChunkEncoder(FloatHistogramChunkEncoder.firstChunkHeader(p.h()));
      } else if (prometheusStarts.contains(p.t())) {
        Header next = e.nextChunkHeader(p.h());
        chunks.add(HexFormat.of().formatHex(e.bytes()));
        e = new FloatHistogramChunkEncoder(next);
      } else {
        Verdict v = e.check(p.h());
        if (v == Verdict.CUT || v == Verdict.CUT_COUNTER_RESET) {
          Header next = e.nextChunkHeader(p.h());
          chunks.add(HexFormat.of().formatHex(e.bytes()));
          e = new FloatHistogramChunkEncoder(next);
        }
      }
      Verdict v = e.append(p.t(), p.h());
      assertTrue(v == Verdict.APPEND || v == Verdict.RECODE, v.toString());
      recodes[0] += v == Verdict.RECODE ? 1 : 0;
    }
    chunks.add(HexFormat.of().formatHex(e.bytes()));
    return chunks;
  }

  @Test
  void ourFloatChunksAreTheBytesPrometheus242Writes() throws Exception {
    long end = System.currentTimeMillis() / 1000 * 1000 - 60_000;
    long start = end - (SAMPLES + 2) * STEP;
    Map<String, List<Point>> data = new LinkedHashMap<>();
    Random r = new Random(7);
    for (String kind : List.of("counter", "fixed", "gauge")) {
      for (int copy = 0; copy < 3; copy++) {
        data.put("fh_" + kind + "_" + copy, series(kind, start, r));
      }
    }
    try (LocalPrometheus prom =
        LocalPrometheus.start(dir, "global: {}\n", "--enable-feature=native-histograms")) {
      prom.awaitReady(http, 60_000);
      WriteRequest.Builder w = WriteRequest.newBuilder();
      for (Map.Entry<String, List<Point>> s : data.entrySet()) {
        TimeSeries.Builder ts =
            TimeSeries.newBuilder()
                .addLabels(Label.newBuilder().setName("__name__").setValue(s.getKey()));
        for (Point p : s.getValue()) {
          ts.addHistograms(toProto(p));
        }
        Point last = s.getValue().get(s.getValue().size() - 1);
        FloatHistogram closing = new FloatHistogram().copyFrom(last.h()).resetHint(1);
        ts.addHistograms(toProto(new Point(end + STEP, closing)));
        w.addTimeseries(ts);
      }
      HttpRequest wr =
          HttpRequest.newBuilder(URI.create(prom.writeUrl()))
              .header("Content-Type", "application/x-protobuf")
              .header("Content-Encoding", "snappy")
              .header("X-Prometheus-Remote-Write-Version", "0.1.0")
              .POST(
                  HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(w.build().toByteArray())))
              .build();
      HttpResponse<String> resp = http.send(wr, HttpResponse.BodyHandlers.ofString());
      assertEquals(204, resp.statusCode(), resp.body());

      Map<String, List<Chunk>> theirs = read(prom.base, start, end);
      assertEquals(
          data.keySet(),
          theirs.keySet(),
          "prometheus.log:\n" + Files.readString(dir.resolve("prometheus.log")));
      int compared = 0;
      int[] recodes = {0};
      Set<String> headers = new HashSet<>();
      for (Map.Entry<String, List<Point>> s : data.entrySet()) {
        Set<Long> starts = new HashSet<>();
        List<String> hex = new ArrayList<>();
        for (Chunk c : theirs.get(s.getKey())) {
          assertEquals(Chunk.Encoding.FLOAT_HISTOGRAM, c.getType());
          starts.add(c.getMinTimeMs());
          hex.add(HexFormat.of().formatHex(c.getData().toByteArray()));
        }
        assertEquals(hex, ours(s.getValue(), starts, recodes), s.getKey());
        for (String x : hex) {
          headers.add(x.substring(4, 6));
        }
        compared += hex.size();
      }
      assertTrue(compared >= 12, "chunks compared: " + compared);
      assertTrue(headers.containsAll(Set.of("00", "40", "80", "c0")), "headers seen: " + headers);
      assertTrue(recodes[0] >= 5, "chunks recoded for new buckets: " + recodes[0]);
    }
  }

  /** Streamed remote read of every series named fh_*: name -> its chunks as 2.42 sent them. */
  private Map<String, List<Chunk>> read(String base, long from, long to) throws Exception {
    ReadRequest req =
        ReadRequest.newBuilder()
            .addQueries(
                Query.newBuilder()
                    .setStartTimestampMs(from)
                    .setEndTimestampMs(to)
                    .addMatchers(
                        LabelMatcher.newBuilder()
                            .setType(LabelMatcher.Type.RE)
                            .setName("__name__")
                            .setValue("fh_.*")))
            .addAcceptedResponseTypes(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS)
            .build();
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(base + "/api/v1/read"))
            .header("Content-Type", "application/x-protobuf")
            .header("Content-Encoding", "snappy")
            .header("X-Prometheus-Remote-Read-Version", "0.1.0")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(req.toByteArray())))
            .build();
    HttpResponse<byte[]> resp = http.send(r, HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, resp.statusCode());
    Map<String, List<Chunk>> out = new TreeMap<>();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(resp.body()))) {
      for (int first = in.read(); first >= 0; first = in.read()) {
        long len = first & 0x7F;
        for (int shift = 7; (first & 0x80) != 0; shift += 7) {
          first = in.readUnsignedByte();
          len |= (long) (first & 0x7F) << shift;
        }
        int crc = in.readInt();
        byte[] msg = new byte[(int) len];
        in.readFully(msg);
        CRC32C c = new CRC32C();
        c.update(msg);
        assertEquals(crc, (int) c.getValue(), "frame CRC32C");
        for (ChunkedSeries s : ChunkedReadResponse.parseFrom(msg).getChunkedSeriesList()) {
          out.computeIfAbsent(s.getLabels(0).getValue(), k -> new ArrayList<>())
              .addAll(s.getChunksList());
        }
      }
    }
    return out;
  }
}
