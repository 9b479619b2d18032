package io.rwgateway.ingest.limits;

import java.util.ArrayDeque;

/**
 * Thanos' write gate ({@code write.global.max_concurrency}): at most that many write requests are
 * handled at once; the others wait their turn (they are not refused, as in Thanos), in arrival
 * order. A waiting request holds its already-read body and its connection's reading is paused, so
 * the wait is bounded by the number of connections. The limit is read at every call, so a reloaded
 * limits file applies at once.
 */
public final class WriteGate {
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int inFlight;

  /**
   * Takes a slot for a request: true when it may run now; false when it was queued, and {@code
   * later} runs (on the thread that frees a slot; it should hand itself to its own event loop) once
   * it has one.
   *
   * @param max the current limit (0 or less: none)
   */
  public synchronized boolean enterOrWait(long max, Runnable later) {
    if (max <= 0 || inFlight < max) {
      inFlight++;
      return true;
    }
    waiting.add(later);
    return false;
  }

  /** Frees a request's slot; hands it to the next waiting request, if any. */
  public void exit(long max) {
    Runnable next = null;
    synchronized (this) {
      inFlight--;
      if (!waiting.isEmpty() && (max <= 0 || inFlight < max)) {
        inFlight++;
        next = waiting.poll();
      }
    }
    if (next != null) {
      next.run();
    }
  }

  /** Requests being handled now. */
  public synchronized int inFlight() {
    return inFlight;
  }

  /** Requests waiting for a slot. */
  public synchronized int waiting() {
    return waiting.size();
  }
}
