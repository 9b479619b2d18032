package io.rwgateway.gateway;

import io.rwgateway.model.PromDuration;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * A Thanos time-or-duration flag value ({@code --min-time}): a fixed RFC 3339 time, or a duration
 * relative to now ({@code -2h}: two hours ago), which moves with the clock.
 *
 * @param relative true for a duration from now
 * @param millis the fixed time (ms since the epoch), or the signed duration in ms
 */
record ThanosTime(boolean relative, long millis) {
  /** The time this value stands for when the clock reads {@code nowMillis}. */
  long at(long nowMillis) {
    return relative ? nowMillis + millis : millis;
  }

  static ThanosTime parse(String flag, String s) {
    try {
      return new ThanosTime(false, OffsetDateTime.parse(s).toInstant().toEpochMilli());
    } catch (DateTimeParseException e) {
      // a duration then
    }
    try {
      return new ThanosTime(false, Instant.parse(s).toEpochMilli());
    } catch (DateTimeParseException e) {
      // a duration then
    }
    boolean negative = s.startsWith("-");
    Duration d = PromDuration.parse(negative ? s.substring(1) : s);
    if (d == null) {
      throw new IllegalArgumentException(
          flag
              + " \""
              + s
              + "\": expected an RFC 3339 time (2024-01-02T15:04:05Z) or a duration from now (-2h)");
    }
    return new ThanosTime(true, negative ? -d.toMillis() : d.toMillis());
  }
}
