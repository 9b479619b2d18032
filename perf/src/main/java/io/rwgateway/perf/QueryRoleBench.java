package io.rwgateway.perf;

import io.rwgateway.perf.query.QueryRoleRun;

/**
 * Entry point of the query role's benchmark: one query through query nodes over one and over three
 * receivers (two HA replicas), with and without dedup ({@code perf/query-role.sh} starts them).
 */
public final class QueryRoleBench {
  private QueryRoleBench() {}

  public static void main(String[] args) throws Exception {
    int code = QueryRoleRun.run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }
}
