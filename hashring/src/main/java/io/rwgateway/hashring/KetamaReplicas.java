package io.rwgateway.hashring;

import io.rwgateway.hashring.HashringConfigException.Reason;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The replica list of every ketama section, by Thanos' rule (its {@code calculateSectionReplicas}):
 * walk clockwise from the section; take an endpoint unless it is already taken or, when the ring
 * spans more than one zone, its zone already holds more replicas than the emptiest zone. An
 * endpoint without {@code az} is in zone {@code ""}, which counts as a zone of its own.
 */
final class KetamaReplicas {
  private KetamaReplicas() {}

  /**
   * Refuses rings on which the walk could never finish. Zones fill level by level (a zone gets its
   * k-th replica only once every zone has k-1), so a zone of {@code c} nodes caps all others at
   * {@code min(size, cmin + 1)}, where {@code cmin} is the smallest zone's size.
   *
   * <p>NOTE: Thanos does not check this and its walk then never ends (for example 3 replicas over
   * zone A with 3 nodes and zone B with 1 node works, 4 replicas would loop forever).
   */
  static void requireZonesCanHold(List<Endpoint> endpoints, int replicationFactor, String at)
      throws HashringConfigException {
    Map<String, Integer> sizes = new LinkedHashMap<>();
    for (Endpoint e : endpoints) {
      sizes.merge(e.az(), 1, Integer::sum);
    }
    if (sizes.size() < 2) {
      return;
    }
    int smallest = Integer.MAX_VALUE;
    for (int size : sizes.values()) {
      smallest = Math.min(smallest, size);
    }
    int capacity = 0;
    for (int size : sizes.values()) {
      capacity += Math.min(size, smallest + 1);
    }
    if (capacity < replicationFactor) {
      throw new HashringConfigException(
          Reason.RING,
          at
              + ": zones "
              + sizes
              + " (nodes per az) can hold at most "
              + capacity
              + " replicas spread evenly, fewer than the replication factor "
              + replicationFactor
              + "; add nodes to the smallest zone");
    }
  }

  /**
   * @param sortedOwner endpoint index of each section, in ring order
   * @return {@code replicas[s * rf + r]}: the r-th owner (endpoint index) of section s
   */
  static int[] compute(int[] sortedOwner, List<Endpoint> endpoints, int rf) {
    int sections = sortedOwner.length;
    int[] zoneOf = new int[endpoints.size()];
    Map<String, Integer> zones = new LinkedHashMap<>();
    for (int e = 0; e < endpoints.size(); e++) {
      Integer z = zones.putIfAbsent(endpoints.get(e).az(), zones.size());
      zoneOf[e] = z == null ? zones.size() - 1 : z;
    }
    boolean zoned = zones.size() > 1;
    int[] zoneCount = new int[zones.size()];
    int[] takenIn =
        new int[endpoints.size()]; // section + 1 that took the endpoint; no clearing needed
    int[] replicas = new int[sections * rf];

    for (int s = 0; s < sections; s++) {
      Arrays.fill(zoneCount, 0);
      int got = 0;
      int j = s;
      int sinceTake = 0;
      while (got < rf) {
        int e = sortedOwner[j];
        int z = zoneOf[e];
        if (takenIn[e] != s + 1 && (!zoned || zoneCount[z] <= min(zoneCount))) {
          takenIn[e] = s + 1;
          zoneCount[z]++;
          replicas[s * rf + got++] = e;
          sinceTake = 0;
        } else if (++sinceTake > sections) {
          // A full lap took nothing: the state cannot change any more. requireZonesCanHold rules
          // this out; the guard keeps a mistake there from becoming an endless loop.
          throw new IllegalStateException(
              "ketama: no endpoint can take replica " + (got + 1) + " of section " + s);
        }
        j = j + 1 == sections ? 0 : j + 1;
      }
    }
    return replicas;
  }

  private static int min(int[] a) {
    int m = Integer.MAX_VALUE;
    for (int v : a) {
      m = Math.min(m, v);
    }
    return m;
  }
}
