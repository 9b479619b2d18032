package io.rwgateway.gateway;

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
 * The samples of the PromQL differential test: about 130 series over a 50 minute window that ends
 * at {@code end}, built to reach the corners of PromQL's evaluation (counter resets, also to
 * non-zero values, lookback gaps, staleness markers, NaN and infinities, huge, tiny and denormal
 * values and negative zero, classic histograms, broken ones and summaries, label values beyond
 * ASCII, samples exactly on evaluation times and window edges, a single-sample series, jittered,
 * mixed and changing scrape intervals and phases). A fixed seed makes every run send the same
 * values; only the window moves with the clock.
 */
final class PromqlDiffData {
  static final long WINDOW_MS = 50 * 60_000L;

  /** Prometheus' staleness marker: a NaN with this exact bit pattern ends a series. */
  static final double STALE_NAN = Double.longBitsToDouble(0x7ff0000000000002L);

  private static final long MIN = 60_000L;

  private final long start;
  private final long end;
  private final Random random = new Random(20_230_214L);
  private final List<Series> series = new ArrayList<>();

  /** One series: its labels (name first) and its samples in time order. */
  record Series(String[] labels, List<long[]> samples) {
    void add(long t, double v) {
      samples.add(new long[] {t, Double.doubleToRawLongBits(v)});
    }
  }

  PromqlDiffData(long end) {
    this.end = end;
    this.start = end - WINDOW_MS;
    counters();
    joinTargets();
    gauges();
    lookbackAndStaleness();
    specialValues();
    histograms();
    summaries();
    unicodeLabels();
    boundaries();
    resetsToNonZero();
    extremes();
    phases();
    edgeHistograms();
    for (Series s : series) {
      s.samples.sort((a, b) -> Long.compare(a[0], b[0]));
    }
  }

  List<Series> series() {
    return series;
  }

  /**
   * The samples as remote-write requests of one minute each, in time order. NOTE: Prometheus' head
   * refuses a series' first sample when it is more than an hour older than the newest sample it
   * holds, so the requests go out oldest first and the whole window stays under an hour.
   */
  List<WriteRequest> requests() {
    TreeMap<Long, WriteRequest.Builder> byMinute = new TreeMap<>();
    for (Series s : series) {
      TreeMap<Long, TimeSeries.Builder> perMinute = new TreeMap<>();
      for (long[] sample : s.samples) {
        long minute = Math.floorDiv(sample[0] - start, MIN);
        perMinute
            .computeIfAbsent(minute, m -> timeSeries(s.labels))
            .addSamples(
                Sample.newBuilder()
                    .setTimestamp(sample[0])
                    .setValue(Double.longBitsToDouble(sample[1])));
      }
      for (Map.Entry<Long, TimeSeries.Builder> e : perMinute.entrySet()) {
        byMinute
            .computeIfAbsent(e.getKey(), m -> WriteRequest.newBuilder())
            .addTimeseries(e.getValue());
      }
    }
    return byMinute.values().stream().map(WriteRequest.Builder::build).toList();
  }

  /** Remote write wants labels sorted by name; the generator writes them in any order. */
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
   * Scrape times from {@code from} to {@code to} (inclusive) every {@code intervalMs}, shifted by
   * {@code phaseMs}, each moved by up to {@code jitterMs} either way (kept below half an interval,
   * so the order holds).
   */
  private List<Long> times(long from, long to, long intervalMs, long phaseMs, long jitterMs) {
    List<Long> out = new ArrayList<>();
    for (long t = from + phaseMs; t <= to; t += intervalMs) {
      long j = jitterMs == 0 ? 0 : (long) ((random.nextDouble() * 2 - 1) * jitterMs);
      long at = Math.min(Math.max(t + j, start), end);
      if (out.isEmpty() || at > out.get(out.size() - 1)) {
        out.add(at);
      }
    }
    return out;
  }

