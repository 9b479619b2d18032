package io.rwgateway.query;

/**
 * A replica, or a merge of replicas, as the penalty merge reads it: it must be able to skip ahead
 * ({@link #seek}) and to take a counter adjustment when the merge switches onto it.
 */
abstract class DedupCursor {
  /** Moves to the next sample; false once exhausted. */
  abstract boolean next();

  /**
   * Moves to the first sample at or after {@code target}; stays put when the current sample is
   * already there (a seek never goes back). Starts the cursor if {@link #next()} was never called.
   */
  abstract boolean seek(long target);

  abstract long t();

  abstract double v();

  /** The replica whose sample is the current one (for its kind and histogram). */
  abstract SampleIterator source();

  /** Called after a switch with the last value given out; a no-op unless in counter mode. */
  abstract void adjustAtValue(double lastValue);
}
