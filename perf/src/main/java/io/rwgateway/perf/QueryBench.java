package io.rwgateway.perf;

import io.rwgateway.perf.query.QueryRun;

/**
 * Entry point of the PromQL query benchmark, Prometheus against the gateway (the work is in {@code
 * io.rwgateway.perf.query}; {@code perf/query-compare.sh} starts both receivers and runs it).
 */
public final class QueryBench {
  private QueryBench() {}

  public static void main(String[] args) throws Exception {
    int code = QueryRun.run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }
}
