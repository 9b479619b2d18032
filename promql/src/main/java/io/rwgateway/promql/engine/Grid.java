package io.rwgateway.promql.engine;

/**
 * The evaluation times of a query: {@code start, start + step, ..., <= end} (ms). An instant query
 * is a grid of one step.
 */
public record Grid(long start, long end, long step) {
  public Grid {
    if (step <= 0 || end < start) {
      throw new IllegalArgumentException("bad grid " + start + ".." + end + " step " + step);
    }
  }

  /** One evaluation at {@code t}. */
  public static Grid instant(long t) {
    return new Grid(t, t, 1);
  }

  public int size() {
    return (int) ((end - start) / step) + 1;
  }

  public long time(int i) {
    return start + i * step;
  }

  public boolean isInstant() {
    return start == end;
  }
}
