package io.rwgateway.gateway;

import io.rwgateway.proto.prompb.BucketSpan;
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
 * The samples of the native-histogram PromQL differential test: about 30 series over a 50 minute
 * window that ends at {@code end}. Integer and float counter histograms built from random
 * observations (new buckets appearing as the observed values grow, negative and positive buckets, a
 * zero bucket with its threshold, schemas 3, 2, 1, 0 and -2, counter resets, schema changes), gauge
 * histograms going up and down, one metric whose series differ in schema and buckets for the
 * aggregations, a series of floats then histograms then floats, series ending with a histogram or a
 * float staleness marker and with a gap longer than the lookback, empty histograms, histograms with
 * only a zero bucket, plain float series with the histograms' labels for the binary operators, and
 * one histogram written both as a native and as a classic histogram. A fixed seed makes every run
 * send the same samples; only the window moves with the clock.
 */
final class HistogramDiffData {
  static final long WINDOW_MS = 50 * 60_000L;

  private static final long MIN = 60_000L;

  /** The reset hints of prompb.Histogram.ResetHint. */
  private static final int UNKNOWN = 0;

  private static final int GAUGE = 3;

  private final long start;
  private final long end;
  private final Random random = new Random(20_230_301L);
  private final List<Series> series = new ArrayList<>();

  /**
   * One native histogram as sent: absolute bucket counts by index (a bucket present with count 0 is
   * sent in a span), integer counts unless {@code floats}. {@code stale} makes it a staleness
   * marker (sum = Prometheus' staleness NaN, nothing else).
   */
  record Hist(
      int schema,
      double zeroThreshold,
      double zeroCount,
      double sum,
      TreeMap<Integer, Double> pos,
      TreeMap<Integer, Double> neg,
      boolean floats,
      int hint,
      boolean stale) {
    double count() {
      double c = zeroCount;
      for (double v : pos.values()) {
        c += v;
      }
      for (double v : neg.values()) {
        c += v;
      }
      return c;
    }

    static Hist staleMarker() {
      return new Hist(
          0, 0, 0, PromqlDiffData.STALE_NAN, new TreeMap<>(), new TreeMap<>(), false, 0, true);
    }
  }

  /** One sample: a float ({@code h} null) or a histogram. */
  record Point(long t, double value, Hist h) {}

  /** One series: its labels (name first, then pairs) and its samples in time order. */
  record Series(String[] labels, List<Point> points) {
    void add(long t, double v) {
      points.add(new Point(t, v, null));
    }

    void add(long t, Hist h) {
      points.add(new Point(t, 0, h));
    }
  }

  HistogramDiffData(long end) {
    this.end = end;
    this.start = end - WINDOW_MS;
    integerCounters();
    floatCounters();
    gauges();
    mixed();
    staleness();
    empty();
    plainFloats();
    classicAndNative();
  }

  List<Series> series() {
    return series;
  }

  /**
   * The samples as remote-write requests of one minute each, oldest first (Prometheus' head refuses
   * a histogram out of order). A series' floats and histograms within a minute go as separate
   * TimeSeries entries, one per run of one kind, in time order: Prometheus appends an entry's
   * floats before its histograms.
   */
  List<WriteRequest> requests() {
    TreeMap<Long, List<TimeSeries.Builder>> byMinute = new TreeMap<>();
    for (Series s : series) {
      TimeSeries.Builder current = null;
      long currentMinute = Long.MIN_VALUE;
      boolean currentIsHistogram = false;
      for (Point p : s.points) {
        long minute = Math.floorDiv(p.t - start, MIN);
        boolean isHistogram = p.h != null;
        if (current == null || minute != currentMinute || isHistogram != currentIsHistogram) {
          current = timeSeries(s.labels);
          byMinute.computeIfAbsent(minute, m -> new ArrayList<>()).add(current);
          currentMinute = minute;
          currentIsHistogram = isHistogram;
        }
        if (isHistogram) {
          current.addHistograms(toProto(p.t, p.h));
        } else {
          current.addSamples(Sample.newBuilder().setTimestamp(p.t).setValue(p.value));
        }
      }
    }
    List<WriteRequest> out = new ArrayList<>();
    for (List<TimeSeries.Builder> minute : byMinute.values()) {
      WriteRequest.Builder w = WriteRequest.newBuilder();
      minute.forEach(w::addTimeseries);
      out.add(w.build());
    }
    return out;
  }

