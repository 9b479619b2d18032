package io.rwgateway.promql.engine;

/**
 * An instant vector over the grid, one series at a time. Closing releases what the stream reads
 * from (queriers and their leases).
 */
public interface SeriesStream extends AutoCloseable {
  /** The next series with at least one point, or null at the end. */
  StepSeries next();

  @Override
  void close();
}
