package io.rwgateway.uploader;

import java.time.Duration;

/**
 * How often and how patiently the {@link Uploader} ships.
 *
 * @param interval time between two syncs of a tenant when nothing wakes it (Thanos' shipper syncs
 *     every 30 s); a written block wakes it at once
 * @param minBackoff wait after a tenant's first failed sync; doubles with each failure
 * @param maxBackoff the longest wait between two attempts, also used at once for a permanent
 *     failure (access denied), which may be fixed by an operator
 * @param closeTimeout how long {@link Uploader#close()} waits for the last sync
 * @param failureLogInterval during an outage, at most one "still failing" line per tenant per this
 */
public record UploaderSettings(
    Duration interval,
    Duration minBackoff,
    Duration maxBackoff,
    Duration closeTimeout,
    Duration failureLogInterval) {
  /** 30 s interval, 1 s to 5 min backoff, 30 s close timeout, a failure line per 10 min. */
  public static final UploaderSettings DEFAULT =
      new UploaderSettings(
          Duration.ofSeconds(30),
          Duration.ofSeconds(1),
          Duration.ofMinutes(5),
          Duration.ofSeconds(30),
          Duration.ofMinutes(10));

  public UploaderSettings {
    positive("interval", interval);
    positive("minBackoff", minBackoff);
    positive("maxBackoff", maxBackoff);
    positive("closeTimeout", closeTimeout);
    positive("failureLogInterval", failureLogInterval);
    if (maxBackoff.compareTo(minBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff " + maxBackoff + " is below minBackoff " + minBackoff);
    }
  }

  /** These settings with another sync interval. */
  public UploaderSettings withInterval(Duration d) {
    return new UploaderSettings(d, minBackoff, maxBackoff, closeTimeout, failureLogInterval);
  }

  /** These settings with another close timeout. */
  public UploaderSettings withCloseTimeout(Duration d) {
    return new UploaderSettings(interval, minBackoff, maxBackoff, d, failureLogInterval);
  }

  private static void positive(String name, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + d);
    }
  }
}
