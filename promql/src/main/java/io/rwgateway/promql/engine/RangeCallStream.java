package io.rwgateway.promql.engine;

import io.rwgateway.promql.parser.TimeModifiers;

/**
 * A function of a range vector, series by series: for each series the window of every step, the
 * function over it. The metric name is dropped except by {@code last_over_time} (2.42).
 */
final class RangeCallStream implements SeriesStream {
  private final Windows windows;
  private final RangeFunctions.RangeFunction fn;
  private final Grid grid;
  private final double[][] scalarArgs;
  private final boolean keepName;

  /** rate, increase, delta: the functions that compute over native histograms (2.42). */
  private final boolean histogramRate;

  private final boolean isCounter;
  private final boolean isRate;
  private final double[] args;
  private final double[] out = new double[1];

  RangeCallStream(
      Windows windows,
      RangeFunctions.RangeFunction fn,
      Grid grid,
      double[][] scalarArgs,
      boolean keepName,
      String name) {
    this.windows = windows;
    this.histogramRate = name.equals("rate") || name.equals("increase") || name.equals("delta");
    this.isCounter = !name.equals("delta");
    this.isRate = name.equals("rate");
    this.fn = fn;
    this.grid = grid;
    this.scalarArgs = scalarArgs;
    this.keepName = keepName;
    this.args = new double[scalarArgs.length];
  }

  @Override
  public StepSeries next() {
    Windows w = windows;
    boolean fixedTime = w.modifiers.at() != TimeModifiers.At.NONE;
    while (w.next()) {
      StepSeries s = null;
      int lo = 0;
      int hi = 0;
      for (int i = 0; i < w.ref.length; i++) {
        long end = w.ref[i];
        long start = end - w.range;
        while (lo < w.n && w.t[lo] < start) {
          lo++;
        }
        if (hi < lo) {
          hi = lo;
        }
        while (hi < w.n && w.t[hi] <= end) {
          hi++;
        }
        if (hi == lo) {
          continue;
        }
        for (int a = 0; a < args.length; a++) {
          args[a] = scalarArgs[a][i];
        }
        long evalTs = fixedTime ? grid.start() : grid.time(i);
        if (w.hasHistograms && histogramRate) {
          if (hi - lo < 2) {
            continue;
          }
          if (w.h[lo] != null) {
            HistogramValue r =
                HistogramRates.extrapolated(w.t, w.h, lo, hi, start, end, isCounter, isRate);
            if (r != null) {
              if (s == null) {
                s = new StepSeries(LabelSets.dropName(w.labels), grid.size());
              }
              s.setHistogram(i, r);
            }
            continue;
          }
          if (HistogramRates.histogramAfterFirst(w.h, lo, hi)) {
            continue; // floats, then a histogram: 2.42 gives nothing
          }
        }
        if (fn.apply(w.t, w.v, lo, hi, start, end, evalTs, args, out)) {
          if (s == null) {
            s = new StepSeries(keepName ? w.labels : LabelSets.dropName(w.labels), grid.size());
          }
          s.set(i, out[0]);
        }
      }
      if (s != null) {
        return s;
      }
    }
    return null;
  }

  @Override
  public void close() {
    windows.close();
  }
}