  /** http_requests_total and http_errors_total: the same label sets, counters with resets. */
  private void counters() {
    for (String job : List.of("api", "db")) {
      long interval = job.equals("api") ? 15_000 : 30_000;
      for (String instance : List.of("i0", "i1")) {
        for (String method : List.of("get", "post")) {
          String[] common = {"job", job, "instance", instance, "method", method};
          Series req = add(concat("http_requests_total", common));
          Series err = add(concat("http_errors_total", common));
          boolean resets = instance.equals("i1");
          double r = 100 * random.nextDouble();
          double e = 0;
          int k = 0;
          for (long t : times(start, end, interval, 1_234, instance.equals("i0") ? 0 : 2_000)) {
            if (resets && (k == 40 || k == 71)) {
              r = random.nextInt(5); // a restart: the counter starts again near zero
              e = 0;
            } else {
              r += random.nextInt(30) + 0.25 * random.nextInt(4);
              e += random.nextInt(4) == 0 ? random.nextInt(3) : 0;
            }
            req.add(t, r);
            err.add(t, e);
            k++;
          }
        }
      }
    }
    for (String instance : List.of("n0", "n1")) {
      for (String mode : List.of("idle", "user", "system")) {
        Series s = add("node_cpu_seconds_total", "job", "node", "instance", instance, "mode", mode);
        double v = 1000 * random.nextDouble();
        for (long t : times(start, end, 15_000, 7_000, 1_500)) {
          v += mode.equals("idle") ? 12 + random.nextDouble() : 3 * random.nextDouble();
          s.add(t, v);
        }
      }
    }
  }

  /** up and instance_info: one series per target, for group_left/group_right joins. */
  private void joinTargets() {
    for (String job : List.of("api", "db")) {
      for (String instance : List.of("i0", "i1")) {
        Series up = add("up", "job", job, "instance", instance);
        Series info =
            add(
                "instance_info",
                "job",
                job,
                "instance",
                instance,
                "version",
                instance.equals("i0") ? "v1" : "v2");
        for (long t : times(start, end, 30_000, 3_000, 0)) {
          boolean down = job.equals("db") && instance.equals("i1") && t > start + 20 * MIN;
          up.add(t, down && t < start + 27 * MIN ? 0 : 1);
          info.add(t, 1);
        }
      }
    }
  }

  /** Gauges: temperatures below zero with many digits, queue depths, memory in bytes. */
  private void gauges() {
    double[] base = {-3.5, 12.25, 31.0};
    String[] where = {"north", "south", "east"};
    for (int i = 0; i < where.length; i++) {
      Series s = add("temperature_celsius", "job", "weather", "location", where[i]);
      double v = base[i];
      for (long t : times(start, end, 30_000, 11_000, 4_000)) {
        v += random.nextGaussian() * 1.7;
        s.add(t, v);
      }
    }
    for (String queue : List.of("a", "b")) {
      Series s = add("queue_depth", "job", "worker", "queue", queue);
      long v = 20;
      for (long t : times(start, end, 15_000, 0, 0)) {
        v = Math.max(0, v + random.nextInt(11) - 5);
        s.add(t, v);
      }
    }
    for (String instance : List.of("i0", "i1")) {
      Series used = add("memory_used_bytes", "job", "api", "instance", instance);
      Series limit = add("memory_limit_bytes", "job", "api", "instance", instance);
      double u = 1.5e9;
      for (long t : times(start, end, 30_000, 20_000, 0)) {
        u += (random.nextInt(2001) - 1000) * 4096.0;
        used.add(t, u);
        limit.add(t, instance.equals("i0") ? 4_294_967_296.0 : 2_147_483_648.0);
      }
    }
  }

