package io.rwgateway.queryapi;

import com.google.re2j.Pattern;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Timestamps in HTTP API parameters, read as Prometheus reads them: a Unix time in seconds with an
 * optional fraction (rounded to the millisecond), or an RFC 3339 date-time with optional fractional
 * seconds (truncated to the millisecond). Results are milliseconds since the epoch.
 */
final class PromTime {
  /**
   * Prometheus' own "min time" and "max time", which clients such as client_golang send back
   * formatted. Go's parser cannot read them (5+ digit years), so Prometheus matches them as text.
   */
  static final String MIN_TIME_FORMATTED = "-292273086-05-16T16:47:06Z";

  static final String MAX_TIME_FORMATTED = "292277025-08-18T07:12:54.999999999Z";

  // NOTE: Go's ParseFloat also takes hex floats, "inf" and "nan"; those make no sense as times
  // (Prometheus turns them into arbitrary instants), so only decimal notation is accepted here.
  private static final Pattern DECIMAL =
      Pattern.compile("[+-]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?");

  private PromTime() {}

  /** Parses {@code s} to milliseconds; throws with Prometheus' message when it cannot. */
  static long parseMillis(String s) {
    if (DECIMAL.matcher(s).matches()) {
      double t = Double.parseDouble(s);
      if (Double.isFinite(t)) {
        return secondsToMillis(t);
      }
    }
    if (s.equals(MIN_TIME_FORMATTED)) {
      return Long.MIN_VALUE;
    }
    if (s.equals(MAX_TIME_FORMATTED)) {
      return Long.MAX_VALUE;
    }
    // Go's RFC3339 layout needs the upper-case 'T' and an explicit zone ('Z' or +hh:mm).
    if (s.length() > 10 && s.charAt(10) == 'T') {
      try {
        OffsetDateTime t = OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
        long sec = t.toEpochSecond();
        return saturatingAdd(saturatingMul(sec, 1000), t.getNano() / 1_000_000);
      } catch (DateTimeParseException e) {
        // fall through to the common error
      }
    }
    throw new IllegalArgumentException("cannot parse \"" + s + "\" to a valid timestamp");
  }

  /** Whole seconds plus the fraction rounded half away from zero to milliseconds, as Prometheus. */
  static long secondsToMillis(double t) {
    if (t >= 9.223372036854776E15) {
      return Long.MAX_VALUE;
    }
    if (t <= -9.223372036854776E15) {
      return Long.MIN_VALUE;
    }
    long sec = (long) t; // truncates toward zero, like math.Modf
    double frac = t - sec;
    long ms =
        frac >= 0 ? (long) Math.floor(frac * 1000 + 0.5) : -(long) Math.floor(-frac * 1000 + 0.5);
    return saturatingAdd(saturatingMul(sec, 1000), ms);
  }

  private static long saturatingMul(long a, long b) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    if ((hi == 0 && lo >= 0) || (hi == -1 && lo < 0)) {
      return lo;
    }
    return (a < 0) == (b < 0) ? Long.MAX_VALUE : Long.MIN_VALUE;
  }

  private static long saturatingAdd(long a, long b) {
    long r = a + b;
    if (((a ^ r) & (b ^ r)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return r;
  }
}
