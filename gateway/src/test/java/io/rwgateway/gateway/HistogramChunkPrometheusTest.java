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
import io.rwgateway.tsdb.chunk.Histogram;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Verdict;
import io.rwgateway.tsdb.chunk.HistogramChunkIterator;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
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
  private record Point(long t, Histogram h) {}

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

  private static io.rwgateway.proto.prompb.Histogram toProto(Point p) {
    Histogram h = p.h();
    io.rwgateway.proto.prompb.Histogram.Builder b =
        io.rwgateway.proto.prompb.Histogram.newBuilder()
            .setTimestamp(p.t())
            .setCountInt(h.count())
            .setZeroCountInt(h.zeroCount())
            .setSum(h.sum())
            .setSchema(h.schema())
            .setZeroThreshold(h.zeroThreshold())
            .setResetHintValue(h.resetHint());
    toProto(h.positive(), b::addPositiveSpans, b::addPositiveDeltas);
    toProto(h.negative(), b::addNegativeSpans, b::addNegativeDeltas);
    return b.build();
  }

  private static void toProto(
      Histogram.Buckets side,
      java.util.function.Consumer<BucketSpan> spans,
      java.util.function.LongConsumer deltas) {
    for (int i = 0; i < side.spanCount(); i++) {
      spans.accept(
          BucketSpan.newBuilder()
              .setOffset(side.spanOffset(i))
              .setLength(side.spanLength(i))
              .build());
    }
    for (int i = 0; i < side.bucketCount(); i++) {
      deltas.accept(side.delta(i));
    }
  }

  // ---- our chunks ----------------------------------------------------------------------------

  /**
   * Our chunks for the samples: a new chunk wherever our encoder refuses a sample, and wherever
   * Prometheus started one for a sample our encoder would take (the head's size and time cuts,
   * which are not the encoder's business), with the header our encoder says the head would give.
   */
  private final int[] recodes = {0};

  private List<String> ours(List<Point> points, Set<Long> prometheusStarts) {
    List<String> chunks = new ArrayList<>();
    HistogramChunkEncoder e = null;
    for (Point p : points) {
      if (e == null) {
        e = new HistogramChunkEncoder(HistogramChunkEncoder.firstChunkHeader(p.h()));
      } else if (prometheusStarts.contains(p.t())) {
        HistogramChunkEncoder.Header next = e.nextChunkHeader(p.h());
        chunks.add(HexFormat.of().formatHex(e.bytes()));
        e = new HistogramChunkEncoder(next);
      } else {
        Verdict v = e.check(p.h());
        if (v == Verdict.CUT || v == Verdict.CUT_COUNTER_RESET) {
          HistogramChunkEncoder.Header next = e.nextChunkHeader(p.h());
          chunks.add(HexFormat.of().formatHex(e.bytes()));
          e = new HistogramChunkEncoder(next);
        }
      }
      Verdict v = e.append(p.t(), p.h());
      assertTrue(v == Verdict.APPEND || v == Verdict.RECODE, v.toString());
      recodes[0] += v == Verdict.RECODE ? 1 : 0;
    }
    chunks.add(HexFormat.of().formatHex(e.bytes()));
    return chunks;
  }

  // ---- the test ------------------------------------------------------------------------------

  @Test
  void ourChunksAreTheBytesPrometheus242Writes() throws Exception {
    long end = System.currentTimeMillis() / 1000 * 1000 - 60_000;
    long start = end - (SAMPLES + 2) * STEP;
    Map<String, List<Point>> data = new LinkedHashMap<>();
    Random r = new Random(42);
    for (String kind : List.of("fixed", "mixed", "gauge", "stale", "negative", "emptybyte")) {
      for (int copy = 0; copy < 3; copy++) {
        data.put("h_" + kind + "_" + copy, series(kind, start, r));
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
        // One more sample that always cuts (the sender says it reset), so that every chunk read
        // below is closed; it is after the range read.
        Point last = s.getValue().get(s.getValue().size() - 1);
        Histogram closing = new Histogram().copyFrom(last.h());
        if (closing.isStale()) {
          closing.sum(0);
        }
        ts.addHistograms(
            toProto(new Point(end + STEP, closing.resetHint(Histogram.HINT_COUNTER_RESET))));
        w.addTimeseries(ts);
      }
      HttpResponse<String> wr = write(prom.writeUrl(), w.build());
      assertEquals(204, wr.statusCode(), wr.body());

      Map<String, List<Chunk>> theirs = read(prom.base, start, end);
      assertEquals(data.keySet(), theirs.keySet());
      int compared = 0;
      Set<String> headers = new HashSet<>();
      for (Map.Entry<String, List<Point>> s : data.entrySet()) {
        List<Chunk> chunks = theirs.get(s.getKey());
        Set<Long> starts = new HashSet<>();
        List<String> hex = new ArrayList<>();
        for (Chunk c : chunks) {
          assertEquals(Chunk.Encoding.HISTOGRAM, c.getType());
          starts.add(c.getMinTimeMs());
          hex.add(HexFormat.of().formatHex(c.getData().toByteArray()));
        }
        assertEquals(hex, ours(s.getValue(), starts), s.getKey());
        for (String x : hex) {
          headers.add(x.substring(4, 6));
        }
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

  /** Bucket index to absolute count, zero buckets left out. */
  private static Map<Integer, Long> absolute(Histogram.Buckets side) {
    int[] idx = new int[side.bucketCount()];
    long[] counts = new long[side.bucketCount()];
    Map<Integer, Long> m = new TreeMap<>();
    for (int k = 0, n = side.absolute(idx, counts); k < n; k++) {
      if (counts[k] != 0) {
        m.put(idx[k], counts[k]);
      }
    }
    return m;
  }

  // ---- HTTP ----------------------------------------------------------------------------------

  private HttpResponse<String> write(String url, WriteRequest req) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-protobuf")
            .header("Content-Encoding", "snappy")
            .header("X-Prometheus-Remote-Write-Version", "0.1.0")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(req.toByteArray())))
            .build();
    return http.send(r, HttpResponse.BodyHandlers.ofString());
  }

  /** Streamed remote read of every series named h_*: name -> its chunks as 2.42 sent them. */
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
                            .setValue("h_.*")))
            .addAcceptedResponseTypes(ReadRequest.ResponseType.STREAMED_XOR_CHUNKS)
            .build();
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(base + "/api/v1/read"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-protobuf")
            .header("Content-Encoding", "snappy")
            .header("X-Prometheus-Remote-Read-Version", "0.1.0")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(req.toByteArray())))
            .build();
    HttpResponse<byte[]> resp = http.send(r, HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, resp.statusCode());
    byte[] body = resp.body();
    Map<String, List<Chunk>> out = new TreeMap<>();
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(body))) {
      while (true) {
        int first = in.read();
        if (first < 0) {
          break;
        }
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
          String name = null;
          for (Label l : s.getLabelsList()) {
            if (l.getName().equals("__name__")) {
              name = l.getValue();
            }
          }
          out.computeIfAbsent(name, k -> new ArrayList<>()).addAll(s.getChunksList());
        }
      }
    } catch (IOException e) {
      throw new AssertionError(
          "reading the stream; its end: "
              + new String(body, Math.max(0, body.length - 300), Math.min(300, body.length))
              + "\nprometheus.log:\n"
              + java.nio.file.Files.readString(dir.resolve("prometheus.log")),
          e);
    }
    return out;
  }
}
