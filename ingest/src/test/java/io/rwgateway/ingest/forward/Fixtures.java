package io.rwgateway.ingest.forward;

import io.rwgateway.proto.thanos.labelpb.Label;
import io.rwgateway.proto.thanos.prompb.BucketSpan;
import io.rwgateway.proto.thanos.prompb.Exemplar;
import io.rwgateway.proto.thanos.prompb.Histogram;
import io.rwgateway.proto.thanos.prompb.Sample;
import io.rwgateway.proto.thanos.prompb.TimeSeries;
import io.rwgateway.proto.thanos.storepb.WriteRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * Requests for the forwarding tests, described once in a neutral form and built twice with the
 * generated classes of both schemas: Thanos' {@code thanos.WriteRequest} (prometheus_copy series)
 * and Prometheus' {@code prometheus.WriteRequest}. Histograms are opaque to the decoder (kept as
 * bytes), so they are built once with the Thanos classes and carried over as bytes.
 */
final class Fixtures {
  static final long NOW = 1_700_000_000_000L;
  static final long STALE_NAN_BITS = 0x7ff0000000000002L;
  static final double[] SPECIAL = {
    1.5,
    0.0,
    -0.0,
    Double.NaN,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY,
    Double.longBitsToDouble(STALE_NAN_BITS),
    Double.MIN_VALUE,
    -Double.MAX_VALUE
  };

  private Fixtures() {}

  record L(String name, String value) {}

  record Ex(List<L> labels, double value, long t) {}

  record S(
      List<L> labels, double[] values, long[] ts, List<Ex> exemplars, List<Histogram> histograms) {}

  static List<L> labels(String... nv) {
    List<L> l = new ArrayList<>();
    for (int i = 0; i < nv.length; i += 2) {
      l.add(new L(nv[i], nv[i + 1]));
    }
    return l;
  }

  static Histogram intHistogram(long t) {
    return Histogram.newBuilder()
        .setCountInt(6)
        .setSum(12.5)
        .setSchema(3)
        .setZeroThreshold(1e-128)
        .setZeroCountInt(1)
        .addNegativeSpans(BucketSpan.newBuilder().setOffset(-2).setLength(1))
        .addNegativeDeltas(1)
        .addPositiveSpans(BucketSpan.newBuilder().setOffset(0).setLength(2))
        .addPositiveSpans(BucketSpan.newBuilder().setOffset(3).setLength(1))
        .addPositiveDeltas(2)
        .addPositiveDeltas(-1)
        .addPositiveDeltas(0)
        .setResetHint(Histogram.ResetHint.NO)
        .setTimestamp(t)
        .build();
  }

  static Histogram floatHistogram(long t) {
    return Histogram.newBuilder()
        .setCountFloat(4.5)
        .setSum(-3)
        .setSchema(-4)
        .setZeroCountFloat(0.5)
        .addPositiveSpans(BucketSpan.newBuilder().setOffset(-1).setLength(2))
        .addPositiveCounts(1.5)
        .addPositiveCounts(Double.POSITIVE_INFINITY)
        .setResetHint(Histogram.ResetHint.GAUGE)
        .setTimestamp(t)
        .build();
  }

  static Histogram customBuckets(long t) {
    return Histogram.newBuilder()
        .setCountInt(3)
        .setSum(Double.NaN)
        .setSchema(-53)
        .addPositiveSpans(BucketSpan.newBuilder().setLength(3))
        .addPositiveDeltas(1)
        .addPositiveDeltas(0)
        .addPositiveDeltas(0)
        .addCustomValues(0.1)
        .addCustomValues(0.5)
        .addCustomValues(1)
        .setTimestamp(t)
        .build();
  }

  /**
   * Floats with special values, exemplars (unsorted labels, none), histograms, proto3 defaults,
   * negative times.
   */
  static List<S> series() {
    long[] ts = new long[SPECIAL.length];
    for (int i = 0; i < ts.length; i++) {
      ts[i] = NOW - 1000 + i;
    }
    List<S> s = new ArrayList<>();
    s.add(
        new S(
            labels("__name__", "up", "instance", "host:9090", "job", "prom"),
            SPECIAL,
            ts,
            List.of(
                new Ex(labels("trace_id", "abc123", "span_id", "7"), 0.25, NOW - 5),
                new Ex(List.of(), 1, NOW - 4)),
            List.of()));
    s.add(
        new S(
            labels("__name__", "rpc_seconds", "le", "", "svc", "ünïcødé ✓ 🚀"),
            new double[0],
            new long[0],
            List.of(),
            List.of(intHistogram(NOW - 2000), floatHistogram(NOW - 1000), customBuckets(NOW))));
    s.add(
        new S(
            labels("__name__", "only_exemplars"),
            new double[0],
            new long[0],
            List.of(new Ex(labels("a", "b"), 2, 1)),
            List.of()));
    // Value +0.0 and timestamp 0 are proto3 defaults (left out on the wire); negative times are
    // 10-byte varints.
    s.add(
        new S(
            labels("__name__", "defaults", "x", "y"),
            new double[] {0.0, 7, -1},
            new long[] {0, -1, Long.MIN_VALUE + 1},
            List.of(new Ex(labels("t", "u"), 0.0, 0)),
            List.of()));
    return s;
  }