  /** A histogram as remote write 1.0 sends it: integer deltas, or absolute float counts. */
  static io.rwgateway.proto.prompb.Histogram toProto(long t, Hist h) {
    io.rwgateway.proto.prompb.Histogram.Builder b =
        io.rwgateway.proto.prompb.Histogram.newBuilder()
            .setTimestamp(t)
            .setSum(h.sum())
            .setSchema(h.schema())
            .setZeroThreshold(h.zeroThreshold())
            .setResetHintValue(h.hint());
    if (h.stale()) {
      return b.setCountInt(0).setZeroCountInt(0).build();
    }
    if (h.floats()) {
      b.setCountFloat(h.count()).setZeroCountFloat(h.zeroCount());
    } else {
      b.setCountInt(Math.round(h.count())).setZeroCountInt(Math.round(h.zeroCount()));
    }
    List<BucketSpan> spans = new ArrayList<>();
    List<Double> counts = new ArrayList<>();
    spans(h.pos(), spans, counts);
    b.addAllPositiveSpans(spans);
    if (h.floats()) {
      b.addAllPositiveCounts(counts);
    } else {
      b.addAllPositiveDeltas(deltas(counts));
    }
    spans.clear();
    counts.clear();
    spans(h.neg(), spans, counts);
    b.addAllNegativeSpans(spans);
    if (h.floats()) {
      b.addAllNegativeCounts(counts);
    } else {
      b.addAllNegativeDeltas(deltas(counts));
    }
    return b.build();
  }

  /** One span per run of consecutive indices; the first offset is the first index. */
  private static void spans(
      TreeMap<Integer, Double> buckets, List<BucketSpan> spans, List<Double> counts) {
    Integer prev = null;
    int offset = 0;
    int length = 0;
    for (Map.Entry<Integer, Double> e : buckets.entrySet()) {
      int i = e.getKey();
      if (prev == null) {
        offset = i;
        length = 1;
      } else if (i == prev + 1) {
        length++;
      } else {
        spans.add(HistogramTestSupport.span(offset, length));
        offset = i - prev - 1;
        length = 1;
      }
      prev = i;
      counts.add(e.getValue());
    }
    if (prev != null) {
      spans.add(HistogramTestSupport.span(offset, length));
    }
  }

  private static List<Long> deltas(List<Double> counts) {
    List<Long> out = new ArrayList<>();
    long prev = 0;
    for (double c : counts) {
      long v = Math.round(c);
      out.add(v - prev);
      prev = v;
    }
    return out;
  }

  /** Remote write wants labels sorted by name. */
  private static TimeSeries.Builder timeSeries(String[] labels) {
    TreeMap<String, String> sorted = new TreeMap<>();
    sorted.put("__name__", labels[0]);
    for (int i = 1; i < labels.length; i += 2) {
      sorted.put(labels[i], labels[i + 1]);
    }
    TimeSeries.Builder ts = TimeSeries.newBuilder();
    sorted.forEach((k, v) -> ts.addLabels(Label.newBuilder().setName(k).setValue(v)));
    return ts;
  }

  private Series add(String... labels) {
    Series s = new Series(labels, new ArrayList<>());
    series.add(s);
    return s;
  }

  /**
   * Times from {@code from} to {@code to} (inclusive) every {@code interval} after {@code phase}.
   */
  private static List<Long> times(long from, long to, long interval, long phase) {
    List<Long> out = new ArrayList<>();
    for (long t = from + phase; t <= to; t += interval) {
      out.add(t);
    }
    return out;
  }

