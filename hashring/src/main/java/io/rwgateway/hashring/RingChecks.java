package io.rwgateway.hashring;

import io.rwgateway.hashring.HashringConfigException.Reason;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Preconditions shared by the ring constructors; each failure names the hashring. */
final class RingChecks {
  private RingChecks() {}

  static void distinctAddresses(List<Endpoint> endpoints, String at)
      throws HashringConfigException {
    Set<String> seen = new HashSet<>();
    for (Endpoint e : endpoints) {
      if (!seen.add(e.address())) {
        throw new HashringConfigException(
            Reason.INVALID, at + ": address " + e.address() + " appears twice");
      }
    }
  }

  static void enoughNodes(int nodes, int replicationFactor, String at)
      throws HashringConfigException {
    if (nodes < replicationFactor) {
      throw new HashringConfigException(
          Reason.RING,
          at
              + ": "
              + nodes
              + " endpoint"
              + (nodes == 1 ? "" : "s")
              + " cannot hold "
              + replicationFactor
              + " replicas on distinct nodes (replication factor "
              + replicationFactor
              + ")");
    }
  }

  /** Hashmod cannot honour zones; Thanos refuses the combination too. */
  static void noZones(List<Endpoint> endpoints, String at) throws HashringConfigException {
    for (Endpoint e : endpoints) {
      if (!e.az().isEmpty()) {
        throw new HashringConfigException(
            Reason.INVALID,
            at
                + ": the hashmod algorithm does not support availability"
                + " zones (endpoint "
                + e.address()
                + " has az \""
                + e.az()
                + "\"); use ketama or remove the az fields");
      }
    }
  }
}
