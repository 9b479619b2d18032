package io.rwgateway.gateway;

import java.time.Duration;
import picocli.CommandLine;

/** Prometheus-style durations on the command line: 500ms, 30s, 10m, 2h, 1d, 1w, 1h30m. */
final class Durations implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String s) {
    return parse(s);
  }

  static Duration parse(String s) {
    if (s == null || s.isEmpty()) {
      throw new CommandLine.TypeConversionException("empty duration");
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    long totalMs = 0;
    int i = 0;
    while (i < s.length()) {
      int startNum = i;
      while (i < s.length() && Character.isDigit(s.charAt(i))) {
        i++;
      }
      if (startNum == i) {
        throw bad(s);
      }
      long n = Long.parseLong(s.substring(startNum, i));
      int startUnit = i;
      while (i < s.length() && Character.isLetter(s.charAt(i))) {
        i++;
      }
      String unit = s.substring(startUnit, i);
      long mult;
      switch (unit) {
        case "ms": mult = 1; break;
        case "s": mult = 1000; break;
        case "m": mult = 60_000; break;
        case "h": mult = 3_600_000; break;
        case "d": mult = 86_400_000; break;
        case "w": mult = 7 * 86_400_000L; break;
        case "y": mult = 365 * 86_400_000L; break;
        default: throw bad(s);
      }
      totalMs = Math.addExact(totalMs, Math.multiplyExact(n, mult));
    }
    return Duration.ofMillis(totalMs);
  }

  private static CommandLine.TypeConversionException bad(String s) {
    return new CommandLine.TypeConversionException("invalid duration \"" + s
        + "\": use a number with a unit, e.g. 500ms, 30s, 10m, 2h, 1d");
  }
}
