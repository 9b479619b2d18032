package io.rwgateway.gateway;

import io.rwgateway.model.PromDuration;
import java.time.Duration;
import picocli.CommandLine;

/**
 * Prometheus-style durations on the command line ({@link PromDuration}): 500ms, 30s, 10m, 2h, 1d,
 * 1w, 1h30m.
 */
final class Durations implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String s) {
    return parse(s);
  }

  static Duration parse(String s) {
    if (s == null || s.isEmpty()) {
      throw new CommandLine.TypeConversionException("empty duration");
    }
    Duration d = PromDuration.parse(s);
    if (d == null) {
      throw bad(s);
    }
    return d;
  }

  private static CommandLine.TypeConversionException bad(String s) {
    return new CommandLine.TypeConversionException(
        "invalid duration \""
            + s
            + "\": use numbers with units, largest first, e.g. 500ms, 30s, 10m, 2h, 1d, 1h30m");
  }
}
