package io.rwgateway.ingest.decode;

import static io.rwgateway.ingest.decode.DecodeTestSupport.NOW;

import com.google.protobuf.InvalidProtocolBufferException;
import io.rwgateway.proto.prompb.BucketSpan;
import io.rwgateway.proto.prompb.Exemplar;
import io.rwgateway.proto.prompb.Histogram;
import io.rwgateway.proto.prompb.Label;
import io.rwgateway.proto.prompb.MetricMetadata;
import io.rwgateway.proto.prompb.Sample;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.proto.prompb.WriteRequest;
import io.rwgateway.proto.writev2.Metadata;
import io.rwgateway.proto.writev2.Request;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/**
 * Property-style: many random valid requests (fixed seed), each decoded with one reused decoder and
 * compared field by field with what the generated parser reads.
 */
class RandomRequestTest {
  private static final String[] ALPHABET = {
    "a", "b", "z", "_", "0", "é", "✓", "🚀", "A", " ", "\"", "=", "{"
  };

  private final RemoteWriteDecoder decoder = new RemoteWriteDecoder(DecodeLimits.defaults());

  private static String text(Random rnd, int max) {
    int n = rnd.nextInt(max + 1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(ALPHABET[rnd.nextInt(ALPHABET.length)]);
    }
    return sb.toString();
  }

  private static double value(Random rnd) {
    return switch (rnd.nextInt(5)) {
      case 0 -> Double.longBitsToDouble(rnd.nextLong()); // any bit pattern, NaN payloads included
      case 1 -> RoundTripTest.SPECIAL[rnd.nextInt(RoundTripTest.SPECIAL.length)];
      default -> rnd.nextGaussian() * 1000;
    };
  }

  /** Sorted, unique labels with a __name__; empty values sometimes (they are dropped). */
  private static TreeMap<String, String> labels(Random rnd) {
    TreeMap<String, String> m = new TreeMap<>();
    m.put("__name__", "m_" + text(rnd, 12) + "x");
    int n = rnd.nextInt(12);
    for (int i = 0; i < n; i++) {
      String name = text(rnd, 10);
      if (!name.isEmpty()) {
        m.put(name, rnd.nextInt(10) == 0 ? "" : text(rnd, 30));
      }
    }
    return m;
  }

  private static Histogram histogram(Random rnd, long t) {
    Histogram.Builder h =
        Histogram.newBuilder().setSchema(rnd.nextInt(13) - 4).setSum(value(rnd)).setTimestamp(t);
    boolean floats = rnd.nextBoolean();
    int spans = rnd.nextInt(3);
    int buckets = 0;
    for (int i = 0; i < spans; i++) {
      int len = rnd.nextInt(4);
      h.addPositiveSpans(
          BucketSpan.newBuilder()
              .setOffset(i == 0 ? rnd.nextInt(10) - 5 : rnd.nextInt(3))
              .setLength(len));
      buckets += len;
    }
    for (int i = 0; i < buckets; i++) {
      if (floats) {
        h.addPositiveCounts(rnd.nextDouble() * 10);
      } else {
        h.addPositiveDeltas(rnd.nextInt(7) - 3);
      }
    }
    if (floats) {
      h.setCountFloat(rnd.nextDouble() * 100).setZeroCountFloat(rnd.nextDouble());
    } else {
      h.setCountInt(rnd.nextInt(100)).setZeroCountInt(rnd.nextInt(3));
    }
    return h.build();
  }

