package io.rwgateway.hashring;

import java.util.List;
import java.util.Objects;

/**
 * One hashring of the file: a fixed list of endpoints and an algorithm that maps a series hash to
 * its owners. It serves every tenant it is asked about; choosing the hashring by tenant is {@link
 * MultiHashring}'s job.
 */
public abstract class SingleHashring implements Hashring {
  private final String name;
  private final List<Endpoint> nodes;
  private final int replicationFactor;

  SingleHashring(String name, List<Endpoint> nodes, int replicationFactor) {
    this.name = Objects.requireNonNull(name, "name");
    this.nodes = List.copyOf(nodes);
    this.replicationFactor = replicationFactor;
    if (replicationFactor < 1) {
      throw new IllegalArgumentException(
          "replication factor must be at least 1, got " + replicationFactor);
    }
  }

  /** The {@code hashring} name from the file ({@code ""} when it has none). */
  public String name() {
    return name;
  }

  /** The endpoints that owner indexes refer to, in this algorithm's order (see the subclasses). */
  @Override
  public final List<Endpoint> nodes() {
    return nodes;
  }

  @Override
  public final int replicationFactor() {
    return replicationFactor;
  }

  @Override
  public final SingleHashring ringFor(String tenant) {
    return this;
  }

  /**
   * Writes the owners of the series whose Thanos hash is {@code seriesHash} to {@code out[0 ..
   * replicationFactor())}, as indexes into {@link #nodes()}: first the primary, then the replicas
   * in Thanos' order. The indexes are distinct.
   */
  public abstract void ownersOfHash(long seriesHash, int[] out);
}