  /** Gaps longer and shorter than the 5 minute lookback, late and early series, stale markers. */
  private void lookbackAndStaleness() {
    Series longGap = add("gappy_gauge", "job", "gaps", "id", "long");
    Series shortGap = add("gappy_gauge", "job", "gaps", "id", "short");
    for (long t : times(start, end, 15_000, 5_000, 0)) {
      long m = (t - start) / MIN;
      double v = Math.sin((t - start) / 300_000.0) * 10;
      if (m < 20 || m >= 28) {
        longGap.add(t, v); // an 8 minute hole: the series disappears after 5 minutes
      }
      if (m < 30 || m >= 34) {
        shortGap.add(t, -v); // a 4 minute hole: the lookback bridges it
      }
    }
    Series early = add("short_lived", "job", "batch", "phase", "early");
    for (long t : times(start, start + 15 * MIN, 15_000, 0, 0)) {
      early.add(t, (t - start) / 1000.0);
    }
    Series late = add("short_lived", "job", "batch", "phase", "late");
    for (long t : times(start + 35 * MIN, end, 15_000, 8_000, 0)) {
      late.add(t, (end - t) / 1000.0 + 0.5);
    }
    Series flappy = add("flappy", "job", "batch", "id", "1");
    boolean live = false;
    for (long t : times(start, end, 15_000, 2_500, 0)) {
      long m = (t - start) / MIN;
      boolean up = m < 25 || (m >= 30 && m < 45);
      if (up) {
        flappy.add(t, m);
      } else if (live) {
        flappy.add(t, STALE_NAN); // the target went away: the series ends here, not 5 min later
      }
      live = up;
    }
  }

  /** NaN and the infinities among ordinary values, and a very small gauge (Go's 'f' format). */
  private void specialValues() {
    Series nan = add("special_values", "job", "special", "kind", "nan");
    Series inf = add("special_values", "job", "special", "kind", "inf");
    Series tiny = add("special_values", "job", "special", "kind", "tiny");
    int k = 0;
    for (long t : times(start, end, 30_000, 9_000, 0)) {
      nan.add(t, k % 7 == 3 ? Double.NaN : k * 0.5);
      inf.add(
          t, k % 11 == 5 ? Double.POSITIVE_INFINITY : k % 13 == 6 ? Double.NEGATIVE_INFINITY : k);
      tiny.add(t, 1e-7 * (k % 5) - 2e-7);
      k++;
    }
  }

  /** Classic histograms for two jobs: cumulative, monotonic buckets with _sum and _count. */
  private void histograms() {
    double[] bounds = {0.1, 0.5, 1};
    String[] les = {"0.1", "0.5", "1", "+Inf"};
    for (String job : List.of("api", "db")) {
      Series[] buckets = new Series[les.length];
      for (int i = 0; i < les.length; i++) {
        buckets[i] = add("request_duration_seconds_bucket", "job", job, "le", les[i]);
      }
      Series sum = add("request_duration_seconds_sum", "job", job);
      Series count = add("request_duration_seconds_count", "job", job);
      long[] counts = new long[les.length];
      double total = 0;
      int k = 0;
      long interval = job.equals("api") ? 15_000 : 30_000;
      for (long t : times(start, end, interval, 4_000, job.equals("db") ? 3_000 : 0)) {
        if (job.equals("db") && k == 60) {
          counts = new long[les.length]; // the whole histogram resets with its process
          total = 0;
        }
        int observations = random.nextInt(20);
        for (int o = 0; o < observations; o++) {
          double d = job.equals("api") ? random.nextDouble() * 1.2 : random.nextDouble() * 0.6;
          total += d;
          for (int i = 0; i < les.length; i++) {
            if (i == les.length - 1 || d <= bounds[i]) {
              counts[i]++;
            }
          }
        }
        for (int i = 0; i < les.length; i++) {
          buckets[i].add(t, counts[i]);
        }
        sum.add(t, total);
        count.add(t, counts[les.length - 1]);
        k++;
      }
    }
  }

  /** Classic summaries: three quantiles per job, with _sum and _count, one job with a reset. */
  private void summaries() {
    String[] quantiles = {"0.5", "0.9", "0.99"};
    for (String job : List.of("api", "db")) {
      Series[] q = new Series[quantiles.length];
      for (int i = 0; i < quantiles.length; i++) {
        q[i] = add("rpc_duration_seconds", "job", job, "quantile", quantiles[i]);
      }
      Series sum = add("rpc_duration_seconds_sum", "job", job);
      Series count = add("rpc_duration_seconds_count", "job", job);
      double total = 0;
      long n = 0;
      int k = 0;
      for (long t : times(start, end, 15_000, 6_000, job.equals("db") ? 1_000 : 0)) {
        if (job.equals("db") && k == 100) {
          total = 0.5; // restarted: the counters begin again, not at zero
          n = 3;
        }
        int observations = 1 + random.nextInt(10);
        n += observations;
        total += observations * (0.05 + random.nextDouble() * 0.2);
        double median = 0.05 + random.nextDouble() * 0.05;
        q[0].add(t, median);
        q[1].add(t, median * 2 + random.nextDouble() * 0.01);
        // The 0.99 quantile is NaN while the summary's window holds no observation.
        q[2].add(t, k % 17 == 4 ? Double.NaN : median * 5);
        sum.add(t, total);
        count.add(t, n);
        k++;
      }
    }
  }

