package io.rwgateway.wal;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How a tenant's WAL is written.
 *
 * @param clock the wall clock that picks the roll cycle (hourly file) each record goes to. The
 *     system clock in production; tests pass a clock they can move to create several cycles in
 *     milliseconds instead of hours.
 */
public record WalOptions(WalSyncMode syncMode, Duration syncInterval, Clock clock) {
  public WalOptions {
    Objects.requireNonNull(syncMode, "syncMode");
    Objects.requireNonNull(syncInterval, "syncInterval");
    Objects.requireNonNull(clock, "clock");
  }

  /** Options on the system clock (UTC, as Chronicle's hourly file names are). */
  public WalOptions(WalSyncMode syncMode, Duration syncInterval) {
    this(syncMode, syncInterval, Clock.systemUTC());
  }

  public static WalOptions defaults() {
    return new WalOptions(WalSyncMode.BATCH, Duration.ofSeconds(1));
  }

  /** These options with another clock (tests). */
  public WalOptions withClock(Clock clock) {
    return new WalOptions(syncMode, syncInterval, clock);
  }
}
