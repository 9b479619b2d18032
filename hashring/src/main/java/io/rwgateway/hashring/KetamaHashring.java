package io.rwgateway.hashring;

import io.rwgateway.model.XxHash64;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Thanos' {@code ketama} placement (consistent hashing), AZ-aware when endpoints name zones.
 *
 * <p>The ring: every endpoint owns {@link #SECTIONS_PER_NODE} sections; section {@code i} (1-based)
 * of an endpoint sits at {@code xxhash64(address + ":" + i)} (UTF-8, seed 0). A series with hash
 * {@code h} belongs to the first section at or after {@code h} (unsigned), wrapping to the first
 * section. Its owners are that section's precomputed replica list: walking clockwise from the
 * section, take each endpoint not yet taken, except that when the endpoints span more than one zone
 * an endpoint is skipped while its zone already holds more replicas than the emptiest zone. So
 * replicas are always on distinct nodes and, with zones, spread over them as evenly as the
 * replication factor allows. See {@link KetamaReplicas}.
 *
 * <p>{@link #nodes()} is the file order; unlike hashmod, it does not affect placement.
 */
public final class KetamaHashring extends SingleHashring {
  /** Sections per endpoint, as Thanos' {@code SectionsPerNode}. */
  public static final int SECTIONS_PER_NODE = 1000;

  // Section positions, sorted, each XOR Long.MIN_VALUE so that signed order is Go's unsigned order.
  private final long[] keys;
  // replicas[s * rf + r] = endpoint index of the r-th owner of sorted section s.
  private final int[] replicas;

  /**
   * @throws HashringConfigException when an address repeats, or the endpoints (or their zones)
   *     cannot hold {@code replicationFactor} replicas on distinct nodes
   */
  public KetamaHashring(String name, List<Endpoint> endpoints, int replicationFactor)
      throws HashringConfigException {
    this(name, endpoints, replicationFactor, SECTIONS_PER_NODE);
  }

  /** With another number of sections per node; Thanos' own tests use 10. */
  KetamaHashring(String name, List<Endpoint> endpoints, int replicationFactor, int sectionsPerNode)
      throws HashringConfigException {
    super(name, endpoints, replicationFactor);
    String at = "hashring \"" + name + "\"";
    RingChecks.distinctAddresses(endpoints, at);
    RingChecks.enoughNodes(endpoints.size(), replicationFactor, at);
    KetamaReplicas.requireZonesCanHold(endpoints, replicationFactor, at);

    int total = endpoints.size() * sectionsPerNode;
    long[] hash = new long[total];
    int[] owner = new int[total];
    int k = 0;
    for (int e = 0; e < endpoints.size(); e++) {
      String address = endpoints.get(e).address();
      for (int i = 1; i <= sectionsPerNode; i++) {
        byte[] b = (address + ":" + i).getBytes(StandardCharsets.UTF_8);
        hash[k] = XxHash64.hash(b, 0, b.length, 0);
        owner[k] = e;
        k++;
      }
    }
    // NOTE: a stable sort, so the (astronomically unlikely) tie of two sections keeps file order;
    // Go's sort.Sort leaves such a tie in an unspecified order.
    Integer[] order = new Integer[total];
    for (int i = 0; i < total; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compareUnsigned(hash[a], hash[b]));
    keys = new long[total];
    int[] sortedOwner = new int[total];
    for (int s = 0; s < total; s++) {
      keys[s] = hash[order[s]] ^ Long.MIN_VALUE;
      sortedOwner[s] = owner[order[s]];
    }
    replicas = KetamaReplicas.compute(sortedOwner, endpoints, replicationFactor);
  }

  @Override
  public void ownersOfHash(long seriesHash, int[] out) {
    long key = seriesHash ^ Long.MIN_VALUE;
    int lo = 0;
    int hi = keys.length;
    while (lo < hi) { // first section with position >= hash
      int mid = (lo + hi) >>> 1;
      if (keys[mid] < key) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    int section = lo == keys.length ? 0 : lo;
    int rf = replicationFactor();
    System.arraycopy(replicas, section * rf, out, 0, rf);
  }

  /** Number of sections on the ring (endpoints times sections per node). */
  int sections() {
    return keys.length;
  }
}
