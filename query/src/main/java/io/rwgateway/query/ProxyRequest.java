package io.rwgateway.query;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import java.util.List;
import java.util.Set;

/**
 * How one request reads through the proxy: Thanos Query's per-request choices.
 *
 * @param partialResponse leave a failing endpoint out with a warning (true) or fail (false)
 * @param dedup merge HA replicas: series equal once {@code replicaLabels} are removed become one
 * @param replicaLabels the labels that tell replicas apart; dedup without any is a no-op
 * @param storeMatchers Thanos' {@code storeMatch[]}: when not empty, only endpoints whose {@code
 *     __address__} one of these selectors matches are asked
 */
public record ProxyRequest(
    boolean partialResponse,
    boolean dedup,
    Set<String> replicaLabels,
    List<Matcher[]> storeMatchers) {
  public ProxyRequest {
    replicaLabels = Set.copyOf(replicaLabels);
    storeMatchers = List.copyOf(storeMatchers);
  }

  /** No dedup, every endpoint: what the query node's own StoreAPI reads with. */
  public static ProxyRequest raw(boolean partialResponse) {
    return new ProxyRequest(partialResponse, false, Set.of(), List.of());
  }

  /** Whether replicas are merged: dedup on and at least one replica label. */
  public boolean deduplicates() {
    return dedup && !replicaLabels.isEmpty();
  }

  /** Whether {@code storeMatch[]} lets the endpoint at {@code address} be asked. */
  public boolean admits(String address) {
    if (storeMatchers.isEmpty()) {
      return true;
    }
    Labels l = Labels.of("__address__", address);
    for (Matcher[] selector : storeMatchers) {
      boolean all = true;
      for (Matcher m : selector) {
        if (!m.matches(l.get(m.name()))) {
          all = false;
          break;
        }
      }
      if (all) {
        return true;
      }
    }
    return false;
  }
}
