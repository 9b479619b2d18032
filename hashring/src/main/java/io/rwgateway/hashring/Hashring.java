package io.rwgateway.hashring;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a tenant's series live: the owners of each series among a ring's endpoints.
 *
 * <p>Placement is two steps so that the per-series step allocates nothing. Per request: {@link
 * #ringFor(String)} picks the single hashring that serves the tenant (first match in file order, as
 * Thanos). Per series: a {@link TenantPlacer} bound to that ring and tenant hashes the series'
 * canonical label bytes and writes the {@link #replicationFactor()} owner indexes into a reused
 * {@code int[]}; an index refers to {@link SingleHashring#nodes()} of that ring, so the caller can
 * batch series per owner in arrays indexed by node.
 *
 * <pre>{@code
 * SingleHashring ring = hashring.ringFor(tenant);      // null: no hashring serves the tenant
 * placer.bind(ring, tenant);
 * for (each series) {
 *   placer.owners(labelBytes, off, len, owners);      // owners[0 .. rf) = node indexes
 * }
 * }</pre>
 *
 * Implementations are immutable and thread-safe; a ring is replaced, never changed, on reload.
 */
public interface Hashring {

  /**
   * Every endpoint of this ring. For a {@link MultiHashring}: every hashring's endpoints in file
   * order, so an address that is in two hashrings appears twice.
   */
  List<Endpoint> nodes();

  /** How many distinct nodes own each series. */
  int replicationFactor();

  /** The hashring that places {@code tenant}'s series, or null when no hashring serves it. */
  SingleHashring ringFor(String tenant);

  /**
   * The owners of one series, allocating: for tests, tools and cold paths. The ingest path uses a
   * {@link TenantPlacer}.
   *
   * @throws IllegalArgumentException when no hashring serves {@code tenant}
   */
  default List<Endpoint> owners(String tenant, byte[] labels, int off, int len) {
    SingleHashring ring = ringFor(tenant);
    if (ring == null) {
      throw new IllegalArgumentException("no hashring serves tenant \"" + tenant + "\"");
    }
    int[] out = new int[ring.replicationFactor()];
    new TenantPlacer().bind(ring, tenant).owners(labels, off, len, out);
    List<Endpoint> owners = new ArrayList<>(out.length);
    for (int i : out) {
      owners.add(ring.nodes().get(i));
    }
    return owners;
  }

  /**
   * How many owners must have a write before it is acknowledged, as Thanos' receive handler
   * computes it: {@code floor(rf / 2) + 1}, except that a replication factor of 2 needs only 1.
   *
   * <p>NOTE: the exception for 2 is Thanos' (its {@code writeQuorum}): with a strict majority every
   * write would need both replicas, so one node down would stop all writes; with 1, RF 2 keeps the
   * guarantee of two Prometheus replicas behind sidecars. Earlier Thanos releases required 2 of 2.
   *
   * @throws IllegalArgumentException when {@code replicationFactor < 1}
   */
  static int quorum(int replicationFactor) {
    if (replicationFactor < 1) {
      throw new IllegalArgumentException(
          "replication factor must be at least 1, got " + replicationFactor);
    }
    if (replicationFactor == 2) {
      return 1;
    }
    return replicationFactor / 2 + 1;
  }
}
