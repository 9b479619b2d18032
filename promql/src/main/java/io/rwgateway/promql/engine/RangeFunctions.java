package io.rwgateway.promql.engine;

import java.util.Arrays;

/**
 * The functions of a range vector, each over the samples of one series in one window, with
 * Prometheus 2.42's semantics: the window is closed at both ends, staleness markers are already
 * left out, and a function that needs more samples than the window has gives no output.
 */
final class RangeFunctions {
  private RangeFunctions() {}

  /** One window: samples {@code t[from, to)}, {@code v[from, to)}, in time order. */
  @FunctionalInterface
  interface RangeFunction {
    /**
     * Writes the result to {@code out[0]}; false when there is none.
     *
     * @param rangeStart first millisecond of the window (the step time minus offset and range)
     * @param rangeEnd last millisecond of the window
     * @param evalTs the step's time, before the offset (what {@code predict_linear} predicts from)
     * @param args the scalar arguments at this step, in order, without the range vector
     */
    boolean apply(
        long[] t,
        double[] v,
        int from,
        int to,
        long rangeStart,
        long rangeEnd,
        long evalTs,
        double[] args,
        double[] out);
  }

  static RangeFunction of(String name) {
    return switch (name) {
      case "rate" ->
          (t, v, f, e, rs, re, ts, a, o) -> extrapolated(t, v, f, e, rs, re, true, true, o);
      case "increase" ->
          (t, v, f, e, rs, re, ts, a, o) -> extrapolated(t, v, f, e, rs, re, true, false, o);
      case "delta" ->
          (t, v, f, e, rs, re, ts, a, o) -> extrapolated(t, v, f, e, rs, re, false, false, o);
      case "irate" -> (t, v, f, e, rs, re, ts, a, o) -> instant(t, v, f, e, true, o);
      case "idelta" -> (t, v, f, e, rs, re, ts, a, o) -> instant(t, v, f, e, false, o);
      case "deriv" -> RangeFunctions::deriv;
      case "predict_linear" -> RangeFunctions::predictLinear;
      case "holt_winters" -> RangeFunctions::holtWinters;
      case "changes" -> values(RangeFunctions::changes);
      case "resets" -> values(RangeFunctions::resets);
      case "avg_over_time" -> values(RangeFunctions::avgOverTime);
      case "sum_over_time" -> values(RangeFunctions::sumOverTime);
      case "count_over_time" -> (t, v, f, e, rs, re, ts, a, o) -> put(o, e - f);
      case "min_over_time" -> values(RangeFunctions::minOverTime);
      case "max_over_time" -> values(RangeFunctions::maxOverTime);
      case "last_over_time" -> (t, v, f, e, rs, re, ts, a, o) -> put(o, v[e - 1]);
      case "present_over_time" -> (t, v, f, e, rs, re, ts, a, o) -> put(o, 1);
      case "quantile_over_time" ->
          (t, v, f, e, rs, re, ts, a, o) ->
              put(o, Quantiles.quantile(a[0], Arrays.copyOfRange(v, f, e)));
      case "stddev_over_time" -> values((v, f, e) -> Math.sqrt(variance(v, f, e)));
      case "stdvar_over_time" -> values(RangeFunctions::variance);
      default -> null;
    };
  }

  /** A function of the window's values only. */
  @FunctionalInterface
  private interface OfValues {
    double apply(double[] v, int from, int to);
  }

  private static RangeFunction values(OfValues f) {
    return (t, v, from, to, rs, re, ts, a, out) -> put(out, f.apply(v, from, to));
  }

  private static boolean put(double[] out, double value) {
    out[0] = value;
    return true;
  }

  /**
   * rate, increase, delta: the change over the samples, corrected for counter resets, extrapolated
   * to the window's edges when the first and last samples are near them (within 1.1 average
   * intervals), else by half an interval, and never below zero for counters.
   */
  private static boolean extrapolated(
      long[] t,
      double[] v,
      int from,
      int to,
      long rangeStart,
      long rangeEnd,
      boolean isCounter,
      boolean isRate,
      double[] out) {
    if (to - from < 2) {
      return false;
    }
    double result = v[to - 1] - v[from];
    if (isCounter) {
      double last = 0;
      for (int i = from; i < to; i++) {
        if (v[i] < last) {
          result += last;
        }
        last = v[i];
      }
    }
    double durationToStart = (t[from] - rangeStart) / 1000.0;
    if (isCounter && result > 0 && v[from] >= 0) {
      double sampled = (t[to - 1] - t[from]) / 1000.0;
      double durationToZero = sampled * (v[from] / result);
      if (durationToZero < durationToStart) {
        durationToStart = durationToZero;
      }
    }
    // 2.42's order of operations (one factor, then one product), to the last bit.
    out[0] = result * extrapolation(t, from, to, rangeStart, rangeEnd, isRate, durationToStart);
    return true;
  }

  /**
   * The factor that extrapolates a change over samples {@code t[from, to)} to the window: by the
   * distance to each edge when within 1.1 average intervals, else by half an interval; per second
   * for a rate. {@code durationToStart} may be shortened by the caller (a counter's zero point).
   */
  static double extrapolation(
      long[] t,
      int from,
      int to,
      long rangeStart,
      long rangeEnd,
      boolean isRate,
      double durationToStart) {
    double durationToEnd = (rangeEnd - t[to - 1]) / 1000.0;
    double sampled = (t[to - 1] - t[from]) / 1000.0;
    double averageInterval = sampled / (to - from - 1);
    double threshold = averageInterval * 1.1;
    double interval = sampled;
    interval += durationToStart < threshold ? durationToStart : averageInterval / 2;
    interval += durationToEnd < threshold ? durationToEnd : averageInterval / 2;
    double factor = interval / sampled;
    if (isRate) {
      factor /= (rangeEnd - rangeStart) / 1000.0;
    }
    return factor;
  }

