package io.rwgateway.perf.query;

import io.rwgateway.proto.prompb.Label;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * The benchmark's series and their values, one time slice at a time. Series come in targets (a job
 * and an instance) of 32: 12 counters {@code http_requests_total{method,code}}, 12 counters {@code
 * http_errors_total} with the same labels (for the one-to-one join), 7 classic histogram buckets
 * {@code http_request_duration_seconds_bucket{le}} and one info-style gauge {@code
 * target_info{version,region}} (for the {@code group_left} join).
 *
 * <p>NOTE: values come from one seeded {@link Random} drawn in a fixed order, slice after slice, so
 * every run writes the same samples and both receivers get identical bytes. Counters grow by random
 * amounts, so rates differ between series and {@code topk} has no ties to break differently.
 */
final class DataSet {
  static final int SERIES_PER_TARGET = 32;
  static final long STEP_MS = 15_000;
  static final String[] JOBS = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"};
  private static final String[] METHODS = {"get", "post", "put", "delete"};
  private static final String[] CODES = {"200", "404", "500"};
  private static final double[] LE = {0.05, 0.1, 0.25, 0.5, 1, 2.5, Double.POSITIVE_INFINITY};
  private static final String[] LE_TEXT = {"0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"};

  /** Metric names with how many series of each a target has, for the acceptance check. */
  static final Map<String, Integer> SERIES_PER_NAME =
      Map.of(
          "http_requests_total", 12,
          "http_errors_total", 12,
          "http_request_duration_seconds_bucket", 7,
          "target_info", 1);

  final int targets;
  final int slices;
  final long endMs;
  private final List<List<Label>> labels = new ArrayList<>();
  private final double[] values;
  private final Random random = new Random(20_260_214L);
  private int nextSlice;

  /**
   * @param series wanted series, rounded down to a multiple of 32 (at least one target)
   * @param hours span of the data; slices are 15 s apart and the last one is at {@code endMs}
   */
  DataSet(int series, double hours, long endMs) {
    this.targets = Math.max(1, series / SERIES_PER_TARGET);
    this.slices = Math.max(1, (int) Math.round(hours * 3_600_000 / STEP_MS));
    this.endMs = endMs;
    for (int t = 0; t < targets; t++) {
      String job = JOBS[t % JOBS.length];
      String instance = "host-" + t + ":9100";
      for (String name : List.of("http_requests_total", "http_errors_total")) {
        for (String method : METHODS) {
          for (String code : CODES) {
            labels.add(
                sorted(name, "job", job, "instance", instance, "method", method, "code", code));
          }
        }
      }
      for (String le : LE_TEXT) {
        labels.add(
            sorted(
                "http_request_duration_seconds_bucket",
                "job",
                job,
                "instance",
                instance,
                "le",
                le));
      }
      labels.add(
          sorted(
              "target_info",
              "job",
              job,
              "instance",
              instance,
              "version",
              "v1." + (t % 7),
              "region",
              t % 2 == 0 ? "eu" : "us"));
    }
    values = new double[labels.size()];
  }

  int seriesCount() {
    return labels.size();
  }

  long startMs() {
    return endMs - (slices - 1) * STEP_MS;
  }

  List<Label> labels(int s) {
    return labels.get(s);
  }

  /** Advances every series to the next slice; returns that slice's timestamp. */
  long nextSlice() {
    for (int t = 0; t < targets; t++) {
      int base = t * SERIES_PER_TARGET;
      for (int i = 0; i < 12; i++) {
        values[base + i] += 1 + random.nextInt(40);
        // 5xx counters (every third) fail more often than the others.
        values[base + 12 + i] += random.nextInt(i % 3 == 2 ? 10 : 3);
      }
      int observations = 20 + random.nextInt(30);
      for (int o = 0; o < observations; o++) {
        double latency = 0.2 * Math.exp(random.nextGaussian());
        for (int b = 0; b < LE.length; b++) {
          if (latency <= LE[b]) {
            values[base + 24 + b]++; // buckets are cumulative: every bucket at or above
          }
        }
      }
      values[base + 31] = 1;
    }
    return startMs() + STEP_MS * nextSlice++;
  }

  /** The value of series {@code s} in the slice {@link #nextSlice} produced last. */
  double value(int s) {
    return values[s];
  }

  /** Remote write wants labels sorted by name, {@code __name__} included. */
  private static List<Label> sorted(String name, String... pairs) {
    TreeMap<String, String> m = new TreeMap<>();
    m.put("__name__", name);
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    List<Label> out = new ArrayList<>(m.size());
    m.forEach((k, v) -> out.add(Label.newBuilder().setName(k).setValue(v).build()));
    return out;
  }
}
