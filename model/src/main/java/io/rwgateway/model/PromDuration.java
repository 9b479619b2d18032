package io.rwgateway.model;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.time.Duration;

/**
 * Parses durations as Prometheus and Thanos write them in YAML ({@code model.Duration}): units
 * {@code y w d h m s ms} in that order, each at most once, e.g. {@code 90s}, {@code 1m30s}, {@code
 * 2h}, {@code 500ms}; {@code 0} alone means zero. A year is 365 days, as in Prometheus. Thanos'
 * {@code http_config} timeouts use this format, so an existing config parses unchanged; the
 * command-line flags use it too, as Prometheus' and Thanos' do.
 */
public final class PromDuration {
  private static final Pattern FORMAT =
      Pattern.compile(
          "(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");
  private static final long[] UNIT_MILLIS = {
    365L * 24 * 3600_000, 7L * 24 * 3600_000, 24L * 3600_000, 3600_000L, 60_000L, 1_000L, 1L
  };

  private static final String[] UNIT_NAMES = {"y", "w", "d", "h", "m", "s", "ms"};

  private PromDuration() {}

  /** The duration, or {@code null} when {@code text} is not a valid duration. */
  public static Duration parse(String text) {
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = FORMAT.matcher(text);
    if (text.isEmpty() || !m.matches()) {
      return null;
    }
    long millis = 0;
    try {
      for (int i = 0; i < UNIT_MILLIS.length; i++) {
        String n = m.group(i + 1);
        if (n != null) {
          millis = Math.addExact(millis, Math.multiplyExact(Long.parseLong(n), UNIT_MILLIS[i]));
        }
      }
    } catch (ArithmeticException | NumberFormatException e) {
      return null;
    }
    return Duration.ofMillis(millis);
  }

  /**
   * {@code model.Duration.String()}: years and weeks only when they divide the whole duration, then
   * days, hours, minutes, seconds and milliseconds; {@code 0s} for zero. {@code millis} must not be
   * negative.
   */
  public static String format(long millis) {
    if (millis == 0) {
      return "0s";
    }
    StringBuilder b = new StringBuilder();
    long rest = millis;
    for (int i = 0; i < UNIT_MILLIS.length; i++) {
      boolean exactOnly = i < 2;
      if (exactOnly && rest % UNIT_MILLIS[i] != 0) {
        continue;
      }
      long v = rest / UNIT_MILLIS[i];
      if (v > 0) {
        b.append(v).append(UNIT_NAMES[i]);
        rest -= v * UNIT_MILLIS[i];
      }
    }
    return b.toString();
  }
}
