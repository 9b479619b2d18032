package io.rwgateway.promql.engine;

import io.rwgateway.tsdb.ChunkQuerier;

/** Where a query reads its series: one tenant's data, or a proxy over stores. */
@FunctionalInterface
public interface QuerierSource {
  /** A querier over [mint, maxt] (inclusive ms); the caller closes it. */
  ChunkQuerier open(long mint, long maxt);

  /**
   * The same, for a selector that is the range argument of {@code function} (Prometheus' select
   * hint {@code Func}: {@code rate} for {@code rate(x[5m])}); null for any other selector. A proxy
   * deduplicating HA replicas merges counters differently for the counter functions; other sources
   * ignore it.
   */
  default ChunkQuerier open(long mint, long maxt, String function) {
    return open(mint, maxt);
  }
}
