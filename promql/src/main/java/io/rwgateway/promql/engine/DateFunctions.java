package io.rwgateway.promql.engine;

import io.rwgateway.model.Labels;
import io.rwgateway.promql.parser.Expr;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
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
    return Streams.distinct(
        Streams.map(
            in,
            s -> {
              for (int i = 0; i < s.v.length; i++) {
                if (s.has[i]) {
                  s.v[i] = field(name, s.v[i]);
                }
              }
              s.labels = LabelSets.dropName(s.labels);
              return s;
            }));
  }

  static double field(String name, double seconds) {
    if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
      return Double.NaN;
    }
    ZonedDateTime t = Instant.ofEpochSecond((long) seconds).atZone(ZoneOffset.UTC);
    return switch (name) {
      case "minute" -> t.getMinute();
      case "hour" -> t.getHour();
      case "day_of_week" -> t.getDayOfWeek().getValue() % 7;
      case "day_of_month" -> t.getDayOfMonth();
      case "day_of_year" -> t.getDayOfYear();
      case "days_in_month" -> t.toLocalDate().lengthOfMonth();
      case "month" -> t.getMonthValue();
      case "year" -> t.getYear();
      default -> throw new IllegalArgumentException(name);
    };
  }
}