  /** Series whose labels break rules, mixed with valid ones. */
  static List<S> withInvalid() {
    List<S> s = new ArrayList<>(series());
    s.add(
        1,
        new S(
            labels("job", "x", "__name__", "unsorted"),
            new double[] {1},
            new long[] {NOW},
            List.of(),
            List.of()));
    s.add(
        new S(
            labels("instance", "i"),
            new double[] {1, 2},
            new long[] {NOW, NOW + 1},
            List.of(),
            List.of()));
    s.add(
        new S(
            labels("__name__", "future"),
            new double[] {1, 2},
            new long[] {NOW, NOW + 3_600_000},
            List.of(),
            List.of()));
    return s;
  }

  static WriteRequest thanos(List<S> series, String tenant, long replica) {
    WriteRequest.Builder r = WriteRequest.newBuilder().setTenant(tenant).setReplica(replica);
    for (S s : series) {
      TimeSeries.Builder ts = TimeSeries.newBuilder();
      s.labels()
          .forEach(l -> ts.addLabels(Label.newBuilder().setName(l.name()).setValue(l.value())));
      for (int i = 0; i < s.values().length; i++) {
        ts.addSamples(Sample.newBuilder().setValue(s.values()[i]).setTimestamp(s.ts()[i]));
      }
      for (Ex e : s.exemplars()) {
        Exemplar.Builder ex = Exemplar.newBuilder().setValue(e.value()).setTimestamp(e.t());
        e.labels()
            .forEach(l -> ex.addLabels(Label.newBuilder().setName(l.name()).setValue(l.value())));
        ts.addExemplars(ex);
      }
      ts.addAllHistograms(s.histograms());
      r.addTimeseries(ts);
    }
    return r.build();
  }

  static io.rwgateway.proto.prompb.WriteRequest prometheus(List<S> series) throws Exception {
    io.rwgateway.proto.prompb.WriteRequest.Builder r =
        io.rwgateway.proto.prompb.WriteRequest.newBuilder();
    for (S s : series) {
      io.rwgateway.proto.prompb.TimeSeries.Builder ts =
          io.rwgateway.proto.prompb.TimeSeries.newBuilder();
      s.labels()
          .forEach(
              l ->
                  ts.addLabels(
                      io.rwgateway.proto.prompb.Label.newBuilder()
                          .setName(l.name())
                          .setValue(l.value())));
      for (int i = 0; i < s.values().length; i++) {
        ts.addSamples(
            io.rwgateway.proto.prompb.Sample.newBuilder()
                .setValue(s.values()[i])
                .setTimestamp(s.ts()[i]));
      }
      for (Ex e : s.exemplars()) {
        io.rwgateway.proto.prompb.Exemplar.Builder ex =
            io.rwgateway.proto.prompb.Exemplar.newBuilder().setValue(e.value()).setTimestamp(e.t());
        e.labels()
            .forEach(
                l ->
                    ex.addLabels(
                        io.rwgateway.proto.prompb.Label.newBuilder()
                            .setName(l.name())
                            .setValue(l.value())));
        ts.addExemplars(ex);
      }
      for (Histogram h : s.histograms()) {
        ts.addHistograms(io.rwgateway.proto.prompb.Histogram.parseFrom(h.toByteString()));
      }
      r.addTimeseries(ts);
    }
    return r.build();
  }

  private static final String[] ALPHABET = {
    "a", "b", "z", "_", "0", "é", "✓", "🚀", "A", " ", "\"", "=", "{"
  };

  private static String text(Random rnd, int max) {
    int n = rnd.nextInt(max + 1);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(ALPHABET[rnd.nextInt(ALPHABET.length)]);
    }
    return sb.toString();
  }

  private static double value(Random rnd) {
    return switch (rnd.nextInt(4)) {
      case 0 -> Double.longBitsToDouble(rnd.nextLong());
      case 1 -> SPECIAL[rnd.nextInt(SPECIAL.length)];
      default -> rnd.nextGaussian() * 1000;
    };
  }

  /** Valid random series (sorted unique labels with a __name__, sometimes empty values). */
  static List<S> random(Random rnd) {
    List<S> out = new ArrayList<>();
    int n = rnd.nextInt(30);
    for (int k = 0; k < n; k++) {
      TreeMap<String, String> m = new TreeMap<>();
      m.put("__name__", "m_" + text(rnd, 10) + "x");
      int labels = rnd.nextInt(10);
      for (int i = 0; i < labels; i++) {
        String name = text(rnd, 8);
        if (!name.isEmpty()) {
          m.put(name, rnd.nextInt(10) == 0 ? "" : text(rnd, 20));
        }
      }
      List<L> ls = new ArrayList<>();
      m.forEach((a, b) -> ls.add(new L(a, b)));
      int samples = rnd.nextInt(6);
      double[] v = new double[samples];
      long[] t = new long[samples];
      for (int i = 0; i < samples; i++) {
        v[i] = value(rnd);
        t[i] = NOW - rnd.nextInt(1_000_000_000);
      }
      List<Ex> ex = new ArrayList<>();
      if (rnd.nextInt(4) == 0) {
        ex.add(
            new Ex(
                labels("span", text(rnd, 6), "trace_id", text(rnd, 16)),
                value(rnd),
                NOW - rnd.nextInt(1000)));
      }
      List<Histogram> hs = new ArrayList<>();
      if (rnd.nextInt(5) == 0) {
        hs.add(
            rnd.nextBoolean()
                ? intHistogram(NOW - rnd.nextInt(1000))
                : floatHistogram(NOW - rnd.nextInt(1000)));
      }
      out.add(new S(ls, v, t, ex, hs));
    }
    return out;
  }
}