  /** Label values beyond ASCII, and with a newline, a quote and a backslash. */
  private void unicodeLabels() {
    String[] cities = {"zürich", "東京", "🦄", "line\nbreak", "say \"hi\"", "back\\slash", ""};
    for (int i = 0; i < cities.length; i++) {
      Series s =
          cities[i].isEmpty()
              ? add("unicode_gauge", "job", "unicode", "n", String.valueOf(i))
              : add("unicode_gauge", "job", "unicode", "n", String.valueOf(i), "city", cities[i]);
      for (long t : times(start, end, 30_000, 1_000 * i, 0)) {
        s.add(t, i * 10 + random.nextInt(5));
      }
    }
  }

  /**
   * Samples exactly on evaluation times, range steps and window edges: at the instant times
   * (T+1234.567, T+1530, E) and exactly 5 minutes before them, at whole minutes (the 1m range
   * steps), on the 37s grid of the other range query, and a single-sample series.
   */
  private void boundaries() {
    // Every 15 s exactly on the minute grid: each 1m step and each [Nm] window edge hits a sample.
    Series aligned = add("aligned_counter", "job", "edge");
    double v = 0;
    for (long t = start; t <= end; t += 15_000) {
      v += 1 + (t / 15_000) % 3;
      aligned.add(t, v);
    }
    // A sample exactly 5 minutes before T+1530 and before E: the lookback still holds it.
    Series a = add("edge_lookback", "job", "edge", "case", "a");
    a.add(start + 1_230_000, 1);
    a.add(end - 300_000, 2);
    // A sample exactly 5 minutes before T+1234.567, and one 5 minutes before E+180.
    Series b = add("edge_lookback", "job", "edge", "case", "b");
    b.add(start + 934_567, 3);
    b.add(end - 120_000, 4);
    // A sample every 7 minutes on the minute: steps 5 min later keep it, 6 min later do not.
    Series sparse = add("edge_lookback", "job", "edge", "case", "sparse");
    for (long t = start; t <= end; t += 7 * MIN) {
      sparse.add(t, (t - start) / MIN);
    }
    // Samples exactly on the instant times, and on the 37s grid that starts at T+13.5.
    Series on = add("edge_on_time", "job", "edge");
    on.add(start + 934_567, 10);
    on.add(start + 1_234_567, 11);
    on.add(start + 1_230_000, 12);
    on.add(start + 1_530_000, 13);
    on.add(end - 600_000, 14);
    on.add(end - 300_000, 15);
    on.add(end, 16);
    for (int k = 0; k < 80; k += 9) {
      on.add(start + 13_500 + 37_000L * k, 20 + k);
      if (k > 0) {
        on.add(start + 13_500 + 37_000L * k - 300_000, 120 + k);
      }
    }
    // A counter with samples only at window edges of [5m] and [10m] around T+1530 and E.
    Series edges = add("edge_counter", "job", "edge");
    edges.add(start + 930_000, 5);
    edges.add(start + 1_230_000, 8);
    edges.add(start + 1_530_000, 20);
    edges.add(end - 600_000, 100);
    edges.add(end - 300_000, 160);
    edges.add(end, 100); // a reset to a non-zero value on the window's end
    Series single = add("single_sample", "job", "edge");
    single.add(start + 1_200_000, 42);
  }

  /** Counters that restart at non-zero values, and one that drops by a hair. */
  private void resetsToNonZero() {
    Series c = add("reset_counter", "job", "resets", "case", "nonzero");
    Series hair = add("reset_counter", "job", "resets", "case", "hair");
    double v = 50;
    double h = 1000;
    int k = 0;
    for (long t : times(start, end, 15_000, 4_500, 0)) {
      if (k == 50 || k == 120) {
        v = 37 + k / 10.0; // restart, but not from zero
      } else {
        v += 3 + random.nextInt(7);
      }
      h = k == 80 ? h - 1e-9 : h + 0.5;
      c.add(t, v);
      hair.add(t, h);
      k++;
    }
  }

