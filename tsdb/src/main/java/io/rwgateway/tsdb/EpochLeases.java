package io.rwgateway.tsdb;

import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leases of readers, by epoch. A writer that is about to take something away from readers (close a
 * deleted head chunk file, truncate the head behind a new block) ends the current epoch; readers
 * that started in it or before may still need the old state, readers that start later cannot. So
 * the writer waits for, or defers its step until, no lease from that epoch or before is left
 * (Prometheus' head does the same with its pending readers): a reader never sees data vanish under
 * it and never retries.
 */
public final class EpochLeases {
  private static final Logger LOG = LoggerFactory.getLogger(EpochLeases.class);

  private final String what;
  private long epoch;

  /** Open leases by the epoch they started in. */
  private final TreeMap<Long, Integer> open = new TreeMap<>();

  /** {@code what} names the readers in log lines (for example "head chunk readers of t1"). */
  public EpochLeases(String what) {
    this.what = what;
  }

  /** Takes a lease; returns its token for {@link #release}. */
  public synchronized long acquire() {
    open.merge(epoch, 1, Integer::sum);
    return epoch;
  }

  /** Gives back the lease {@code token} names. */
  public synchronized void release(long token) {
    Integer n = open.get(token);
    if (n == null) {
      throw new IllegalStateException("release of a lease not held (epoch " + token + ")");
    }
    if (n == 1) {
      open.remove(token);
      notifyAll();
    } else {
      open.put(token, n - 1);
    }
  }

  /** Ends the current epoch and returns it. */
  public synchronized long endEpoch() {
    return epoch++;
  }

  /** Whether a reader that started in {@code epoch} or before still holds a lease. */
  public synchronized boolean anyFrom(long epoch) {
    return !open.isEmpty() && open.firstKey() <= epoch;
  }

  /**
   * Waits until no reader from {@code epoch} or before holds a lease, logging every {@code
   * logEvery} of waiting (a reader that never closes is a bug that would otherwise hang silently).
   */
  public synchronized void awaitNoneFrom(long epoch, long logEvery, TimeUnit unit)
      throws InterruptedException {
    long step = unit.toMillis(logEvery);
    long start = System.nanoTime();
    while (anyFrom(epoch)) {
      wait(step);
      if (anyFrom(epoch)) {
        LOG.warn(
            "waiting for {} that started before epoch {} to close: waited_seconds={} open={}",
            what,
            epoch + 1,
            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start),
            count());
      }
    }
  }

  /** Leases held now. */
  public synchronized int count() {
    int n = 0;
    for (int c : open.values()) {
      n += c;
    }
    return n;
  }
}
