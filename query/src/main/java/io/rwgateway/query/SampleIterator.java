package io.rwgateway.query;

/**
 * Float samples of one series in time order. {@link #t()} and {@link #v()} are valid only after
 * {@link #next()} returned true; once it returns false it keeps returning false.
 */
public interface SampleIterator {
  boolean next();

  /** Timestamp in milliseconds. */
  long t();

  double v();
}
