package io.rwgateway.query;

import io.rwgateway.tsdb.ChunkQueryable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The endpoints of an {@link EndpointSet} as one {@link ChunkQueryable}. It has one tenant, {@value
 * #TENANT}: the StoreAPI does not carry tenants (a receiver's tenants are told apart by their
 * external labels, which every series it serves carries), so everything the endpoints hold is that
 * one tenant's data; the same name as the sidecar's single tenant.
 */
public final class ProxyChunkQueryable implements ChunkQueryable {
  public static final String TENANT = "default-tenant";

  private final EndpointSet endpoints;
  private final boolean partialResponse;

  /**
   * @param partialResponse whether a failing endpoint is left out with a warning (true) or fails
   *     the query (false)
   */
  public ProxyChunkQueryable(EndpointSet endpoints, boolean partialResponse) {
    this.endpoints = endpoints;
    this.partialResponse = partialResponse;
  }

  @Override
  public List<String> tenants() {
    return List.of(TENANT);
  }

  /** The oldest time any active endpoint serves; {@link Long#MAX_VALUE} when none is active. */
  @Override
  public long minTime(String tenant) {
    if (!TENANT.equals(tenant)) {
      return Long.MAX_VALUE;
    }
    long min = Long.MAX_VALUE;
    for (EndpointSet.ActiveEndpoint e : endpoints.active()) {
      min = Math.min(min, e.info().minTime());
    }
    return min;
  }

  /**
   * A querier over the endpoints active now; one that is not active is not asked at all, whatever
   * the partial response setting.
   */
  @Override
  public ProxyChunkQuerier chunkQuerier(String tenant, long mint, long maxt) {
    if (!TENANT.equals(tenant)) {
      return new ProxyChunkQuerier(
          List.of(), mint, maxt, ProxyRequest.raw(partialResponse), DedupMode.PLAIN);
    }
    return chunkQuerier(ProxyRequest.raw(partialResponse), mint, maxt, null);
  }

  /** As the StoreAPI asks: no dedup, every endpoint, the request's partial response strategy. */
  @Override
  public ProxyChunkQuerier chunkQuerier(
      String tenant, long mint, long maxt, boolean partialResponse) {
    if (!TENANT.equals(tenant)) {
      return chunkQuerier(tenant, mint, maxt);
    }
    return chunkQuerier(ProxyRequest.raw(partialResponse), mint, maxt, null);
  }

  /** The endpoints remove the labels (or this proxy does, for those that cannot). */
  @Override
  public boolean removesLabels() {
    return true;
  }

  /**
   * As the StoreAPI asks with {@code without_replica_labels}: series without those labels, equal
   * ones joined with every chunk (the querier above merges replicas).
   */
  @Override
  public ProxyChunkQuerier chunkQuerier(
      String tenant, long mint, long maxt, boolean partialResponse, Set<String> remove) {
    if (!TENANT.equals(tenant)) {
      return chunkQuerier(tenant, mint, maxt);
    }
    return chunkQuerier(ProxyRequest.removing(partialResponse, remove), mint, maxt, null);
  }

  /**
   * A querier as one API request asks for it: its partial response, dedup and replica labels, only
   * the endpoints its store matchers admit.
   *
   * @param function the PromQL function whose range argument is read (Thanos' select hint), or
   *     null: {@code rate}, {@code increase}, {@code irate} and {@code resets} merge replicas as
   *     counters ({@link DedupMode#forFunction})
   */
  public ProxyChunkQuerier chunkQuerier(
      ProxyRequest request, long mint, long maxt, String function) {
    List<EndpointSet.ActiveEndpoint> admitted = new ArrayList<>();
    for (EndpointSet.ActiveEndpoint e : endpoints.active()) {
      if (request.admits(e.endpoint().address())) {
        admitted.add(e);
      }
    }
    return new ProxyChunkQuerier(admitted, mint, maxt, request, DedupMode.forFunction(function));
  }
}
