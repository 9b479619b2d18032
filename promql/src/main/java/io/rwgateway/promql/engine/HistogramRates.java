package io.rwgateway.promql.engine;

/**
 * rate, increase and delta over native histograms, as Prometheus 2.42 computes them: the last
 * histogram minus the first, at the lowest schema of the window, each counter reset adding back the
 * histogram before it (counters only), empty buckets dropped, then the float rate's extrapolation
 * factor applied to every count and the sum. A window whose samples are not all histograms gives
 * nothing.
 */
final class HistogramRates {
  private HistogramRates() {}

  /** Whether the window {@code [from, to)} holds a histogram after its first sample. */
  static boolean histogramAfterFirst(HistogramValue[] h, int from, int to) {
    for (int i = from + 1; i < to; i++) {
      if (h[i] != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * The window's rate (or increase, or delta) as a histogram; null when there is none. The first
   * sample must be a histogram and the window must hold two samples or more.
   */
  static HistogramValue extrapolated(
      long[] t,
      HistogramValue[] h,
      int from,
      int to,
      long rangeStart,
      long rangeEnd,
      boolean isCounter,
      boolean isRate) {
    HistogramValue first = h[from];
    HistogramValue last = h[to - 1];
    if (last == null) {
      return null;
    }
    int minSchema = Math.min(first.schema, last.schema);
    for (int i = from + 1; i < to - 1; i++) {
      if (h[i] == null) {
        return null;
      }
      if (isCounter) {
        minSchema = Math.min(minSchema, h[i].schema);
      }
    }
    HistogramValue r;
    try {
      r = last.copyToSchema(minSchema);
      r.sub(first);
      if (isCounter) {
        HistogramValue prev = first;
        for (int i = from + 1; i < to; i++) {
          if (h[i].detectReset(prev)) {
            r.add(prev);
          }
          prev = h[i];
        }
      }
    } catch (HistogramValue.Incompatible e) {
      return null; // custom bucket bounds that change in the window: no rate (Prometheus 3)
    }
    r.compact();
    // The float path's extrapolation, without its zero point (2.42 skips it for histograms).
    double durationToStart = (t[from] - rangeStart) / 1000.0;
    return r.scale(
        RangeFunctions.extrapolation(t, from, to, rangeStart, rangeEnd, isRate, durationToStart));
  }
}
