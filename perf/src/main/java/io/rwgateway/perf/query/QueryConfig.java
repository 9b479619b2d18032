package io.rwgateway.perf.query;

import java.net.URI;

/** Command-line flags of {@link io.rwgateway.perf.QueryBench}. */
final class QueryConfig {
  static final String USAGE =
      "usage: QueryBench --prometheus URL --prometheus-pid PID --gateway-write URL"
          + " --gateway-query URL --gateway-pid PID [--series 10000] [--hours 2] [--runs 5]"
          + " [--warmup 1] [--batch 2000]";

  URI prometheus;
  long prometheusPid;
  URI gatewayWrite;
  URI gatewayQuery;
  long gatewayPid;
  int series = 10_000;
  double hours = 2;
  int runs = 5;
  int warmup = 1;
  int batch = 2000;

  static QueryConfig parse(String[] args) {
    QueryConfig c = new QueryConfig();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("-h") || a.equals("--help")) {
        throw new IllegalArgumentException(USAGE);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after " + a + "\n" + USAGE);
      }
      String v = args[++i];
      switch (a) {
        case "--prometheus" -> c.prometheus = URI.create(v);
        case "--prometheus-pid" -> c.prometheusPid = Long.parseLong(v);
        case "--gateway-write" -> c.gatewayWrite = URI.create(v);
        case "--gateway-query" -> c.gatewayQuery = URI.create(v);
        case "--gateway-pid" -> c.gatewayPid = Long.parseLong(v);
        case "--series" -> c.series = Integer.parseInt(v);
        case "--hours" -> c.hours = Double.parseDouble(v);
        case "--runs" -> c.runs = Integer.parseInt(v);
        case "--warmup" -> c.warmup = Integer.parseInt(v);
        case "--batch" -> c.batch = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("unknown flag " + a + "\n" + USAGE);
      }
    }
    if (c.prometheus == null || c.gatewayWrite == null || c.gatewayQuery == null) {
      throw new IllegalArgumentException(USAGE);
    }
    if (c.runs < 1 || c.warmup < 1 || c.batch < 1 || c.hours <= 0) {
      throw new IllegalArgumentException("--runs, --warmup, --batch and --hours must be positive");
    }
    return c;
  }
}
