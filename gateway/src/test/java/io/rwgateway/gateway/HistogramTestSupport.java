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
import io.rwgateway.tsdb.chunk.Histogram;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Header;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Verdict;
import io.rwgateway.tsdb.chunk.HistogramChunkWriter;
import io.rwgateway.tsdb.chunk.NativeHistogram;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.DoubleConsumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32C;
import org.xerial.snappy.Snappy;

/**
 * What the histogram tests against a real Prometheus share: building remote-write requests of
 * histograms, starting Prometheus with native histograms, writing to it, reading chunks back by
 * streamed remote read, and building our own chunks from the same samples to compare.
 */
final class HistogramTestSupport {
  private HistogramTestSupport() {}

  /**
   * The end of a data window of {@code span} ms that starts 48 minutes into a 2 h range, the latest
   * such window ending at least a minute before now. Prometheus' head cuts a chunk early by where
   * it sits in its 2 h range (it spreads a range's samples over evenly sized chunks), so data
   * anchored to the clock alone was cut differently at different times of day, and a test's "every
   * chunk header was seen" failed when run late in a range.
   */
  static long anchoredEnd(long span) {
    long range = 2 * 3_600_000L;
    long offset = 48 * 60_000L;
    long latest = System.currentTimeMillis() / 1000 * 1000 - 60_000;
    long start = Math.floorDiv(latest - span - offset, range) * range + offset;
    return start + span;
  }

  /** A Prometheus 2.42 with native histograms on {@code home}, ready; the caller closes it. */
  static LocalPrometheus startPrometheus(Path home, HttpClient http) throws Exception {
    LocalPrometheus prom =
        LocalPrometheus.start(home, "global: {}\n", "--enable-feature=native-histograms");
    try {
      prom.awaitReady(http, 60_000);
      return prom;
    } catch (Exception | Error e) {
      prom.close();
      throw e;
    }
  }

  /** A series with only its {@code __name__}. */
  static TimeSeries.Builder series(String name) {
    return TimeSeries.newBuilder().addLabels(Label.newBuilder().setName("__name__").setValue(name));
  }

  /** {@code h} at {@code t} as remote write sends it: integer counts, spans and deltas. */
  static io.rwgateway.proto.prompb.Histogram toProto(long t, Histogram h) {
    io.rwgateway.proto.prompb.Histogram.Builder b =
        io.rwgateway.proto.prompb.Histogram.newBuilder()
            .setTimestamp(t)
            .setCountInt(h.count())
            .setZeroCountInt(h.zeroCount())
            .setSum(h.sum())
            .setSchema(h.schema())
            .setZeroThreshold(h.zeroThreshold())
            .setResetHintValue(h.resetHint());
    side(h.positive(), b::addPositiveSpans, b::addPositiveDeltas);
    side(h.negative(), b::addNegativeSpans, b::addNegativeDeltas);
    return b.build();
  }

  /** {@code h} at {@code t} as remote write sends it: float counts, spans and absolute counts. */
  static io.rwgateway.proto.prompb.Histogram toProto(long t, FloatHistogram h) {
    io.rwgateway.proto.prompb.Histogram.Builder b =
        io.rwgateway.proto.prompb.Histogram.newBuilder()
            .setTimestamp(t)
            .setCountFloat(h.count())
            .setZeroCountFloat(h.zeroCount())
            .setSum(h.sum())
            .setSchema(h.schema())
            .setZeroThreshold(h.zeroThreshold())
            .setResetHintValue(h.resetHint());
    side(h.positive(), b::addPositiveSpans, b::addPositiveCounts);
    side(h.negative(), b::addNegativeSpans, b::addNegativeCounts);
    return b.build();
  }

  private static void side(
      Histogram.Buckets side, Consumer<BucketSpan> spans, LongConsumer deltas) {
    for (int i = 0; i < side.spanCount(); i++) {
      spans.accept(span(side.spanOffset(i), side.spanLength(i)));
    }
    for (int i = 0; i < side.bucketCount(); i++) {
      deltas.accept(side.delta(i));
    }
  }

  private static void side(
      FloatHistogram.Side side, Consumer<BucketSpan> spans, DoubleConsumer counts) {
    for (int i = 0; i < side.spanCount(); i++) {
      spans.accept(span(side.spanOffset(i), side.spanLength(i)));
    }
    for (int i = 0; i < side.bucketCount(); i++) {
      counts.accept(side.count(i));
    }
  }

  static BucketSpan span(int offset, int length) {
    return BucketSpan.newBuilder().setOffset(offset).setLength(length).build();
  }

