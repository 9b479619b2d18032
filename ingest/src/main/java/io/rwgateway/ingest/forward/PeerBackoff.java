package io.rwgateway.ingest.forward;

import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * When a peer may be called again after it failed: exponential backoff with jitter, capped, as
 * Thanos' router does for its peers (factor 2, from {@code min} to {@code max}; Thanos: 100ms and
 * {@code --receive-forward-max-backoff}, 5s). The n-th consecutive failure closes the peer for a
 * random time between {@code min} and {@code min * 2^(n-1)} (at most {@code max}); an answer from
 * the peer opens it again at once.
 *
 * <p>NOTE: while a peer is closed, forwards to it fail at once as retryable instead of each one
 * waiting for a connect error or the forward timeout, so a dead peer is neither hammered nor
 * allowed to hold every request for the full timeout.
 */
final class PeerBackoff {
  private final long minNanos;
  private final long maxNanos;
  private final LongSupplier nanoClock;
  private final DoubleSupplier random;

  private int failures;
  private long openAt;

  PeerBackoff(long minNanos, long maxNanos, LongSupplier nanoClock, DoubleSupplier random) {
    if (minNanos <= 0 || maxNanos < minNanos) {
      throw new IllegalArgumentException(
          "backoff needs 0 < min <= max, got " + minNanos + "ns, " + maxNanos + "ns");
    }
    this.minNanos = minNanos;
    this.maxNanos = maxNanos;
    this.nanoClock = nanoClock;
    this.random = random;
  }

  /** Nanoseconds until the peer may be called; 0 when it may be called now. */
  synchronized long remainingNanos() {
    if (failures == 0) {
      return 0;
    }
    return Math.max(0, openAt - nanoClock.getAsLong());
  }

  /**
   * Records a failure that says the peer is unreachable; returns the new closed time in
   * nanoseconds.
   */
  synchronized long failed() {
    int attempt = failures;
    if (failures < Integer.MAX_VALUE) {
      failures++;
    }
    // min * 2^attempt, capped; the shift is only taken when it cannot pass max (so cannot
    // overflow).
    long ceiling =
        attempt < 63 && minNanos <= (maxNanos >> attempt) ? minNanos << attempt : maxNanos;
    // Clamped: a double product of large values can round past the ceiling.
    long delay = Math.min(ceiling, minNanos + (long) (random.getAsDouble() * (ceiling - minNanos)));
    openAt = nanoClock.getAsLong() + delay;
    return delay;
  }

  /** The peer answered: call it freely again. */
  synchronized void succeeded() {
    failures = 0;
  }

  /** Consecutive failures so far. */
  synchronized int failures() {
    return failures;
  }
}
