package io.rwgateway.uploader;

import java.time.Duration;
import java.util.Random;

/**
 * Exponential backoff with jitter: after the n-th failure in a row the wait is {@code min *
 * 2^(n-1)}, capped at {@code max}, then scaled by a random factor in [0.5, 1].
 *
 * <p>NOTE: the jitter keeps replicas (and tenants) that failed together from retrying in lockstep
 * against a bucket that is just coming back; keeping at least half the wait means the waits still
 * grow. A permanent failure waits {@code max} at once: an operator may fix the credentials, so it
 * is tried again, but not hammered.
 */
final class UploaderBackoff {
  private final long minNanos;
  private final long maxNanos;
  private final Random random;

  UploaderBackoff(Duration min, Duration max, Random random) {
    this.minNanos = min.toNanos();
    this.maxNanos = max.toNanos();
    this.random = random;
  }

  /** The wait after {@code failures >= 1} failures in a row, in nanoseconds. */
  long delayNanos(int failures, boolean retryable) {
    long base = maxNanos;
    if (retryable) {
      int shift = Math.max(0, failures - 1);
      // Compare before shifting, so a long outage cannot overflow into a negative wait.
      if (shift < 62 && minNanos <= (maxNanos >> shift)) {
        base = Math.min(maxNanos, minNanos << shift);
      }
    }
    long half = base / 2;
    return base - half + random.nextLong(half + 1);
  }

  long maxNanos() {
    return maxNanos;
  }
}