  /** irate, idelta: from the last two samples (irate: a drop is a counter reset). */
  private static boolean instant(
      long[] t, double[] v, int from, int to, boolean isRate, double[] out) {
    if (to - from < 2) {
      return false;
    }
    double last = v[to - 1];
    double previous = v[to - 2];
    double result = isRate && last < previous ? last : last - previous;
    long interval = t[to - 1] - t[to - 2];
    if (interval == 0) {
      return false;
    }
    if (isRate) {
      result /= interval / 1000.0;
    }
    out[0] = result;
    return true;
  }

  private static boolean deriv(
      long[] t,
      double[] v,
      int from,
      int to,
      long rs,
      long re,
      long ts,
      double[] args,
      double[] out) {
    if (to - from < 2) {
      return false;
    }
    out[0] = LinearRegression.fit(t, v, from, to, t[from]).slope();
    return true;
  }

  private static boolean predictLinear(
      long[] t,
      double[] v,
      int from,
      int to,
      long rs,
      long re,
      long evalTs,
      double[] args,
      double[] out) {
    if (to - from < 2) {
      return false;
    }
    LinearRegression fit = LinearRegression.fit(t, v, from, to, evalTs);
    out[0] = fit.slope() * args[0] + fit.intercept();
    return true;
  }

  /** Double exponential smoothing with smoothing factor args[0] and trend factor args[1]. */
  private static boolean holtWinters(
      long[] t,
      double[] v,
      int from,
      int to,
      long rs,
      long re,
      long ts,
      double[] args,
      double[] out) {
    double sf = args[0];
    double tf = args[1];
    if (!(sf > 0 && sf < 1)) {
      throw QueryException.execution(
          "invalid smoothing factor. Expected: 0 < sf < 1, got: " + GoFloat.formatF6(sf));
    }
    if (!(tf > 0 && tf < 1)) {
      throw QueryException.execution(
          "invalid trend factor. Expected: 0 < tf < 1, got: " + GoFloat.formatF6(tf));
    }
    if (to - from < 2) {
      return false;
    }
    double s0 = 0;
    double s1 = v[from];
    double b = v[from + 1] - v[from];
    for (int i = from + 1; i < to; i++) {
      double x = sf * v[i];
      if (i - from - 1 != 0) {
        b = tf * (s1 - s0) + (1 - tf) * b;
      }
      double y = (1 - sf) * (s1 + b);
      s0 = s1;
      s1 = x + y;
    }
    out[0] = s1;
    return true;
  }

  private static double changes(double[] v, int from, int to) {
    int changes = 0;
    double prev = v[from];
    for (int i = from + 1; i < to; i++) {
      double cur = v[i];
      if (cur != prev && !(Double.isNaN(cur) && Double.isNaN(prev))) {
        changes++;
      }
      prev = cur;
    }
    return changes;
  }

  private static double resets(double[] v, int from, int to) {
    int resets = 0;
    for (int i = from + 1; i < to; i++) {
      if (v[i] < v[i - 1]) {
        resets++;
      }
    }
    return resets;
  }

  /**
   * A running mean (which does not overflow where a sum would), kept infinite once it is, with
   * Kahan-Neumaier compensation.
   */
  private static double avgOverTime(double[] v, int from, int to) {
    double mean = 0;
    double c = 0;
    double count = 0;
    for (int i = from; i < to; i++) {
      double x = v[i];
      count++;
      if (Double.isInfinite(mean)) {
        if (Double.isInfinite(x) && (mean > 0) == (x > 0)) {
          continue;
        }
        if (!Double.isInfinite(x) && !Double.isNaN(x)) {
          continue;
        }
      }
      double inc = x / count - mean / count;
      double sum = mean + inc;
      c += Kahan.compensation(mean, inc, sum);
      mean = sum;
    }
    return Double.isInfinite(mean) ? mean : mean + c;
  }

  private static double sumOverTime(double[] v, int from, int to) {
    double sum = 0;
    double c = 0;
    for (int i = from; i < to; i++) {
      double x = v[i];
      double s = sum + x;
      c += Kahan.compensation(sum, x, s);
      sum = s;
    }
    return Double.isInfinite(sum) ? sum : sum + c;
  }

  /** A NaN is replaced by any later value. */
  private static double minOverTime(double[] v, int from, int to) {
    double min = v[from];
    for (int i = from + 1; i < to; i++) {
      if (v[i] < min || Double.isNaN(min)) {
        min = v[i];
      }
    }
    return min;
  }

  private static double maxOverTime(double[] v, int from, int to) {
    double max = v[from];
    for (int i = from + 1; i < to; i++) {
      if (v[i] > max || Double.isNaN(max)) {
        max = v[i];
      }
    }
    return max;
  }

  /**
   * Population variance: Welford's method with Kahan-Neumaier compensation of the mean and of the
   * sum of squares, as 2.42 computes it (so that an overflow gives NaN, as there, not +Inf).
   */
  private static double variance(double[] v, int from, int to) {
    double count = 0;
    double mean = 0;
    double cMean = 0;
    double aux = 0;
    double cAux = 0;
    for (int i = from; i < to; i++) {
      count++;
      double delta = v[i] - (mean + cMean);
      double inc = delta / count;
      double s = mean + inc;
      cMean += Kahan.compensation(mean, inc, s);
      mean = s;
      double inc2 = delta * (v[i] - (mean + cMean));
      s = aux + inc2;
      cAux += Kahan.compensation(aux, inc2, s);
      aux = s;
    }
    return (aux + cAux) / count;
  }
}
