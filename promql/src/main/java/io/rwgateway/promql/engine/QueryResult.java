package io.rwgateway.promql.engine;

import io.rwgateway.model.Labels;
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

  record Sample(Labels labels, long t, double v) {}

  record Vector(List<Sample> samples) implements QueryResult {
    @Override
    public String type() {
      return "vector";
    }
  }

  /** One series' points, in time order. */
  record Series(Labels labels, long[] t, double[] v) {}

  record Matrix(List<Series> series) implements QueryResult {
    @Override
    public String type() {
      return "matrix";
    }
  }
}
