package io.rwgateway.sidecar;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.proto.prompb.Label;
import io.rwgateway.proto.prompb.Sample;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.proto.prompb.WriteRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * What the tests write into Prometheus: a series as stored (without external labels) and its
 * samples, every 15 s, ending at a common time.
 */
record TestSeries(Labels stored, long[] t, double[] v) {
  static final long STEP = 15_000;

  /** Prometheus' external labels in {@link LocalPrometheus#CONFIG}. */
  static final Labels EXTERNAL = Labels.of("cluster", "eu1", "replica", "a");

  /** The labels the sidecar serves: stored plus external, the external value winning. */
  Labels served() {
    TreeMap<String, String> m = new TreeMap<>(LabelOrder.UTF8);
    m.putAll(stored.toMap());
    EXTERNAL.forEach(m::put);
    List<String> nv = new ArrayList<>();
    for (Map.Entry<String, String> e : m.entrySet()) {
      nv.add(e.getKey());
      nv.add(e.getValue());
    }
    return Labels.ofSorted(nv.toArray(new String[0]));
  }

  /**
   * The data set: counters with several chunks' worth of samples (one with a reset), a gauge,
   * {@code up} series that change order once external labels are added, a series that stores a
   * label named like an external label, and a label value that needs escaping.
   */
  static List<TestSeries> dataSet(long end) {
    Random r = new Random(42);
    List<TestSeries> out = new ArrayList<>();
    out.add(
        counter(
            Labels.of("__name__", "http_requests_total", "job", "api", "instance", "i1"),
            end,
            300,
            150,
            r));
    out.add(
        counter(
            Labels.of("__name__", "http_requests_total", "job", "api", "instance", "i2"),
            end,
            300,
            -1,
            r));
    out.add(
        counter(
            Labels.of("__name__", "http_requests_total", "job", "db", "instance", "i1"),
            end,
            300,
            -1,
            r));
    out.add(
        gauge(Labels.of("__name__", "temperature", "job", "api", "instance", "i1"), end, 200, r));
    // Stored order: {up} < {up,a_label} < {up,instance} < {up,zone}; with cluster and replica
    // added, {up} moves behind a_label and instance.
    out.add(gauge(Labels.of("__name__", "up"), end, 50, r));
    out.add(gauge(Labels.of("__name__", "up", "a_label", "1"), end, 50, r));
    out.add(gauge(Labels.of("__name__", "up", "instance", "x"), end, 50, r));
    out.add(gauge(Labels.of("__name__", "up", "zone", "z"), end, 50, r));
    out.add(
        gauge(Labels.of("__name__", "local_cluster", "cluster", "local", "job", "x"), end, 40, r));
    out.add(gauge(Labels.of("__name__", "weird", "path", "a\"b\\c\nd"), end, 10, r));
    // Equal once replica="a" replaces the stored replica="b": served as one series, the first
    // ten samples from one, the last ten from the other.
    out.add(gauge(Labels.of("__name__", "collide"), end - 10 * STEP, 10, r));
    out.add(gauge(Labels.of("__name__", "collide", "replica", "b"), end, 10, r));
    return out;
  }

  private static TestSeries counter(Labels stored, long end, int n, int resetAt, Random r) {
    long[] t = times(end, n);
    double[] v = new double[n];
    double x = 0;
    for (int k = 0; k < n; k++) {
      x = k == resetAt ? 2 : x + r.nextInt(20);
      v[k] = x;
    }
    return new TestSeries(stored, t, v);
  }

  private static TestSeries gauge(Labels stored, long end, int n, Random r) {
    long[] t = times(end, n);
    double[] v = new double[n];
    for (int k = 0; k < n; k++) {
      v[k] = 20 + r.nextGaussian() * 5;
    }
    return new TestSeries(stored, t, v);
  }

  private static long[] times(long end, int n) {
    long[] t = new long[n];
    for (int k = 0; k < n; k++) {
      t[k] = end - (n - 1 - k) * STEP;
    }
    return t;
  }

  /**
   * The series as served: one per served label set, in label order, the samples of written series
   * that became equal joined in time order.
   */
  static List<TestSeries> served(List<TestSeries> written) {
    TreeMap<Labels, List<TestSeries>> byLabels = new TreeMap<>(LabelOrder.LABELS);
    for (TestSeries s : written) {
      byLabels.computeIfAbsent(s.served(), k -> new ArrayList<>()).add(s);
    }
    List<TestSeries> out = new ArrayList<>();
    for (Map.Entry<Labels, List<TestSeries>> e : byLabels.entrySet()) {
      TreeMap<Long, Double> samples = new TreeMap<>();
      for (TestSeries s : e.getValue()) {
        for (int k = 0; k < s.t.length; k++) {
          samples.put(s.t[k], s.v[k]);
        }
      }
      long[] t = new long[samples.size()];
      double[] v = new double[samples.size()];
      int k = 0;
      for (Map.Entry<Long, Double> x : samples.entrySet()) {
        t[k] = x.getKey();
        v[k++] = x.getValue();
      }
      out.add(new TestSeries(e.getKey(), t, v));
    }
    return out;
  }

  static WriteRequest writeRequest(List<TestSeries> series) {
    WriteRequest.Builder b = WriteRequest.newBuilder();
    for (TestSeries s : series) {
      TimeSeries.Builder ts = TimeSeries.newBuilder();
      s.stored.forEach((n, v) -> ts.addLabels(Label.newBuilder().setName(n).setValue(v)));
      for (int k = 0; k < s.t.length; k++) {
        ts.addSamples(Sample.newBuilder().setTimestamp(s.t[k]).setValue(s.v[k]));
      }
      b.addTimeseries(ts);
    }
    return b.build();
  }
}