  /**
   * A counter histogram fed with observations: each observation of weight {@code weight} goes to
   * the bucket of its schema (or the zero bucket when within the threshold).
   */
  private static final class Observer {
    int schema;
    final double zeroThreshold;
    final boolean floats;
    final double weight;
    TreeMap<Integer, Double> pos = new TreeMap<>();
    TreeMap<Integer, Double> neg = new TreeMap<>();
    double zeroCount;
    double sum;

    Observer(int schema, double zeroThreshold, boolean floats, double weight) {
      this.schema = schema;
      this.zeroThreshold = zeroThreshold;
      this.floats = floats;
      this.weight = weight;
    }

    void observe(double v) {
      sum += v * weight;
      double a = Math.abs(v);
      if (a <= zeroThreshold) {
        zeroCount += weight;
        return;
      }
      // Bucket i of schema s holds (2^((i-1)/2^s), 2^(i/2^s)].
      int i = (int) Math.ceil(Math.log(a) / Math.log(2) * Math.pow(2, schema));
      (v > 0 ? pos : neg).merge(i, weight, Double::sum);
    }

    /** A process restart: everything back to zero. */
    void reset() {
      pos = new TreeMap<>();
      neg = new TreeMap<>();
      zeroCount = 0;
      sum = 0;
    }

    /** Coarser buckets from now on: schema {@code to} < the current one, buckets merged. */
    void reduceSchema(int to) {
      int shift = schema - to;
      pos = merged(pos, shift);
      neg = merged(neg, shift);
      schema = to;
    }

    private static TreeMap<Integer, Double> merged(TreeMap<Integer, Double> in, int shift) {
      TreeMap<Integer, Double> out = new TreeMap<>();
      in.forEach((i, c) -> out.merge(((i - 1) >> shift) + 1, c, Double::sum));
      return out;
    }

    Hist snapshot() {
      return new Hist(
          schema,
          zeroThreshold,
          zeroCount,
          sum,
          new TreeMap<>(pos),
          new TreeMap<>(neg),
          floats,
          UNKNOWN,
          false);
    }
  }

  /**
   * hist_requests: four integer counter histograms of one metric, every 15 s. api/i0: schema 0, a
   * wide zero bucket (0.001) and negative observations; api/i1: schema 3, a counter reset; db/i0:
   * schema -2; db/i1: schema 1, then 0 from minute 25. The observed values grow, so new buckets
   * appear.
   */
  private void integerCounters() {
    record Target(String job, String instance, int schema, double zt, double negatives) {}
    List<Target> targets =
        List.of(
            new Target("api", "i0", 0, 0.001, 0.2),
            new Target("api", "i1", 3, 0x1p-128, 0),
            new Target("db", "i0", -2, 0x1p-128, 0.1),
            new Target("db", "i1", 1, 0x1p-128, 0.05));
    for (Target target : targets) {
      Series s = add("hist_requests", "job", target.job, "instance", target.instance);
      Observer o = new Observer(target.schema, target.zt, false, 1);
      int k = 0;
      for (long t : times(start, end, 15_000, 1_000)) {
        if (target.instance.equals("i1") && target.job.equals("api") && k == 110) {
          o.reset();
        }
        if (target.job.equals("db") && target.instance.equals("i1") && k == 100) {
          o.reduceSchema(0);
        }
        int n = random.nextInt(9);
        for (int j = 0; j < n; j++) {
          o.observe(observation(k, target.negatives, target.schema == 3 ? 0.5 : 1.5));
        }
        if (k % 40 == 7) {
          o.observe(0.0004); // now and then a value for the zero bucket
        }
        s.add(t, o.snapshot());
        k++;
      }
    }
  }

  /**
   * A random observation: mostly around 0.1 .. 10 and growing with {@code k} (new buckets appear
   * over time), negative with probability {@code negatives}.
   */
  private double observation(int k, double negatives, double spread) {
    double v = Math.exp(random.nextGaussian() * spread + k / 80.0 - 1);
    return random.nextDouble() < negatives ? -v : v;
  }

