package io.rwgateway.gateway;

import static io.rwgateway.gateway.HistogramTestSupport.absolute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.gateway.HistogramTestSupport.TheirChunks;
import io.rwgateway.proto.prompb.Chunk;
import io.rwgateway.tsdb.chunk.Histogram;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder;
import io.rwgateway.tsdb.chunk.HistogramChunkIterator;
import java.net.http.HttpClient;
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
 * The histogram chunk encoder against the real thing: native histograms are remote-written to a
 * Prometheus 2.42 (Debian's, {@code --enable-feature=native-histograms}), its chunks are read back
 * raw through streamed remote read, and the chunks our encoder builds from the same samples must be
 * the same bytes, cut at the same samples, with the same counter-reset headers.
 *
 * <p>NOTE: 2.42 streams a closed head chunk (cut: full, counter reset, new schema, after a stale
 * marker) with exactly the bytes its appender wrote, but decodes and re-encodes a series' open
 * chunk first ({@code populateWithDelChunkSeriesIterator}), and that path has a bug: the header is
 * not copied (the chunk is a {@code *safeChunk}, not a {@code *HistogramChunk}), so it comes back
 * UNKNOWN, and a gauge chunk whose counts go down fails the whole read ("detected unexpected
 * counter reset in histogram"). So every series ends with one more sample that forces a cut, after
 * the range read: every chunk compared is one 2.42's head closed itself.
 */
class HistogramChunkPrometheusTest {
  private static final long STEP = 15_000;
  private static final int SAMPLES = 200; // 50 minutes: over one 120-sample chunk, one head block

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();

  /** One sample: a time and the histogram sent. */
  private record Point(long t, Histogram h) implements HistogramTestSupport.Sample<Histogram> {}

  // ---- data ----------------------------------------------------------------------------------

  /**
   * A series of histograms. {@code kind}: "fixed" (one layout, increments of every size), "mixed"
   * (new buckets, counter resets, a reset hint, a schema change), "gauge" (buckets coming and
   * going, counts up and down), "stale" (stale markers, then samples again), "negative" (negative
   * buckets, a zero threshold that needs 9 bytes, sums with every kind of bits).
   */
  private static List<Point> series(String kind, long start, Random r) {
    int schema = kind.equals("negative") ? -2 : 3;
    double zt = kind.equals("negative") ? 0.001 : 0x1p-128;
    TreeMap<Integer, Long> pos = new TreeMap<>();
    TreeMap<Integer, Long> neg = new TreeMap<>();
    for (int i = 0, n = 3 + r.nextInt(8); i < n; i++) {
      pos.put(r.nextInt(30) - 10, (long) r.nextInt(10));
    }
    if (kind.equals("negative") || kind.equals("mixed")) {
      for (int i = 0, n = 1 + r.nextInt(5); i < n; i++) {
        neg.put(r.nextInt(20) - 5, (long) r.nextInt(10));
      }
    }
    long zc = r.nextInt(5);
    double sum = 0;
    List<Point> out = new ArrayList<>();
    long t = start;
    for (int k = 0; k < SAMPLES; k++) {
      t += STEP + (r.nextInt(4) == 0 ? r.nextInt(2000) - 1000 : 0);
      int hint = Histogram.HINT_UNKNOWN;
      switch (kind) {
        case "fixed" -> {
          pos.replaceAll((i, v) -> v + (r.nextBoolean() ? r.nextInt(1 << r.nextInt(28)) : 0));
          zc += r.nextInt(3);
          sum += r.nextInt(1000) * 0.25;
        }
        case "mixed" -> {
          if (r.nextInt(12) == 0) {
            pos.put(r.nextInt(50) - 20, 0L); // a new bucket: recode
          }
          if (k == 60 || k == 150) {
            pos.replaceAll((i, v) -> v / 3); // counter reset
            zc = 0;
            sum = 0;
          }
          if (k == 100) {
            schema = 2; // another schema: cut, no reset
          }
          if (k == 130) {
            hint = Histogram.HINT_COUNTER_RESET; // the sender says it reset
          }
          pos.replaceAll((i, v) -> v + r.nextInt(20));
          neg.replaceAll((i, v) -> v + r.nextInt(3));
          zc += r.nextInt(2);
          sum += r.nextDouble() * 50;
        }
        case "gauge" -> {
          hint = Histogram.HINT_GAUGE;
          if (r.nextInt(8) == 0) {
            pos.put(r.nextInt(40) - 15, (long) r.nextInt(5));
          }
          if (r.nextInt(8) == 0 && pos.size() > 1) {
            pos.remove(pos.firstKey() + r.nextInt(pos.lastKey() - pos.firstKey() + 1));
          }
          pos.replaceAll((i, v) -> Math.max(0, v + r.nextInt(7) - 3));
          zc = r.nextInt(10);
          sum = r.nextGaussian() * 100;
        }
        case "stale" -> {
          pos.replaceAll((i, v) -> v + r.nextInt(5));
          sum += 1.5;
        }
        default -> { // negative
          pos.replaceAll((i, v) -> v + r.nextInt(100));
          neg.replaceAll((i, v) -> v + r.nextInt(100));
          zc += r.nextInt(50);
          sum = r.nextInt(3) == 0 ? sum : Double.longBitsToDouble(r.nextLong() >>> 2);
        }
      }
      Histogram h;
      if (kind.equals("emptybyte")) {
        // One sample a chunk (the sender says each one reset), laid out so that its 64-bit sum
        // starts on a byte boundary: threshold code (8 bits), schema 0 (1), no spans (2), t in
        // the 56-bit bucket (64), count in the 18-bit bucket (24), zero count 1-7 (5) = 104 bits.
        // 2.42's bit stream then ends with an empty byte.
        h = new Histogram().zeroThreshold(0x1p-128).count(5000 + k).zeroCount(3).sum(2.5 * k);
        out.add(new Point(t, h.resetHint(Histogram.HINT_COUNTER_RESET)));
        continue;
      }
      if (kind.equals("stale") && (k == 40 || k == 41 || k == 120)) {
        h = new Histogram().sum(Double.longBitsToDouble(Histogram.STALE_NAN_BITS));
      } else {
        h = histogram(schema, zt, zc, sum, pos, neg).resetHint(hint);
      }
      out.add(new Point(t, h));
    }
    return out;
  }

  private static Histogram histogram(
      int schema, double zt, long zc, double sum, Map<Integer, Long> pos, Map<Integer, Long> neg) {
    Histogram h = new Histogram().schema(schema).zeroThreshold(zt).zeroCount(zc).sum(sum);
    long count = zc + side(h.positive(), pos) + side(h.negative(), neg);
    return h.count(count);
  }

  /** Sets canonical spans and deltas from absolute counts; returns their total. */
  private static long side(Histogram.Buckets side, Map<Integer, Long> abs) {
    TreeMap<Integer, Long> m = new TreeMap<>(abs);
    long[] counts = m.values().stream().mapToLong(Long::longValue).toArray();
    side.setAbsolute(m.keySet().stream().mapToInt(Integer::intValue).toArray(), counts, m.size());
    return java.util.Arrays.stream(counts).sum();
  }

  // ---- the test ------------------------------------------------------------------------------

  @Test
  void ourChunksAreTheBytesPrometheus242Writes() throws Exception {
    long end = HistogramTestSupport.anchoredEnd((SAMPLES + 2) * STEP);
    long start = end - (SAMPLES + 2) * STEP;
    Map<String, List<Point>> data = new LinkedHashMap<>();
    Random r = new Random(42);
    for (String kind : List.of("fixed", "mixed", "gauge", "stale", "negative", "emptybyte")) {
      for (int copy = 0; copy < 3; copy++) {
        data.put("h_" + kind + "_" + copy, series(kind, start, r));
      }
    }

    try (LocalPrometheus prom = HistogramTestSupport.startPrometheus(dir, http)) {
      // One more sample that always cuts (the sender says it reset), so that every chunk read
      // below is closed; it is after the range read.
      HistogramTestSupport.writeClosedSeries(
          http,
          prom,
          data,
          HistogramTestSupport::toProto,
          end + STEP,
          last -> {
            Histogram closing = new Histogram().copyFrom(last);
            if (closing.isStale()) {
              closing.sum(0);
            }
            return closing.resetHint(Histogram.HINT_COUNTER_RESET);
          });

      Map<String, List<Chunk>> theirs =
          HistogramTestSupport.streamedRead(
              http, prom.base, "h_.*", start, end, dir.resolve("prometheus.log"));
      assertEquals(data.keySet(), theirs.keySet());
      int compared = 0;
      int[] recodes = {0};
      Set<String> headers = new HashSet<>();
      for (Map.Entry<String, List<Point>> s : data.entrySet()) {
        List<Chunk> chunks = theirs.get(s.getKey());
        TheirChunks their = TheirChunks.of(chunks, Chunk.Encoding.HISTOGRAM);
        List<String> ours =
            HistogramTestSupport.ourChunks(
                s.getValue(),
                their.starts(),
                HistogramChunkEncoder::firstChunkHeader,
                HistogramChunkEncoder::new,
                recodes);
        assertEquals(their.hex(), ours, s.getKey());
        headers.addAll(their.headers());
        assertDecodes(s.getValue(), chunks);
        compared += chunks.size();
      }
      assertTrue(compared >= 40, "chunks compared: " + compared);
      assertEquals(Set.of("00", "40", "80", "c0"), headers, "every counter-reset header seen");
      assertTrue(recodes[0] >= 10, "chunks recoded for new buckets: " + recodes[0]);
    }
  }

  /** Our iterator reads 2.42's chunks back to the samples sent (bucket for bucket). */
  private static void assertDecodes(List<Point> points, List<Chunk> chunks) {
    int k = 0;
    HistogramChunkIterator it = new HistogramChunkIterator();
    for (Chunk c : chunks) {
      byte[] d = c.getData().toByteArray();
      it.reset(d, 0, d.length);
      while (it.next()) {
        Point p = points.get(k++);
        assertEquals(p.t(), it.t());
        Histogram got = it.histogram();
        assertEquals(
            Double.doubleToRawLongBits(p.h().sum()), Double.doubleToRawLongBits(got.sum()));
        if (!p.h().isStale()) {
          assertEquals(p.h().count(), got.count());
          assertEquals(p.h().zeroCount(), got.zeroCount());
          assertEquals(absolute(p.h().positive()), absolute(got.positive()));
          assertEquals(absolute(p.h().negative()), absolute(got.negative()));
        }
      }
    }
    assertEquals(points.size(), k);
  }
}
