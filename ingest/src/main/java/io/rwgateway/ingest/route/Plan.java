package io.rwgateway.ingest.route;

import java.util.Arrays;

/**
 * Where the series of one batch go: the local series, and one group per (peer, replica), as
 * Thanos sends one request per replica so the peer can record which replica it holds. Reused per
 * event loop: arrays grow and stay.
 */
final class Plan {
  int[] localSeries = new int[64];
  int localCount;
  // Dense by node * rf + replica; only the touched groups are listed in order of first use.
  private int[][] series = new int[0][];
  private int[] sizes = new int[0];
  private int rf;
  // The touched groups.
  int groupCount;
  int[] groupNode = new int[8];
  int[] groupReplica = new int[8];
  int[][] groupSeries = new int[8][];
  int[] groupSize = new int[8];
  private int[] touched = new int[8];

  void reset(int nodes, int replicationFactor, int seriesCount) {
    localCount = 0;
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

  void addLocal(int i) {
    if (localCount == 0 || localSeries[localCount - 1] != i) { // one local write per series
      localSeries[localCount++] = i;
    }
  }

  void add(int node, int replica, int i) {
    int slot = node * rf + replica;
    int n = sizes[slot];
    if (n == 0) {
      touch(slot, node, replica);
    }
    int[] s = series[slot];
    if (s == null || n == s.length) {
      s = series[slot] = s == null ? new int[64] : Arrays.copyOf(s, n * 2);
    }
    s[n] = i;
    sizes[slot] = n + 1;
  }

  private void touch(int slot, int node, int replica) {
    if (groupCount == touched.length) {
      int c = groupCount * 2;
      touched = Arrays.copyOf(touched, c);
      groupNode = Arrays.copyOf(groupNode, c);
      groupReplica = Arrays.copyOf(groupReplica, c);
      groupSeries = Arrays.copyOf(groupSeries, c);
      groupSize = Arrays.copyOf(groupSize, c);
    }
    touched[groupCount] = slot;
    groupNode[groupCount] = node;
    groupReplica[groupCount] = replica;
    groupCount++;
  }

  /** Local request (if any) plus one per touched group; fills groupSeries/groupSize. */
  int requestCount() {
    for (int g = 0; g < groupCount; g++) {
      groupSeries[g] = series[touched[g]];
      groupSize[g] = sizes[touched[g]];
    }
    return (localCount > 0 ? 1 : 0) + groupCount;
  }
}
