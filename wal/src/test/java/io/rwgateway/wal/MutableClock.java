package io.rwgateway.wal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A UTC clock that tests move by hand, so one test creates several hourly WAL cycles at once. */
final class MutableClock extends Clock {
  static final Duration HOUR = Duration.ofHours(1);

  private final AtomicLong millis;

  MutableClock(Instant start) {
    this.millis = new AtomicLong(start.toEpochMilli());
  }

  void advance(Duration d) {
    millis.addAndGet(d.toMillis());
  }

  /**
   * The FAST_HOURLY cycle this clock is in: whole hours since the epoch (Chronicle's epoch is 0).
   */
  int cycle() {
    return (int) (millis.get() / HOUR.toMillis());
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("tests use UTC only");
  }
}
