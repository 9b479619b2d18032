package io.rwgateway.promql.engine;

import java.util.function.BooleanSupplier;

/**
 * What one query may use: a deadline and a budget of samples held at once ({@code
 * --query.max-samples}). Operators take samples from the budget while they hold them and give them
 * back when they let them go, so a streaming query that holds one series at a time stays far below
 * a budget that the same query materialised would exceed.
 */
public final class QueryContext {
  static final String TOO_MANY_SAMPLES =
      "query processing would load too many samples into memory in query execution";

  private final long deadlineNanos;
  private final long maxSamples;
  private long held;
  private long peak;
  private int checks;
  private final BooleanSupplier canceled;

  public QueryContext(long timeoutMillis, long maxSamples) {
    this(timeoutMillis, maxSamples, () -> false);
  }

  /**
   * @param canceled true once the query's answer is no longer wanted (its client went away)
   */
  public QueryContext(long timeoutMillis, long maxSamples, BooleanSupplier canceled) {
    this.canceled = canceled;
    long now = System.nanoTime();
    this.deadlineNanos =
        timeoutMillis <= 0 || timeoutMillis > Long.MAX_VALUE / 2_000_000
            ? Long.MAX_VALUE
            : now + timeoutMillis * 1_000_000;
    this.maxSamples = maxSamples;
  }

  /** Takes {@code n} samples from the budget; fails the query when it is exhausted. */
  void hold(long n) {
    held += n;
    if (held > peak) {
      peak = held;
    }
    if (held > maxSamples) {
      throw QueryException.execution(TOO_MANY_SAMPLES);
    }
  }

  void release(long n) {
    held -= n;
  }

  /** The most samples held at once. */
  public long peakSamples() {
    return peak;
  }

  /** Fails the query when its time is up or it was canceled. Cheap: looks every 64 calls. */
  void check() {
    if ((++checks & 63) != 0) {
      return;
    }
    if (System.nanoTime() - deadlineNanos > 0) {
      throw new QueryException(
          QueryException.Kind.TIMEOUT, "query timed out in expression evaluation");
    }
    if (canceled.getAsBoolean()) {
      throw new QueryException(
          QueryException.Kind.CANCELED, "query was canceled in expression evaluation");
    }
  }
}
