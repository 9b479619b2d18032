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
 * @param mergeReplicas with dedup: whether series equal without the replica labels are merged (a
 *     query) or only joined, every replica's chunks kept (the query node's StoreAPI asked for
 *     {@code without_replica_labels}: the querier above it merges)
 */
public record ProxyRequest(
    boolean partialResponse,
    boolean dedup,
    Set<String> replicaLabels,
    List<Matcher[]> storeMatchers,
    boolean mergeReplicas) {
  public ProxyRequest {
    replicaLabels = Set.copyOf(replicaLabels);
    storeMatchers = List.copyOf(storeMatchers);
  }

  /** A query's request: replicas merged when dedup is on. */
  public ProxyRequest(
      boolean partialResponse,
      boolean dedup,
      Set<String> replicaLabels,
      List<Matcher[]> storeMatchers) {
    this(partialResponse, dedup, replicaLabels, storeMatchers, true);
  }

  /** No dedup, every endpoint: what the query node's own StoreAPI reads with. */
  public static ProxyRequest raw(boolean partialResponse) {
    return new ProxyRequest(partialResponse, false, Set.of(), List.of());
  }

  /**
   * The query node's StoreAPI asked to remove {@code labels}: removed by the endpoints (or here),
   * equal series joined with every chunk, not merged.
   */
  public static ProxyRequest removing(boolean partialResponse, Set<String> labels) {
    return new ProxyRequest(partialResponse, true, labels, List.of(), false);
  }

  /** Whether the replica labels are removed: dedup on and at least one replica label. */
  public boolean removesReplicaLabels() {
    return dedup && !replicaLabels.isEmpty();
  }

  /** Whether replicas are merged into one series by the penalty rule. */
  public boolean deduplicates() {
    return removesReplicaLabels() && mergeReplicas;
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
