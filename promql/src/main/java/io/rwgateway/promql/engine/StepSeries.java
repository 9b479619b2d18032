package io.rwgateway.promql.engine;

import io.rwgateway.model.Labels;

/**
 * One series of an instant vector over a query's {@link Grid}: at each step a value or nothing.
 * NOTE: a column per series, not a vector per step, so that operators can stream series by series
 * and never hold a selector's raw samples for more than one series at a time.
 *
 * <p>A native histogram point has value 0 in {@link #v} and its histogram in {@link #h} (2.42's
 * model: whatever does not know histograms computes with the 0). {@link #h} stays null for a series
 * without histogram points. An operation that makes new float values out of a point must drop its
 * histogram ({@link #set} does; {@link #dropHistograms} for the whole series).
 */
public final class StepSeries {
  public Labels labels;
  public final double[] v;
  public final boolean[] has;
  public HistogramValue[] h;

  public StepSeries(Labels labels, int steps) {
    this.labels = labels;
    this.v = new double[steps];
    this.has = new boolean[steps];
  }

  public void set(int step, double value) {
    v[step] = value;
    has[step] = true;
    if (h != null) {
      h[step] = null;
    }
  }

  public void setHistogram(int step, HistogramValue value) {
    if (h == null) {
      h = new HistogramValue[v.length];
    }
    v[step] = 0;
    has[step] = true;
    h[step] = value;
  }

  /** The histogram at a step, or null (a float point, or none). */
  public HistogramValue histogram(int step) {
    return h == null ? null : h[step];
  }

  /** Makes every point a float (its value stays): for operations that give floats. */
  void dropHistograms() {
    h = null;
  }

  /** Points present. */
  public int count() {
    int n = 0;
    for (boolean b : has) {
      if (b) {
        n++;
      }
    }
    return n;
  }

  public boolean isEmpty() {
    for (boolean b : has) {
      if (b) {
        return false;
      }
    }
    return true;
  }
}
