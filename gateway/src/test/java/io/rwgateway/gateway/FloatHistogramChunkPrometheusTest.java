package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.gateway.HistogramTestSupport.TheirChunks;
import io.rwgateway.proto.prompb.Chunk;
import io.rwgateway.tsdb.chunk.FloatHistogram;
import io.rwgateway.tsdb.chunk.FloatHistogramChunkEncoder;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  private record Point(long t, FloatHistogram h)
      implements HistogramTestSupport.Sample<FloatHistogram> {}

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

  @Test
  void ourFloatChunksAreTheBytesPrometheus242Writes() throws Exception {
    long end = HistogramTestSupport.anchoredEnd((SAMPLES + 2) * STEP);
    long start = end - (SAMPLES + 2) * STEP;
    Map<String, List<Point>> data = new LinkedHashMap<>();
    Random r = new Random(7);
    for (String kind : List.of("counter", "fixed", "gauge")) {
      for (int copy = 0; copy < 3; copy++) {
        data.put("fh_" + kind + "_" + copy, series(kind, start, r));
      }
    }
    try (LocalPrometheus prom = HistogramTestSupport.startPrometheus(dir, http)) {
      HistogramTestSupport.writeClosedSeries(
          http,
          prom,
          data,
          HistogramTestSupport::toProto,
          end + STEP,
          last -> new FloatHistogram().copyFrom(last).resetHint(1));

      Path log = dir.resolve("prometheus.log");
      Map<String, List<Chunk>> theirs =
          HistogramTestSupport.streamedRead(http, prom.base, "fh_.*", start, end, log);
      assertEquals(data.keySet(), theirs.keySet(), "prometheus.log:\n" + Files.readString(log));
      int compared = 0;
      int[] recodes = {0};
      Set<String> headers = new HashSet<>();
      for (Map.Entry<String, List<Point>> s : data.entrySet()) {
        TheirChunks their = TheirChunks.of(theirs.get(s.getKey()), Chunk.Encoding.FLOAT_HISTOGRAM);
        List<String> ours =
            HistogramTestSupport.ourChunks(
                s.getValue(),
                their.starts(),
                FloatHistogramChunkEncoder::firstChunkHeader,
                FloatHistogramChunkEncoder::new,
                recodes);
        assertEquals(their.hex(), ours, s.getKey());
        headers.addAll(their.headers());
        compared += their.hex().size();
      }
      assertTrue(compared >= 12, "chunks compared: " + compared);
      assertTrue(headers.containsAll(Set.of("00", "40", "80", "c0")), "headers seen: " + headers);
      assertTrue(recodes[0] >= 5, "chunks recoded for new buckets: " + recodes[0]);
    }
  }
}
