package io.rwgateway.promql.parser;

/**
 * The {@code offset} and {@code @} modifiers of a selector or subquery: the offset in milliseconds
 * (0 for none, negative for {@code offset -5m}) and the {@code @} time.
 */
public record TimeModifiers(long offsetMillis, At at, long atMillis) {
  /** What {@code @} fixes the evaluation time to. */
  public enum At {
    NONE,
    /** {@code @ <seconds>}: {@link #atMillis}. */
    TIMESTAMP,
    START,
    END
  }

  static final TimeModifiers NONE = new TimeModifiers(0, At.NONE, 0);

  TimeModifiers withOffset(long millis) {
    return new TimeModifiers(millis, at, atMillis);
  }

  TimeModifiers withAt(At at, long millis) {
    return new TimeModifiers(offsetMillis, at, millis);
  }

  /** {@code " @ 1.000"} / {@code " @ start()"}, then {@code " offset 5m"}, as Prometheus prints. */
  String suffix() {
    StringBuilder b = new StringBuilder();
    switch (at) {
      case TIMESTAMP -> b.append(" @ ").append(formatSeconds(atMillis));
      case START -> b.append(" @ start()");
      case END -> b.append(" @ end()");
      default -> {}
    }
    if (offsetMillis > 0) {
      b.append(" offset ").append(Durations.format(offsetMillis));
    } else if (offsetMillis < 0) {
      b.append(" offset -").append(Durations.format(-offsetMillis));
    }
    return b.toString();
  }

  /** Go's {@code %.3f} of {@code float64(ms)/1000}. */
  private static String formatSeconds(long millis) {
    return new java.math.BigDecimal((double) millis / 1000.0)
        .setScale(3, java.math.RoundingMode.HALF_EVEN)
        .toPlainString();
  }
}
