package io.rwgateway.promql.parser;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.rwgateway.model.PromDuration;

/**
 * Durations as PromQL writes them ({@code model.Duration} of prometheus/common 0.39): units {@code
 * y w d h m s ms}, each at most once and in that order, as milliseconds.
 */
final class Durations {
  private static final Pattern FORMAT =
      Pattern.compile(
          "^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$");
  private static final long[] UNIT_MILLIS = {
    365L * 24 * 3600_000, 7L * 24 * 3600_000, 24L * 3600_000, 3600_000L, 60_000L, 1_000L, 1L
  };

  private Durations() {}

  /** Milliseconds; throws {@link IllegalArgumentException} with Prometheus' reason. */
  static long parse(String text) {
    if (text.equals("0")) {
      return 0;
    }
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty duration string");
    }
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a valid duration string: " + GoFormat.quote(text));
    }
    long millis = 0;
    boolean overflow = false;
    for (int i = 0; i < UNIT_MILLIS.length; i++) {
      String n = m.group(i + 1);
      if (n == null) {
        continue;
      }
      // NOTE: Go's nanosecond time.Duration bounds the total, hence the nanosecond arithmetic.
      long maxPerUnit = Long.MAX_VALUE / (UNIT_MILLIS[i] * 1_000_000L);
      long v;
      try {
        v = Long.parseLong(n);
      } catch (NumberFormatException e) {
        v = Long.MAX_VALUE;
      }
      if (v > maxPerUnit) {
        overflow = true;
        continue;
      }
      millis += v * UNIT_MILLIS[i];
      if (millis > Long.MAX_VALUE / 1_000_000L) {
        overflow = true;
      }
    }
    if (overflow) {
      throw new IllegalArgumentException("duration out of range");
    }
    return millis;
  }

  /** {@code model.Duration.String()}, as the flags and configs print durations too. */
  static String format(long millis) {
    return PromDuration.format(millis);
  }
}