  /** Remote-writes {@code req} (snappy, remote write 1.0) to {@code url}. */
  static HttpResponse<String> write(HttpClient http, String url, WriteRequest req)
      throws Exception {
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

  /**
   * Remote-writes every series of {@code data} (name -> samples) to {@code prom} in one request,
   * each followed by {@code closing} of its last sample at {@code closeAt}: a sample that makes
   * 2.42 close the chunk before, so that every chunk read back is one its head closed itself (it
   * re-encodes an open chunk when it streams it, and loses its header).
   */
  static <H> void writeClosedSeries(
      HttpClient http,
      LocalPrometheus prom,
      Map<String, ? extends List<? extends Sample<H>>> data,
      BiFunction<Long, H, io.rwgateway.proto.prompb.Histogram> toProto,
      long closeAt,
      UnaryOperator<H> closing)
      throws Exception {
    WriteRequest.Builder w = WriteRequest.newBuilder();
    for (Map.Entry<String, ? extends List<? extends Sample<H>>> s : data.entrySet()) {
      TimeSeries.Builder ts = series(s.getKey());
      for (Sample<H> p : s.getValue()) {
        ts.addHistograms(toProto.apply(p.t(), p.h()));
      }
      H last = s.getValue().get(s.getValue().size() - 1).h();
      ts.addHistograms(toProto.apply(closeAt, closing.apply(last)));
      w.addTimeseries(ts);
    }
    HttpResponse<String> resp = write(http, prom.writeUrl(), w.build());
    assertEquals(204, resp.statusCode(), resp.body());
  }

  /**
   * Streamed remote read (chunks as stored) of the series whose name matches {@code regex} in
   * [from, to]: name -> its chunks, in the order sent. {@code log}, when not null, is shown when
   * the stream cannot be read.
   */
  static Map<String, List<Chunk>> streamedRead(
      HttpClient http, String base, String regex, long from, long to, Path log) throws Exception {
    Map<String, List<Chunk>> out = new TreeMap<>();
    for (ChunkedSeries s : streamedSeries(http, base, regex, from, to, log)) {
      String name = null;
      for (Label l : s.getLabelsList()) {
        if (l.getName().equals("__name__")) {
          name = l.getValue();
        }
      }
      out.computeIfAbsent(name, k -> new ArrayList<>()).addAll(s.getChunksList());
    }
    return out;
  }

  /**
   * Streamed remote read (chunks as stored) of the series whose name matches {@code regex} in
   * [from, to]: every series frame's series, in the order sent, each frame's CRC32C checked.
   */
  static List<ChunkedSeries> streamedSeries(
      HttpClient http, String base, String regex, long from, long to, Path log) throws Exception {
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
                            .setValue(regex)))
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
    byte[] body = resp.body();
    assertEquals(200, resp.statusCode(), new String(body, StandardCharsets.UTF_8));
    List<ChunkedSeries> out = new ArrayList<>();
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(body))) {
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
        out.addAll(ChunkedReadResponse.parseFrom(msg).getChunkedSeriesList());
      }
    } catch (IOException e) {
      throw new AssertionError(
          "reading the stream from "
              + base
              + "; its end: "
              + new String(body, Math.max(0, body.length - 300), Math.min(300, body.length))
              + (log == null ? "" : "\nprometheus.log:\n" + Files.readString(log)),
          e);
    }
    return out;
  }

  /** What Prometheus sent of one series: its chunks' bytes (hex) and where each starts. */
  record TheirChunks(List<String> hex, Set<Long> starts) {
    /** Their chunks, each checked to be of {@code type}. */
    static TheirChunks of(List<Chunk> chunks, Chunk.Encoding type) {
      List<String> hex = new ArrayList<>();
      Set<Long> starts = new HashSet<>();
      for (Chunk c : chunks) {
        assertEquals(type, c.getType());
        starts.add(c.getMinTimeMs());
        hex.add(HexFormat.of().formatHex(c.getData().toByteArray()));
      }
      return new TheirChunks(hex, starts);
    }

    /** The counter-reset header byte of every chunk, in hex. */
    Set<String> headers() {
      Set<String> out = new HashSet<>();
      for (String x : hex) {
        out.add(x.substring(4, 6));
      }
      return out;
    }
  }

  /** One sample sent: a time and a histogram. */
  interface Sample<H> {
    long t();

    H h();
  }

  /**
   * Our chunks (hex) for the samples: a new chunk wherever our encoder refuses a sample, and
   * wherever Prometheus started one for a sample our encoder would take (the head's size and time
   * cuts, which are not the encoder's business), with the header our encoder says the head would
   * give. {@code recodes[0]} counts the appends that re-encoded the chunk.
   */
  static <H extends NativeHistogram<H, ?>> List<String> ourChunks(
      List<? extends Sample<H>> samples,
      Set<Long> prometheusStarts,
      Function<H, Header> firstHeader,
      Function<Header, HistogramChunkWriter<H>> encoder,
      int[] recodes) {
    List<String> chunks = new ArrayList<>();
    HistogramChunkWriter<H> e = null;
    for (Sample<H> sample : samples) {
      long t = sample.t();
      H h = sample.h();
      if (e == null) {
        e = encoder.apply(firstHeader.apply(h));
      } else if (prometheusStarts.contains(t)) {
        Header next = e.nextChunkHeader(h);
        chunks.add(HexFormat.of().formatHex(e.bytes()));
        e = encoder.apply(next);
      } else {
        Verdict v = e.check(h);
        if (v == Verdict.CUT || v == Verdict.CUT_COUNTER_RESET) {
          Header next = e.nextChunkHeader(h);
          chunks.add(HexFormat.of().formatHex(e.bytes()));
          e = encoder.apply(next);
        }
      }
      Verdict v = e.append(t, h);
      assertTrue(v == Verdict.APPEND || v == Verdict.RECODE, v.toString());
      recodes[0] += v == Verdict.RECODE ? 1 : 0;
    }
    chunks.add(HexFormat.of().formatHex(e.bytes()));
    return chunks;
  }

  /** Bucket index to absolute count, zero buckets left out. */
  static Map<Integer, Long> absolute(Histogram.Buckets side) {
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

  /** Bucket index to count (as a long), zero buckets left out. */
  static Map<Integer, Long> absolute(FloatHistogram.Side side) {
    Map<Integer, Long> m = new TreeMap<>();
    int at = 0;
    int b = 0;
    for (int s = 0; s < side.spanCount(); s++) {
      at += side.spanOffset(s);
      for (int k = 0; k < side.spanLength(s); k++, at++, b++) {
        if (side.count(b) != 0) {
          m.put(at, (long) side.count(b));
        }
      }
    }
    return m;
  }
}
