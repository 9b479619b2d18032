package io.rwgateway.perf.query;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** The markdown tables at the end, in compare.sh's style. */
final class Report {
  private Report() {}

  static void print(
      PrintStream out,
      List<Receiver> receivers,
      DataSet data,
      QueryConfig c,
      List<Row> rows,
      long[] rssBefore,
      long[] phasePeak,
      List<String> problems) {
    Receiver a = receivers.get(0);
    Receiver b = receivers.get(1);
    out.println();
    out.printf(
        Locale.ROOT,
        "%d series, %d samples each (15 s apart); median of %d runs after %d warm-up run(s); range"
            + " queries: last %d s at step %s%n%n",
        data.seriesCount(),
        data.slices,
        c.runs,
        c.warmup,
        QuerySet.RANGE_SECONDS,
        QuerySet.RANGE_STEP);
    out.printf(
        "| query | type | series | %s ms | %s ms | %s / %s | peak RSS MiB %s / %s |%n",
        a.name(), b.name(), b.name(), a.name(), a.name(), b.name());
    out.println("|---|---|---:|---:|---:|---:|---:|");
    for (Row r : rows) {
      String series =
          r.series()[0] == r.series()[1]
              ? Integer.toString(r.series()[0])
              : r.series()[0] + " / " + r.series()[1];
      out.printf(
          Locale.ROOT,
          "| `%s` | %s | %s | %s | %s | %.2f | %d / %d |%n",
          r.query(),
          r.kind(),
          series,
          QueryRun.fmt(r.medianNanos()[0] / 1e6),
          QueryRun.fmt(r.medianNanos()[1] / 1e6),
          (double) r.medianNanos()[1] / r.medianNanos()[0],
          mib(r.peakRss()[0]),
          mib(r.peakRss()[1]));
    }
    out.println();
    out.println("| receiver | RSS before queries MiB | peak RSS during queries MiB |");
    out.println("|---|---:|---:|");
    for (int i = 0; i < receivers.size(); i++) {
      out.printf(
          Locale.ROOT,
          "| %s | %d | %d |%n",
          receivers.get(i).name(),
          mib(rssBefore[i]),
          mib(phasePeak[i]));
    }
    out.println();
    if (problems.isEmpty()) {
      out.println("Both receivers hold every sample and answered every query alike.");
    }
    for (String p : problems) {
      out.println(p);
    }
  }

  private static long mib(long bytes) {
    return bytes / (1024 * 1024);
  }
}
