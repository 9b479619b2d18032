package io.rwgateway.promql.engine;

import io.rwgateway.model.Labels;

/**
 * One series of an instant vector over a query's {@link Grid}: at each step a value or nothing.
 * NOTE: a column per series, not a vector per step, so that operators can stream series by series
 * and never hold a selector's raw samples for more than one series at a time.
 */
public final class StepSeries {
  public Labels labels;
  public final double[] v;
  public final boolean[] has;

  public StepSeries(Labels labels, int steps) {
    this.labels = labels;
    this.v = new double[steps];
    this.has = new boolean[steps];
  }

  public void set(int step, double value) {
    v[step] = value;
    has[step] = true;
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
