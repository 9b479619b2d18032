package io.rwgateway.hashring;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Thanos' {@code hashmod} placement: with the endpoints sorted by address, the owners of a series
 * with hash {@code h} are {@code sorted[(h + r) mod n]} for {@code r = 0 .. rf-1} (unsigned 64-bit
 * arithmetic; see {@link #ownersOfHash} for the one corner where this class differs). Even spread,
 * but adding or removing a node moves nearly every series.
 *
 * <p>{@link #nodes()} is the sorted list: Thanos sorts before placing, so the order in the file
 * does not matter.
 */
public final class HashmodHashring extends SingleHashring {
  // NOTE: Go's strings.Compare orders by UTF-8 bytes, which is code point order; String.compareTo
  // orders by UTF-16 units and would differ for addresses with characters above U+FFFF.
  static final Comparator<String> UTF8_ORDER =
      (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
          int ca = a.codePointAt(i);
          int cb = b.codePointAt(j);
          if (ca != cb) {
            return Integer.compare(ca, cb);
          }
          i += Character.charCount(ca);
          j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
      };

  private final int n;

  /**
   * @throws HashringConfigException when an endpoint has an availability zone, an address repeats,
   *     or there are fewer endpoints than {@code replicationFactor}
   */
  public HashmodHashring(String name, List<Endpoint> endpoints, int replicationFactor)
      throws HashringConfigException {
    super(name, sorted(name, endpoints, replicationFactor), replicationFactor);
    this.n = endpoints.size();
  }

  private static List<Endpoint> sorted(String name, List<Endpoint> endpoints, int replicationFactor)
      throws HashringConfigException {
    String at = "hashring \"" + name + "\"";
    RingChecks.noZones(endpoints, at);
    RingChecks.distinctAddresses(endpoints, at);
    RingChecks.enoughNodes(endpoints.size(), replicationFactor, at);
    List<Endpoint> s = new ArrayList<>(endpoints);
    s.sort(Comparator.comparing(Endpoint::address, UTF8_ORDER));
    return s;
  }

  @Override
  public void ownersOfHash(long seriesHash, int[] out) {
    // NOTE: Thanos computes (hash + r) mod n on uint64, which wraps at 2^64: for the rf-1 largest
    // hashes that gives one node twice. (hash mod n + r) mod n is the same everywhere else and
    // always gives distinct nodes; the difference is rf-1 hash values out of 2^64.
    int first = (int) Long.remainderUnsigned(seriesHash, n);
    int rf = replicationFactor();
    for (int r = 0; r < rf; r++) {
      int o = first + r;
      out[r] = o >= n ? o - n : o;
    }
  }
}
