package io.rwgateway.ingest.route;

import java.util.Arrays;

/**
 * Where the series of one batch go: the local series, and one group per (peer, replica), as Thanos
 * sends one request per replica so the peer can record which replica it holds. Reused per event
 * loop: arrays grow and stay.
 */
final class Plan {
  int[] localSeries = new int[64];
  int localCount;

  /** This receiver is one of the ring's nodes (so it keeps the request's metadata). */
  boolean localInRing;

  // Dense by node * rf + replica; only the touched groups are listed in order of first use.
  private int[][] series = new int[0][];
  private int[] sizes = new int[0];
  private int rf;
  // The touched groups, as their dense slots.
  int groupCount;
  private int[] touched = new int[8];

  void reset(int nodes, int replicationFactor, int seriesCount, boolean localInRing) {
    localCount = 0;
    this.localInRing = localInRing;
    for (int g = 0; g < groupCount; g++) {
      sizes[touched[g]] = 0;
    }
    groupCount = 0;
    rf = replicationFactor;
    int slots = nodes * replicationFactor;
    if (series.length < slots) {
      series = Arrays.copyOf(series, slots);
      sizes = Arrays.copyOf(sizes, slots);
    }
    if (localSeries.length < seriesCount) {
      localSeries = new int[seriesCount];
    }
  }

  /** Series {@code i} goes to the local WAL (once: a series' owners are distinct nodes). */
  void addLocal(int i) {
    localSeries[localCount++] = i;
  }

  void add(int node, int replica, int i) {
    int slot = node * rf + replica;
    int n = sizes[slot];
    if (n == 0) {
      if (groupCount == touched.length) {
        touched = Arrays.copyOf(touched, groupCount * 2);
      }
      touched[groupCount++] = slot;
    }
    int[] s = series[slot];
    if (s == null || n == s.length) {
      s = series[slot] = s == null ? new int[64] : Arrays.copyOf(s, n * 2);
    }
    s[n] = i;
    sizes[slot] = n + 1;
  }

  int groupNode(int g) {
    return touched[g] / rf;
  }

  int groupReplica(int g) {
    return touched[g] % rf;
  }

  /** The series of group g: the first {@link #groupSize} entries. */
  int[] groupSeries(int g) {
    return series[touched[g]];
  }

  int groupSize(int g) {
    return sizes[touched[g]];
  }

  /**
   * Whether the request has a local part: local series, or metadata to keep (metadata is not placed
   * on the ring; every node in it keeps what its own senders send, as in Thanos).
   */
  boolean writesLocally(int metaCount) {
    return localCount > 0 || (localInRing && metaCount > 0);
  }
}