  private static WriteRequest randomV1(Random rnd) {
    WriteRequest.Builder req = WriteRequest.newBuilder();
    int series = rnd.nextInt(30);
    for (int s = 0; s < series; s++) {
      TimeSeries.Builder ts = TimeSeries.newBuilder();
      labels(rnd).forEach((k, v) -> ts.addLabels(Label.newBuilder().setName(k).setValue(v)));
      int samples = rnd.nextInt(5);
      for (int i = 0; i < samples; i++) {
        ts.addSamples(
            Sample.newBuilder()
                .setValue(value(rnd))
                .setTimestamp(NOW - rnd.nextInt(1_000_000_000)));
      }
      if (rnd.nextInt(4) == 0) {
        ts.addHistograms(histogram(rnd, NOW - rnd.nextInt(1000)));
      }
      if (rnd.nextInt(4) == 0) {
        Exemplar.Builder ex =
            Exemplar.newBuilder().setValue(value(rnd)).setTimestamp(NOW - rnd.nextInt(1000));
        new TreeMap<>(Map.of("trace_id", text(rnd, 20), "span", text(rnd, 8)))
            .forEach((k, v) -> ex.addLabels(Label.newBuilder().setName(k).setValue(v)));
        ts.addExemplars(ex);
      }
      req.addTimeseries(ts);
    }
    if (rnd.nextInt(3) == 0) {
      req.addMetadata(
          MetricMetadata.newBuilder()
              .setTypeValue(rnd.nextInt(8))
              .setMetricFamilyName("f" + text(rnd, 5))
              .setHelp(text(rnd, 40))
              .setUnit(text(rnd, 3)));
    }
    return req.build();
  }

  /** The same shape in RW 2.0, with an interned symbol table. */
  private static Request toV2(WriteRequest v1, Random rnd) {
    Request.Builder req = Request.newBuilder();
    Map<String, Integer> symbols = new HashMap<>();
    List<String> table = new ArrayList<>();
    ToIntFunction<String> sym =
        s ->
            symbols.computeIfAbsent(
                s,
                k -> {
                  table.add(k);
                  return table.size() - 1;
                });
    sym.applyAsInt("");
    for (TimeSeries ts : v1.getTimeseriesList()) {
      io.rwgateway.proto.writev2.TimeSeries.Builder out =
          io.rwgateway.proto.writev2.TimeSeries.newBuilder();
      for (Label l : ts.getLabelsList()) {
        out.addLabelsRefs(sym.applyAsInt(l.getName())).addLabelsRefs(sym.applyAsInt(l.getValue()));
      }
      for (Sample s : ts.getSamplesList()) {
        out.addSamples(
            io.rwgateway.proto.writev2.Sample.newBuilder()
                .setValue(s.getValue())
                .setTimestamp(s.getTimestamp()));
      }
      for (Histogram h : ts.getHistogramsList()) {
        try {
          out.addHistograms(io.rwgateway.proto.writev2.Histogram.parseFrom(h.toByteArray()));
        } catch (InvalidProtocolBufferException e) {
          throw new AssertionError(e);
        }
      }
      for (Exemplar e : ts.getExemplarsList()) {
        io.rwgateway.proto.writev2.Exemplar.Builder ex =
            io.rwgateway.proto.writev2.Exemplar.newBuilder()
                .setValue(e.getValue())
                .setTimestamp(e.getTimestamp());
        for (Label l : e.getLabelsList()) {
          ex.addLabelsRefs(sym.applyAsInt(l.getName())).addLabelsRefs(sym.applyAsInt(l.getValue()));
        }
        out.addExemplars(ex);
      }
      if (rnd.nextInt(3) == 0) {
        out.setMetadata(
            Metadata.newBuilder()
                .setTypeValue(rnd.nextInt(8))
                .setHelpRef(sym.applyAsInt(text(rnd, 20)))
                .setUnitRef(sym.applyAsInt(text(rnd, 2))));
      }
      if (rnd.nextBoolean()) {
        out.setCreatedTimestamp(NOW - 5000);
      }
      req.addTimeseries(out);
    }
    return req.addAllSymbols(table).build();
  }

  @Test
  void randomRequestsMatchTheGeneratedParser() throws Exception {
    Random rnd = new Random(20240601L);
    for (int i = 0; i < 500; i++) {
      WriteRequest v1 = randomV1(rnd);
      byte[] b1 = v1.toByteArray();
      DecodeTestSupport.assertMatchesV1(b1, DecodeTestSupport.decodeV1(decoder, b1));
      byte[] b2 = toV2(v1, rnd).toByteArray();
      DecodeTestSupport.assertMatchesV2(b2, DecodeTestSupport.decodeV2(decoder, b2));
    }
  }
}
