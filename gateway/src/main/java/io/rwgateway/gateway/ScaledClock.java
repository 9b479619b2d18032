package io.rwgateway.gateway;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A UTC clock that runs {@code rate} times faster than the system clock from {@code epochMs} on
 * (tests only, for the WAL's roll cycles). Anchored at a fixed instant rather than at start-up, so
 * it keeps moving forward across restarts of the gateway: WAL cycles never go back in time.
 */
final class ScaledClock extends Clock {
  private final long rate;
  private final long epochMs;

  ScaledClock(long rate, long epochMs) {
    if (rate < 1) {
      throw new IllegalArgumentException("rate must be at least 1");
    }
    this.rate = rate;
    this.epochMs = epochMs;
  }

  @Override
  public long millis() {
    long now = System.currentTimeMillis();
    return epochMs + (now - epochMs) * rate;
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a UTC clock");
  }
}
