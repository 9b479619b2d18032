package io.rwgateway.tsdb;

import java.util.List;
import java.util.Set;

/**
 * Where readers that serve many tenants (the StoreAPI, the query API) get their queriers: the
 * tenants held and, per tenant, a {@link ChunkQuerier} over a time range. The receive role's TSDB
 * implements it over head and local blocks; other roles (sidecar, query) over their sources.
 */
public interface ChunkQueryable {
  /** The tenants that hold data now, sorted. */
  List<String> tenants();

  /**
   * Time (ms) of the oldest sample {@code tenant} holds, or {@link Long#MAX_VALUE} when it holds
   * none (or is unknown).
   */
  long minTime(String tenant);

  /**
   * A querier over {@code tenant}'s data in [mint, maxt] (inclusive ms), holding leases until it is
   * closed. An unknown tenant gives a querier that selects nothing.
   *
   * @throws IllegalStateException when the data cannot be read yet (WAL replay not finished), an
   *     error a caller may retry
   */
  ChunkQuerier chunkQuerier(String tenant, long mint, long maxt);

  /**
   * The same, saying whether the caller takes a partial answer: a source made of several stores
   * (the query role's proxy) then leaves a failing store out with a warning ({@link
   * ChunkQuerier#warnings}) instead of failing. Sources of one store ignore it.
   */
  default ChunkQuerier chunkQuerier(String tenant, long mint, long maxt, boolean partialResponse) {
    return chunkQuerier(tenant, mint, maxt);
  }

  /**
   * Whether {@link #chunkQuerier(String, long, long, boolean, Set)} removes labels itself: a proxy
   * asks its stores to remove them (the StoreAPI's {@code without_replica_labels}) and sorts what
   * they send without them, where a reader of local data would read everything to re-sort it.
   */
  default boolean removesLabels() {
    return false;
  }

  /**
   * A querier whose series lack the labels named in {@code remove}, in the order of what is left;
   * series that become equal are one series with all their chunks. Only where {@link
   * #removesLabels()} says so.
   */
  default ChunkQuerier chunkQuerier(
      String tenant, long mint, long maxt, boolean partialResponse, Set<String> remove) {
    throw new UnsupportedOperationException("this source does not remove labels itself");
  }
}
