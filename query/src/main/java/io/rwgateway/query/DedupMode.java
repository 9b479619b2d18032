package io.rwgateway.query;

/** How replicas' values are merged; chosen per query from the PromQL function that reads them. */
public enum DedupMode {
  /** Values as the replicas have them. */
  PLAIN,
  /**
   * Counter-aware: when the merge switches to a replica whose value is below the last value given
   * out, that replica is shifted up by the difference from then on, so a switch never looks like a
   * counter reset to {@code rate} (replicas' counters start at different times or restart).
   */
  COUNTER;

  /** Thanos uses the counter mode for exactly these functions; everything else is plain. */
  public static DedupMode forFunction(String function) {
    if (function == null) {
      return PLAIN;
    }
    switch (function) {
      case "increase":
      case "rate":
      case "irate":
      case "resets":
        return COUNTER;
      default:
        return PLAIN;
    }
  }
}