  /**
   * hist_weighted: float counter histograms (fractional counts) every 15 s. api: schema 2, negative
   * observations; db: schema 2 then 1 from minute 15, a counter reset at minute 32.
   */
  private void floatCounters() {
    for (String job : List.of("api", "db")) {
      Series s = add("hist_weighted", "job", job);
      Observer o = new Observer(2, job.equals("api") ? 0.01 : 0x1p-128, true, 0.25);
      int k = 0;
      for (long t : times(start, end, 15_000, 4_000)) {
        if (job.equals("db") && k == 60) {
          o.reduceSchema(1);
        }
        if (job.equals("db") && k == 128) {
          o.reset();
        }
        int n = 1 + random.nextInt(6);
        for (int j = 0; j < n; j++) {
          o.observe(observation(k, job.equals("api") ? 0.25 : 0, 1.0) * 0.1);
        }
        s.add(t, o.snapshot());
        k++;
      }
    }
  }

  /**
   * hist_queue: gauge histograms (reset hint GAUGE) every 30 s whose counts go up and down and
   * whose buckets come and go; one with integer counts, one with float counts; the sum may be
   * negative.
   */
  private void gauges() {
    for (String kind : List.of("int", "float")) {
      boolean floats = kind.equals("float");
      Series s = add("hist_queue", "job", "queue", "kind", kind);
      TreeMap<Integer, Double> pos = new TreeMap<>();
      TreeMap<Integer, Double> neg = new TreeMap<>();
      double zc = 2;
      int k = 0;
      for (long t : times(start, end, 30_000, 9_000)) {
        if (k % 6 == 0 || pos.isEmpty()) {
          pos.put(random.nextInt(8) - 2, (double) (1 + random.nextInt(4)));
        }
        if (k % 9 == 4) {
          neg.put(-random.nextInt(3), (double) (1 + random.nextInt(3)));
        }
        if (k % 7 == 6 && pos.size() > 1) {
          pos.remove(pos.firstKey());
        }
        if (k % 11 == 10) {
          neg.clear();
        }
        double scale = floats ? 0.5 : 1;
        pos.replaceAll((i, v) -> Math.max(0, v + (random.nextInt(5) - 2) * scale));
        neg.replaceAll((i, v) -> Math.max(0, v + (random.nextInt(3) - 1) * scale));
        zc = Math.max(0, zc + (random.nextInt(3) - 1) * scale);
        double sum = (random.nextInt(400) - 150) * 0.25;
        if (floats && zc + pos.values().stream().mapToDouble(d -> d).sum() == 0) {
          zc = 0.5; // a float histogram needs a count to be told from an integer one
        }
        s.add(
            t,
            new Hist(
                1, 0.01, zc, sum, new TreeMap<>(pos), new TreeMap<>(neg), floats, GAUGE, false));
        k++;
      }
    }
  }

  /**
   * hist_mixed: a counter of floats for 15 minutes, then integer histograms (schema 0) until minute
   * 35, then floats again; every 15 s. The kind changes between samples, never at one time.
   */
  private void mixed() {
    Series s = add("hist_mixed", "job", "mixed");
    Observer o = new Observer(0, 0x1p-128, false, 1);
    double v = 10;
    for (long t : times(start, end, 15_000, 2_000)) {
      long m = (t - start) / MIN;
      if (m >= 15 && m < 35) {
        for (int j = random.nextInt(5); j > 0; j--) {
          o.observe(observation(0, 0, 1));
        }
        s.add(t, o.snapshot());
      } else {
        v += random.nextInt(10);
        s.add(t, v);
      }
    }
  }

