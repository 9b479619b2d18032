package io.rwgateway.promql.engine;

import io.rwgateway.model.Labels;
import io.rwgateway.promql.parser.Expr;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * histogram_quantile(φ, buckets) over classic histograms: the {@code _bucket} series of one
 * histogram (same labels but {@code le}, the metric name included) form one group, whose result has
 * neither {@code le} nor the name. A series without a parseable {@code le} is ignored.
 *
 * <p>A native histogram point gives its own quantile (the series' labels without the name), unless
 * classic buckets with the same labels (but {@code le}) have points at that step: then neither
 * gives anything there, as in Prometheus 2.42.
 */
final class HistogramQuantile {
  private HistogramQuantile() {}

  private record Bucket(double upper, StepSeries series) {}

  static SeriesStream eval(Evaluator ev, List<Expr> args, Grid g) {
    double[] q = ev.scalarValues(args.get(0), g);
    Map<Labels, List<Bucket>> groups = new LinkedHashMap<>();
    Map<Labels, Labels> outLabels = new LinkedHashMap<>();
    List<StepSeries> natives = new ArrayList<>();
    long held = 0;
    try (SeriesStream in = ev.vector(args.get(1), g)) {
      for (StepSeries s = in.next(); s != null; s = in.next()) {
        if (s.h != null) {
          natives.add(s);
          int c = s.count();
          ev.ctx.hold(c);
          held += c;
        }
        double upper;
        try {
          upper = parseGoFloat(s.labels.get("le"));
        } catch (NumberFormatException e) {
          continue;
        }
        Labels key = LabelSets.without(s.labels, List.of("le"), false);
        groups.computeIfAbsent(key, k -> new ArrayList<>()).add(new Bucket(upper, s));
        outLabels.computeIfAbsent(key, LabelSets::dropName);
        int c = s.count();
        ev.ctx.hold(c);
        held += c;
      }
    }
    List<StepSeries> out = new ArrayList<>();
    double[] uppers = new double[0];
    double[] counts = new double[0];
    for (Map.Entry<Labels, List<Bucket>> e : groups.entrySet()) {
      List<Bucket> buckets = e.getValue();
      StepSeries r = new StepSeries(outLabels.get(e.getKey()), g.size());
      for (int i = 0; i < g.size(); i++) {
        int n = 0;
        if (uppers.length < buckets.size()) {
          uppers = new double[buckets.size()];
          counts = new double[buckets.size()];
        }
        for (Bucket b : buckets) {
          if (b.series.has[i] && b.series.histogram(i) == null) {
            uppers[n] = b.upper;
            counts[n] = b.series.v[i];
            n++;
          }
        }
        if (n > 0 && !shadowed(natives, e.getKey(), i)) {
          r.set(i, quantile(q[i], Arrays.copyOf(uppers, n), Arrays.copyOf(counts, n)));
        }
      }
      if (!r.isEmpty()) {
        out.add(r);
      }
    }
    for (StepSeries s : natives) {
      StepSeries r = new StepSeries(LabelSets.dropName(s.labels), g.size());
      for (int i = 0; i < g.size(); i++) {
        HistogramValue h = s.histogram(i);
        if (h == null || !s.has[i] || hasClassic(groups.get(s.labels), i)) {
          continue;
        }
        r.set(i, HistogramFunctions.quantile(q[i], h));
      }
      if (!r.isEmpty()) {
        out.add(0, r); // 2.42 answers native histograms first
      }
    }
    ev.ctx.release(held);
    return Streams.distinct(Streams.of(holdAll(out, ev), ev.ctx));
  }

  /** Whether a classic group (labels without le) has a bucket point at step i. */
  private static boolean hasClassic(List<Bucket> buckets, int i) {
    if (buckets == null) {
      return false;
    }
    for (Bucket b : buckets) {
      if (b.series.has[i] && b.series.histogram(i) == null) {
        return true;
      }
    }
    return false;
  }

  /** Whether a native histogram with exactly a classic group's labels has a point at step i. */
  private static boolean shadowed(List<StepSeries> natives, Labels classicKey, int i) {
    for (StepSeries s : natives) {
      if (s.histogram(i) != null && s.has[i] && s.labels.equals(classicKey)) {
        return true;
      }
    }
    return false;
  }

  private static List<StepSeries> holdAll(List<StepSeries> list, Evaluator ev) {
    for (StepSeries s : list) {
      ev.ctx.hold(s.count());
    }
    return list;
  }

  /** strconv.ParseFloat's forms of le values: decimals, exponents, +Inf, Inf, NaN. */
  static double parseGoFloat(String s) {
    String t = s.trim();
    if (!t.equals(s) || t.isEmpty()) {
      throw new NumberFormatException(s);
    }
    switch (t.toLowerCase(java.util.Locale.ROOT)) {
      case "+inf", "inf", "+infinity", "infinity":
        return Double.POSITIVE_INFINITY;
      case "-inf", "-infinity":
        return Double.NEGATIVE_INFINITY;
      case "nan":
        return Double.NaN;
      default:
        break;
    }
    char last = t.charAt(t.length() - 1);
    if (last == 'd' || last == 'D' || last == 'f' || last == 'F') {
      throw new NumberFormatException(s); // Java's suffixes, not Go's
    }
    return Double.parseDouble(t);
  }

  /**
   * The quantile of one histogram at one step: buckets sorted by upper bound, equal bounds summed,
   * counts made monotonic; NaN without a +Inf bucket, with fewer than two buckets or no
   * observations; linear interpolation inside the bucket the rank falls in (the lowest bucket
   * starting at 0 unless its bound is not positive, the +Inf bucket answered by the next bound).
   */
  static double quantile(double q, double[] upper, double[] count) {
    if (Double.isNaN(q)) {
      return Double.NaN;
    }
    if (q < 0) {
      return Double.NEGATIVE_INFINITY;
    }
    if (q > 1) {
      return Double.POSITIVE_INFINITY;
    }
    int n = upper.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(upper[a], upper[b]));
    double[] u = new double[n];
    double[] c = new double[n];
    int m = 0;
    for (int k = 0; k < n; k++) {
      int i = order[k];
      if (m > 0 && u[m - 1] == upper[i]) {
        c[m - 1] += count[i];
      } else {
        u[m] = upper[i];
        c[m] = count[i];
        m++;
      }
    }
    if (u[m - 1] != Double.POSITIVE_INFINITY) {
      return Double.NaN;
    }
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < m; i++) {
      if (c[i] > max) {
        max = c[i];
      } else if (c[i] < max) {
        c[i] = max;
      }
    }
    if (m < 2) {
      return Double.NaN;
    }
    double observations = c[m - 1];
    if (observations == 0) {
      return Double.NaN;
    }
    double rank = q * observations;
    int b = 0;
    while (b < m - 1 && !(c[b] >= rank)) {
      b++;
    }
    if (b == m - 1) {
      return u[m - 2];
    }
    if (b == 0 && u[0] <= 0) {
      return u[0];
    }
    double bucketStart = 0;
    double bucketEnd = u[b];
    double bucketCount = c[b];
    if (b > 0) {
      bucketStart = u[b - 1];
      bucketCount -= c[b - 1];
      rank -= c[b - 1];
    }
    return bucketStart + (bucketEnd - bucketStart) * (rank / bucketCount);
  }
}
