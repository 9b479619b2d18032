package io.rwgateway.queryapi;

import io.rwgateway.tsdb.ChunkQuerier;
import java.util.List;
import java.util.function.Function;

/**
 * Reads whose behaviour each request chooses. The query role's proxy over StoreAPIs takes Thanos
 * Query's request parameters ({@code dedup}, {@code partial_response}, {@code replicaLabels[]},
 * {@code storeMatch[]}, ...): an API given one ({@link PrometheusApi#withScopedReads}) answers
 * PromQL, series and label requests through it instead of through a tenant's data, and adds the
 * warnings its reads met to the answer.
 */
@FunctionalInterface
public interface ScopedReads {
  /**
   * The reads of one request.
   *
   * @param params the request's parameters (query string and form body): all values of a name, an
   *     empty list when absent
   * @throws IllegalArgumentException when a parameter is not valid; its message names the parameter
   *     and is answered with 400 {@code bad_data}
   */
  Scope open(Function<String, List<String>> params);

  /** One request's reads. */
  interface Scope {
    /**
     * A querier over [mint, maxt] (inclusive ms); the caller closes it.
     *
     * @param function the PromQL function whose range argument is being read, or null
     */
    ChunkQuerier querier(long mint, long maxt, String function);

    /**
     * What the reads so far met and did not fail on (an endpoint left out under partial response),
     * in the order met; the answer's {@code warnings}.
     */
    List<String> warnings();
  }
}
