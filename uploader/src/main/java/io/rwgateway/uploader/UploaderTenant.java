package io.rwgateway.uploader;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tenant as the {@link Uploader}'s thread sees it: its {@link Shipper}, whether a written block
 * asked for a sync, and the retry state of an outage (failures in a row, when to try next), with
 * the failure log rate-limited: the first failure, then at most one "still failing" line per {@code
 * failureLogInterval}, and one line when it recovers.
 *
 * <p>Only {@link #wake()} and {@link #shipper()} are called from other threads.
 */
final class UploaderTenant {
  private static final Logger LOG = LoggerFactory.getLogger(Uploader.class);

  private final Shipper shipper;
  private final AtomicBoolean wake = new AtomicBoolean();
  private boolean everSynced;
  private int failures;
  private long retryAt;
  private long outageStart;
  private long lastLogged;
  private int unloggedFailures;
  private String lastReason;

  UploaderTenant(Shipper shipper) {
    this.shipper = shipper;
  }

  Shipper shipper() {
    return shipper;
  }

  /** Asks for a sync at the next turn of the loop (unless the tenant is backing off). */
  void wake() {
    wake.set(true);
  }

  /**
   * Whether this tenant is due at {@code now}, given whether the interval elapsed; clears a wake.
   */
  boolean due(long now, boolean intervalDue) {
    boolean woken = wake.getAndSet(false);
    if (failures > 0) {
      // NOTE: a written block does not cut a backoff short: the next retry ships it anyway, and
      // waking on every block would hammer a bucket that is down.
      return now - retryAt >= 0;
    }
    return intervalDue || woken || !everSynced;
  }

  boolean backingOff() {
    return failures > 0;
  }

  long retryAt() {
    return retryAt;
  }

  int failures() {
    return failures;
  }

  void succeeded(long now) {
    everSynced = true;
    if (failures > 0) {
      LOG.info(
          "shipping recovered: tenant={} failed_attempts={} outage_seconds={}",
          shipper.tenant(),
          failures,
          (now - outageStart) / 1_000_000_000L);
    }
    failures = 0;
    unloggedFailures = 0;
    lastReason = null;
  }

  /** Records a failed sync and schedules the retry {@code delayNanos} from {@code now}. */
  void failed(ShipperSyncException e, long now, long delayNanos, long logIntervalNanos) {
    everSynced = true;
    failures++;
    retryAt = now + delayNanos;
    boolean first = failures == 1;
    if (first) {
      outageStart = now;
    }
    boolean newReason = !e.reason().equals(lastReason);
    lastReason = e.reason();
    if (!first && !newReason && now - lastLogged < logIntervalNanos) {
      unloggedFailures++;
      return;
    }
    lastLogged = now;
    String what = first ? "shipping failed, will retry with backoff" : "shipping still failing";
    if (e.retryable()) {
      LOG.warn(
          "{}: tenant={} reason={} attempts={} outage_seconds={} not_logged={} retry_in_ms={} error=\"{}\"",
          what,
          shipper.tenant(),
          e.reason(),
          failures,
          (now - outageStart) / 1_000_000_000L,
          unloggedFailures,
          delayNanos / 1_000_000,
          e.getMessage());
    } else {
      LOG.error(
          "{} (a permanent bucket error such as access denied or no such bucket; check the bucket's name,"
              + " the credentials and the bucket policy; retried every few minutes until fixed): tenant={} reason={}"
              + " attempts={} outage_seconds={} not_logged={} retry_in_ms={} error=\"{}\"",
          what,
          shipper.tenant(),
          e.reason(),
          failures,
          (now - outageStart) / 1_000_000_000L,
          unloggedFailures,
          delayNanos / 1_000_000,
          e.getMessage());
    }
    unloggedFailures = 0;
  }
}
