package io.rwgateway.promql.engine;

import io.rwgateway.promql.parser.VectorSelector;

/**
 * An instant vector selector: at each step, each series' latest sample at or before the step's
 * reference time (after {@code @} and offset) and no more than the lookback delta before it (2.42:
 * a sample exactly at the lookback's start still counts), unless that sample is a staleness marker.
 */
final class SelectorStream implements SeriesStream {
  private final Grid grid;
  private final long[] ref;
  private final long lookback;
  private final boolean timestamps;
  private RawSeries raw;
  private final Evaluator ev;
  private final VectorSelector vs;

  SelectorStream(Evaluator ev, VectorSelector vs, Grid g) {
    this(ev, vs, g, false);
  }

  /**
   * @param timestamps give each point the time of its sample in seconds instead of its value
   *     ({@code timestamp(selector)})
   */
  SelectorStream(Evaluator ev, VectorSelector vs, Grid g, boolean timestamps) {
    this.ev = ev;
    this.vs = vs;
    this.grid = g;
    this.lookback = ev.lookbackMillis;
    this.timestamps = timestamps;
    this.ref = new long[g.size()];
    for (int i = 0; i < ref.length; i++) {
      ref[i] = ev.refTime(vs.modifiers(), g.time(i));
    }
  }

  @Override
  public StepSeries next() {
    if (raw == null) {
      long min = Long.MAX_VALUE;
      long max = Long.MIN_VALUE;
      for (long r : ref) {
        min = Math.min(min, r);
        max = Math.max(max, r);
      }
      raw =
          new RawSeries(
              ev.source, Evaluator.matchers(vs), min - lookback, max, false, null, ev.ctx);
    }
    while (raw.next()) {
      StepSeries out = null;
      long[] t = raw.t;
      double[] v = raw.v;
      int n = raw.n;
      int j = -1; // the last sample at or before the current reference time
      for (int i = 0; i < ref.length; i++) {
        long r = ref[i];
        if (j >= 0 && t[j] > r) {
          j = -1; // reference times went back (never with a grid; kept safe)
        }
        while (j + 1 < n && t[j + 1] <= r) {
          j++;
        }
        if (j < 0 || t[j] < r - lookback || RawSeries.isStale(v[j])) {
          continue;
        }
        HistogramValue hv = raw.histogram(j);
        if (hv != null && hv.isStale()) {
          continue;
        }
        if (out == null) {
          out = new StepSeries(raw.labels, grid.size());
        }
        if (hv != null && !timestamps) {
          // NOTE: one object per sample, shared by the steps that see it: nothing changes a
          // histogram in place without copying it first.
          out.setHistogram(i, hv);
        } else {
          out.set(i, timestamps ? t[j] / 1000.0 : v[j]);
        }
      }
      if (out != null) {
        return out;
      }
    }
    return null;
  }

  @Override
  public void close() {
    if (raw != null) {
      raw.close();
    }
  }
}
