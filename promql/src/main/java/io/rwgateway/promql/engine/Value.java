package io.rwgateway.promql.engine;

/** What an expression evaluates to over a grid. */
sealed interface Value {
  /** A number per step. */
  record Scalar(double[] v) implements Value {}

  record Str(String s) implements Value {}

  /** An instant vector, streamed. */
  record Vector(SeriesStream stream) implements Value {}
}