  /**
   * hist_stale: counter histograms (schema 0) every 15 s that end with a staleness marker at minute
   * 20 and come back at minute 28; they then stop without a marker at minute 36 and come back at
   * minute 43 (a gap longer than the 5 minute lookback). marker="histogram": integer counts, the
   * marker a histogram whose sum is the staleness NaN; marker="float": float counts, the marker a
   * float staleness NaN, which 2.42's head stores as a histogram marker.
   */
  private void staleness() {
    for (String marker : List.of("histogram", "float")) {
      boolean floats = marker.equals("float");
      Series s = add("hist_stale", "job", "stale", "marker", marker);
      Observer o = new Observer(0, 0x1p-128, floats, floats ? 0.5 : 1);
      boolean marked = false;
      for (long t : times(start, end, 15_000, 6_000)) {
        long m = (t - start) / MIN;
        boolean live = m < 20 || (m >= 28 && m < 36) || m >= 43;
        if (!live) {
          if (m < 28 && !marked) {
            if (floats) {
              s.add(t, PromqlDiffData.STALE_NAN);
            } else {
              s.add(t, Hist.staleMarker());
            }
            marked = true;
          }
          continue;
        }
        for (int j = 1 + random.nextInt(4); j > 0; j--) {
          o.observe(observation(0, 0.1, 1));
        }
        s.add(t, o.snapshot());
      }
    }
  }

  /**
   * hist_empty: integer histograms of count 0 (no bucket, sum 0) every 30 s; hist_zero: a counter
   * histogram with only its zero bucket (threshold 0.5) filling, and a sum.
   */
  private void empty() {
    Series e = add("hist_empty", "job", "empty");
    Series z = add("hist_zero", "job", "empty");
    double zc = 0;
    double sum = 0;
    for (long t : times(start, end, 30_000, 3_000)) {
      e.add(
          t, new Hist(0, 0x1p-128, 0, 0, new TreeMap<>(), new TreeMap<>(), false, UNKNOWN, false));
      int n = random.nextInt(3);
      zc += n;
      sum += n * 0.125 - (n > 1 ? 0.25 : 0);
      z.add(t, new Hist(2, 0.5, zc, sum, new TreeMap<>(), new TreeMap<>(), false, UNKNOWN, false));
    }
  }

  /**
   * One histogram both ways: hist_latency{job=api}, a native integer counter histogram (schema 0),
   * and hist_latency_bucket{le=0.25|1|4|+Inf} with hist_latency_sum and hist_latency_count, the
   * same observations as a classic histogram; job=db only classic. Every 15 s.
   */
  private void classicAndNative() {
    String[] les = {"0.25", "1", "4", "+Inf"};
    double[] bounds = {0.25, 1, 4, Double.POSITIVE_INFINITY};
    for (String job : List.of("api", "db")) {
      Series nativeSeries = job.equals("api") ? add("hist_latency", "job", job) : null;
      Series[] buckets = new Series[les.length];
      for (int i = 0; i < les.length; i++) {
        buckets[i] = add("hist_latency_bucket", "job", job, "le", les[i]);
      }
      Series sum = add("hist_latency_sum", "job", job);
      Series count = add("hist_latency_count", "job", job);
      Observer o = new Observer(0, 0x1p-128, false, 1);
      long[] cumulative = new long[les.length];
      for (long t : times(start, end, 15_000, 8_000)) {
        for (int j = random.nextInt(6); j > 0; j--) {
          double v = observation(0, 0, 1);
          o.observe(v);
          for (int i = 0; i < les.length; i++) {
            if (v <= bounds[i]) {
              cumulative[i]++;
            }
          }
        }
        if (nativeSeries != null) {
          nativeSeries.add(t, o.snapshot());
        }
        for (int i = 0; i < les.length; i++) {
          buckets[i].add(t, cumulative[i]);
        }
        sum.add(t, o.sum);
        count.add(t, cumulative[les.length - 1]);
      }
    }
  }

  /**
   * plain_requests: float counters with the labels of hist_requests, every 15 s, for binary
   * operators and aggregations mixing floats and histograms.
   */
  private void plainFloats() {
    for (String job : List.of("api", "db")) {
      for (String instance : List.of("i0", "i1")) {
        Series s = add("plain_requests", "job", job, "instance", instance);
        double v = random.nextInt(100);
        for (long t : times(start, end, 15_000, 1_000)) {
          v += random.nextInt(7);
          s.add(t, v);
        }
      }
    }
  }
}
