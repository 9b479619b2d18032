package io.rwgateway.promql.engine;

import io.rwgateway.tsdb.ChunkQuerier;

/** Where a query reads its series: one tenant's data, or a proxy over stores. */
@FunctionalInterface
public interface QuerierSource {
  /** A querier over [mint, maxt] (inclusive ms); the caller closes it. */
  ChunkQuerier open(long mint, long maxt);
}
