package io.rwgateway.promql.engine;

import io.rwgateway.model.Labels;
import java.io.IOException;
import java.util.List;

/** What a query answers, in the shapes of Prometheus' HTTP API. */
public sealed interface QueryResult {
  /** {@code resultType}. */
  String type();

  record Scalar(long t, double v) implements QueryResult {
    @Override
    public String type() {
      return "scalar";
    }
  }

  record Str(long t, String s) implements QueryResult {
    @Override
    public String type() {
      return "string";
    }
  }

  /** A vector's point: a float, or a native histogram when {@code h} is not null. */
  record Sample(Labels labels, long t, double v, HistogramValue h) {
    public Sample(Labels labels, long t, double v) {
      this(labels, t, v, null);
    }
  }

  record Vector(List<Sample> samples) implements QueryResult {
    @Override
    public String type() {
      return "vector";
    }
  }

  /** Receives a series' points in time order. */
  @FunctionalInterface
  interface PointVisitor {
    void point(long t, double v) throws IOException;
  }

  /** Receives a series' histogram points in time order. */
  @FunctionalInterface
  interface HistogramVisitor {
    void point(long t, HistogramValue h) throws IOException;
  }

  /**
   * One series' points, in time order: as arrays, or as the evaluator's column over the query's
   * grid. NOTE: a range answer keeps the columns the evaluation made instead of copying them into
   * arrays: at 100k series an answer of 9M points is ~145 MB of arrays less to hold.
   */
  final class Series {
    private final Labels labels;
    private final long[] t;
    private final double[] v;
    private final HistogramValue[] h;
    private final StepSeries column;
    private final Grid grid;
    private final int size;

    public Series(Labels labels, long[] t, double[] v) {
      this(labels, t, v, null);
    }

    /**
     * @param h each point's histogram, null for a float point (or null: floats only)
     */
    public Series(Labels labels, long[] t, double[] v, HistogramValue[] h) {
      this.labels = labels;
      this.t = t;
      this.v = v;
      this.h = h;
      this.column = null;
      this.grid = null;
      this.size = t.length;
    }

    Series(StepSeries column, Grid grid) {
      this.labels = column.labels;
      this.t = null;
      this.v = null;
      this.h = null;
      this.column = column;
      this.grid = grid;
      this.size = column.count();
    }

    public Labels labels() {
      return labels;
    }

    /** Number of points. */
    public int size() {
      return size;
    }

    private HistogramValue histogram(int i) {
      return column == null ? (h == null ? null : h[i]) : column.histogram(i);
    }

    /** Visits the float points in time order, without copying them. */
    public void forEach(PointVisitor visitor) throws IOException {
      if (column == null) {
        for (int i = 0; i < t.length; i++) {
          if (histogram(i) == null) {
            visitor.point(t[i], v[i]);
          }
        }
        return;
      }
      for (int i = 0; i < column.has.length; i++) {
        if (column.has[i] && histogram(i) == null) {
          visitor.point(grid.time(i), column.v[i]);
        }
      }
    }

    /** Visits the histogram points in time order. */
    public void forEachHistogram(HistogramVisitor visitor) throws IOException {
      if (column == null) {
        if (h != null) {
          for (int i = 0; i < t.length; i++) {
            if (h[i] != null) {
              visitor.point(t[i], h[i]);
            }
          }
        }
        return;
      }
      if (column.h != null) {
        for (int i = 0; i < column.has.length; i++) {
          if (column.has[i] && column.h[i] != null) {
            visitor.point(grid.time(i), column.h[i]);
          }
        }
      }
    }

    /** Number of histogram points. */
    public int histograms() {
      int n = 0;
      int len = column == null ? t.length : column.has.length;
      for (int i = 0; i < len; i++) {
        if ((column == null || column.has[i]) && histogram(i) != null) {
          n++;
        }
      }
      return n;
    }

    /** The points' times (a copy for a column). */
    public long[] t() {
      if (column == null) {
        return t;
      }
      long[] out = new long[size];
      int k = 0;
      for (int i = 0; i < column.has.length; i++) {
        if (column.has[i]) {
          out[k++] = grid.time(i);
        }
      }
      return out;
    }

    /** The points' values (a copy for a column). */
    public double[] v() {
      if (column == null) {
        return v;
      }
      double[] out = new double[size];
      int k = 0;
      for (int i = 0; i < column.has.length; i++) {
        if (column.has[i]) {
          out[k++] = column.v[i];
        }
      }
      return out;
    }
  }

  record Matrix(List<Series> series) implements QueryResult {
    @Override
    public String type() {
      return "matrix";
    }
  }
}
