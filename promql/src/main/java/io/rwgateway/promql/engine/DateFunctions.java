package io.rwgateway.promql.engine;

import io.rwgateway.model.Labels;
import io.rwgateway.promql.parser.Expr;
import java.util.List;

/**
 * minute, hour, day_of_week (Sunday is 0), day_of_month, day_of_year, days_in_month, month, year:
 * of each value taken as Unix seconds (truncated), in UTC; without an argument, of the step's time.
 */
final class DateFunctions {
  private DateFunctions() {}

  static SeriesStream eval(Evaluator ev, String name, List<Expr> args, Grid g) {
    SeriesStream in;
    if (args.isEmpty()) {
      StepSeries now = new StepSeries(Labels.EMPTY, g.size());
      double[] t = Functions.times(g);
      for (int i = 0; i < t.length; i++) {
        now.set(i, t[i]);
      }
      in = Streams.single(now, ev.ctx);
    } else {
      in = ev.vector(args.get(0), g);
    }
    return Streams.valuesWithoutName(in, (i, v) -> field(name, v));
  }

  // Go's time package (the Go 1.19/1.20 that built Prometheus 2.42) counts seconds from an
  // "absolute" zero far before year 1, so that any int64 Unix time has a date: the Unix epoch is
  // 62135596800 s after year 1, and year 1 is 9223371966579724800 s after the absolute zero.
  private static final long UNIX_TO_ABSOLUTE = 62135596800L + 9223371966579724800L;
  private static final long ABSOLUTE_ZERO_YEAR = -292277022399L;
  private static final long DAY = 86_400;
  private static final int DAYS_PER_400_YEARS = 365 * 400 + 97;
  private static final int DAYS_PER_100_YEARS = 365 * 100 + 24;
  private static final int DAYS_PER_4_YEARS = 365 * 4 + 1;
  private static final int[] DAYS_BEFORE = {
    0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365
  };

  /**
   * The field of the UTC date of {@code seconds}, as Go computes it for any int64: the value is
   * converted as Go converts a float64 on amd64 (NaN, infinities and values out of range become the
   * smallest int64), and dates of years far beyond {@link java.time}'s range are still dates.
   */
  static double field(String name, double seconds) {
    long sec =
        Double.isNaN(seconds) || seconds >= 0x1p63 || seconds < -0x1p63
            ? Long.MIN_VALUE
            : (long) seconds;
    long abs = sec + UNIX_TO_ABSOLUTE; // unsigned, wrapping as Go's uint64 does
    switch (name) {
      case "minute":
        return Long.remainderUnsigned(abs, 3600) / 60;
      case "hour":
        return Long.remainderUnsigned(abs, DAY) / 3600;
      case "day_of_week":
        return Long.remainderUnsigned(abs + DAY, 7 * DAY) / DAY; // Sunday is 0
      default:
        break;
    }
    long d = Long.divideUnsigned(abs, DAY);
    long n = d / DAYS_PER_400_YEARS;
    long y = 400 * n;
    d -= DAYS_PER_400_YEARS * n;
    n = d / DAYS_PER_100_YEARS;
    n -= n >> 2;
    y += 100 * n;
    d -= DAYS_PER_100_YEARS * n;
    n = d / DAYS_PER_4_YEARS;
    y += 4 * n;
    d -= DAYS_PER_4_YEARS * n;
    n = d / 365;
    n -= n >> 2;
    y += n;
    d -= 365 * n;
    long year = y + ABSOLUTE_ZERO_YEAR;
    int yday = (int) d; // 0-based
    if (name.equals("year")) {
      return year;
    }
    if (name.equals("day_of_year")) {
      return yday + 1;
    }
    boolean leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    int day = yday;
    int month; // 1..12
    if (leap && day == 31 + 29 - 1) {
      month = 2;
      day = 29;
    } else {
      if (leap && day > 31 + 29 - 1) {
        day--;
      }
      int m = day / 31; // too low by at most one month
      if (day >= DAYS_BEFORE[m + 1]) {
        m++;
      }
      day = day - DAYS_BEFORE[m] + 1;
      month = m + 1;
    }
    return switch (name) {
      case "day_of_month" -> day;
      case "month" -> month;
      case "days_in_month" -> month == 2 && leap ? 29 : DAYS_BEFORE[month] - DAYS_BEFORE[month - 1];
      default -> throw new IllegalArgumentException(name);
    };
  }
}
