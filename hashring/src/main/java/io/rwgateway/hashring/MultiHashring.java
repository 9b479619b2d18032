package io.rwgateway.hashring;

import io.rwgateway.hashring.HashringConfig.Algorithm;
import io.rwgateway.hashring.HashringConfig.Ring;
import java.util.ArrayList;
import java.util.List;

/**
 * All hashrings of one file: a tenant is served by the first hashring, in file order, whose {@code
 * tenants} match it (exactly or by glob); a hashring without tenants matches everyone. A tenant
 * that no hashring matches has no owners (Thanos answers such writes with an error).
 *
 * <p>NOTE: unlike Thanos there is no per-tenant cache of the match: an exact match is one hash-set
 * lookup per hashring per request, and a cache keyed by whatever tenant a client sends would grow
 * without bound.
 */
public final class MultiHashring implements Hashring {
  private final List<SingleHashring> rings;
  private final List<TenantMatcher> matchers;
  private final List<Endpoint> nodes;
  private final int replicationFactor;

  private MultiHashring(
      List<SingleHashring> rings, List<TenantMatcher> matchers, int replicationFactor) {
    this.rings = List.copyOf(rings);
    this.matchers = List.copyOf(matchers);
    List<Endpoint> all = new ArrayList<>();
    for (SingleHashring r : rings) {
      all.addAll(r.nodes());
    }
    this.nodes = List.copyOf(all);
    this.replicationFactor = replicationFactor;
  }

  /**
   * Builds the rings of {@code config}.
   *
   * @param flagDefault the algorithm of hashrings that name none (Thanos' {@code
   *     --receive.hashrings-algorithm}, whose default is {@link Algorithm#THANOS_FLAG_DEFAULT})
   * @param replicationFactor owners per series ({@code --receive.replication-factor})
   * @throws HashringConfigException when a hashring cannot hold the replicas, or names zones under
   *     hashmod
   */
  public static MultiHashring of(
      HashringConfig config, Algorithm flagDefault, int replicationFactor)
      throws HashringConfigException {
    if (replicationFactor < 1) {
      throw new IllegalArgumentException(
          "replication factor must be at least 1, got " + replicationFactor);
    }
    List<SingleHashring> rings = new ArrayList<>();
    List<TenantMatcher> matchers = new ArrayList<>();
    List<Ring> entries = config.hashrings();
    for (int i = 0; i < entries.size(); i++) {
      Ring entry = entries.get(i);
      String name = ringName(entry, i);
      try {
        rings.add(
            entry.algorithmOr(flagDefault) == Algorithm.KETAMA
                ? new KetamaHashring(name, entry.endpoints(), replicationFactor)
                : new HashmodHashring(name, entry.endpoints(), replicationFactor));
      } catch (HashringConfigException e) {
        throw new HashringConfigException(e.reason(), "[" + i + "]: " + e.getMessage(), e);
      }
      matchers.add(TenantMatcher.of(entry.tenants(), entry.tenantMatcherType()));
    }
    return new MultiHashring(rings, matchers, replicationFactor);
  }

  /**
   * The name a hashring goes by in metrics and logs: its {@code hashring} field, or {@code
   * hashring-<index>} (0-based, file order) when the field is empty, so that two unnamed hashrings
   * stay apart.
   */
  public static String ringName(Ring entry, int index) {
    return entry.name().isEmpty() ? "hashring-" + index : entry.name();
  }

  @Override
  public SingleHashring ringFor(String tenant) {
    for (int i = 0; i < rings.size(); i++) {
      if (matchers.get(i).matches(tenant)) {
        return rings.get(i);
      }
    }
    return null;
  }

  /** The hashrings in file order. */
  public List<SingleHashring> rings() {
    return rings;
  }

  @Override
  public List<Endpoint> nodes() {
    return nodes;
  }

  @Override
  public int replicationFactor() {
    return replicationFactor;
  }
}
