package io.rwgateway.tsdb.head;

import java.util.TreeMap;

/**
 * Leases of the head's streaming readers, by epoch: an epoch ends each time head truncation retires
 * chunk segment files. A reader that started in epoch e may hold refs into segments retired at the
 * end of e (it snapshotted a series before truncation released its chunks); one that started later
 * cannot. So a retired segment's channel is closed only once no reader from its epoch or before is
 * left: readers never see a file closed under them, and need no retry.
 */
final class HeadReaders {
  private long epoch;

  /** Open leases by the epoch they started in. */
  private final TreeMap<Long, Integer> open = new TreeMap<>();

  /** Takes a lease; returns its token for {@link #release}. */
  synchronized long acquire() {
    open.merge(epoch, 1, Integer::sum);
    return epoch;
  }

  synchronized void release(long token) {
    Integer n = open.get(token);
    if (n == null) {
      throw new IllegalStateException("release of a lease not held (epoch " + token + ")");
    }
    if (n == 1) {
      open.remove(token);
    } else {
      open.put(token, n - 1);
    }
  }

  /** Ends the current epoch (segments are being retired) and returns it. */
  synchronized long endEpoch() {
    return epoch++;
  }

  /** Whether a reader that started in {@code epoch} or before still holds a lease. */
  synchronized boolean anyFrom(long epoch) {
    return !open.isEmpty() && open.firstKey() <= epoch;
  }

  /** Leases held now. */
  synchronized int count() {
    int n = 0;
    for (int c : open.values()) {
      n += c;
    }
    return n;
  }
}