  /** Huge and tiny magnitudes, denormals and negative zero. */
  private void extremes() {
    Series huge = add("extreme_values", "job", "extreme", "kind", "huge");
    Series neg = add("extreme_values", "job", "extreme", "kind", "neghuge");
    Series tiny = add("extreme_values", "job", "extreme", "kind", "tiny");
    Series denormal = add("extreme_values", "job", "extreme", "kind", "denormal");
    Series negZero = add("extreme_values", "job", "extreme", "kind", "negzero");
    Series zero = add("extreme_values", "job", "extreme", "kind", "zero");
    int k = 0;
    for (long t : times(start, end, 30_000, 12_000, 0)) {
      huge.add(t, (1 + k % 4) * 1e300);
      neg.add(t, -(1 + k % 3) * 1e300);
      tiny.add(t, (1 + k % 5) * 1e-300);
      denormal.add(t, k % 2 == 0 ? Double.MIN_VALUE : 3 * Double.MIN_VALUE);
      negZero.add(t, -0.0);
      zero.add(t, 0.0);
      k++;
    }
  }

  /**
   * Several scrape phases and intervals for one metric: the same 15 s interval at three offsets,
   * one at 60 s, and one target whose phase and interval change halfway (a restarted scraper).
   */
  private void phases() {
    long[] phase = {0, 5_000, 10_000};
    for (int i = 0; i < phase.length; i++) {
      Series s = add("phased_counter", "job", "phases", "instance", "p" + i);
      double v = i * 100;
      for (long t : times(start, end, 15_000, phase[i], 0)) {
        v += 2 + i;
        s.add(t, v);
      }
    }
    Series slow = add("phased_counter", "job", "phases", "instance", "slow");
    double v = 0;
    for (long t : times(start, end, 60_000, 30_000, 0)) {
      v += 60;
      slow.add(t, v);
    }
    Series moved = add("phased_counter", "job", "phases", "instance", "moved");
    v = 0;
    for (long t : times(start, start + 25 * MIN, 10_000, 3_000, 0)) {
      v += 1;
      moved.add(t, v);
    }
    for (long t : times(start + 25 * MIN + 17_000, end, 20_000, 0, 0)) {
      v += 2;
      moved.add(t, v);
    }
  }

  /**
   * Broken classic histograms for histogram_quantile's corners: no +Inf bucket, counts that fall as
   * le grows, a le="NaN", le values spelled two ways, only a +Inf bucket, and zero counts.
   */
  private void edgeHistograms() {
    String[][] cases = {
      {"noinf", "0.1", "1", "10"},
      {"nonmono", "0.1", "1", "10", "+Inf"},
      {"nan", "0.1", "NaN", "1", "+Inf"},
      {"spelled", "1", "1.0", "2", "+Inf"},
      {"onlyinf", "+Inf"},
      {"zero", "0.5", "1", "+Inf"},
      {"unsorted", "20", "3", "100", "+Inf"},
    };
    for (String[] c : cases) {
      Series[] b = new Series[c.length - 1];
      for (int i = 1; i < c.length; i++) {
        b[i - 1] = add("edge_bucket", "job", "edge", "case", c[0], "le", c[i]);
      }
      int k = 0;
      for (long t : times(start, end, 30_000, 2_000, 0)) {
        for (int i = 0; i < b.length; i++) {
          double count =
              switch (c[0]) {
                case "nonmono" -> k * (i == 1 ? 5 : 3 + i);
                case "zero" -> 0;
                case "spelled" -> k * (i + 1);
                default -> k * (i + 1) + (i == b.length - 1 ? 1 : 0);
              };
          b[i].add(t, count);
        }
        k++;
      }
    }
  }

  private static String[] concat(String name, String[] pairs) {
    String[] out = new String[pairs.length + 1];
    out[0] = name;
    System.arraycopy(pairs, 0, out, 1, pairs.length);
    return out;
  }
}
