package io.rwgateway.ingest.memory;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.model.EscalatingTask;
import io.rwgateway.tsdb.WriteBatch;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admission by memory: refuses writes before the heap runs out, so that a gateway under more load
 * than its heap holds answers {@code 503} (Prometheus retries) instead of dying of an {@code
 * OutOfMemoryError}.
 *
 * <p>The measure is the heap in use right after the last garbage collection (every collection
 * reports it): what the process holds, not the garbage of the moment. Three states, with
 * hysteresis:
 *
 * <ul>
 *   <li>{@link State#NORMAL}: everything is accepted.
 *   <li>{@link State#NO_NEW_SERIES}, from the high watermark on: requests that would create series
 *       get 503; samples of series the head has are still accepted, because they are what lets it
 *       cut chunks and blocks and so free memory.
 *   <li>{@link State#FULL}, from the full watermark on: every write gets 503.
 * </ul>
 *
 * Back to NORMAL below the low watermark (from FULL to NO_NEW_SERIES below the high one). While not
 * NORMAL and no collection has run for a while (few writes, little garbage), a collection is
 * requested now and then, so that freed memory is seen.
 */
public final class MemoryGuard implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MemoryGuard.class);

  /** What writes are accepted. */
  public enum State {
    NORMAL,
    NO_NEW_SERIES,
    FULL
  }

  /** Fractions of the maximum heap; 0 < low < high <= full <= 1. */
  public record Watermarks(double low, double high, double full) {
    public static final Watermarks DEFAULT = new Watermarks(0.75, 0.85, 0.95);

    public Watermarks {
      if (!(low > 0 && low < high && high <= full && full <= 1)) {
        throw new IllegalArgumentException(
            "memory watermarks must satisfy 0 < low < high <= full <= 1, not low="
                + low
                + " high="
                + high
                + " full="
                + full);
      }
    }
  }

  private final Watermarks marks;
  private final long maxHeap;
  private final LongSupplier nanos;
  private volatile State state = State.NORMAL;
  private volatile long usedAfterGc;
  private volatile long lastGcNanos;
  private long lastRequestedGcNanos;
  private final Counter refused;
  private final Set<String> heapPools = new HashSet<>();
  private final NotificationListener listener = (n, handback) -> onGc(n);
  private ScheduledExecutorService checker;
  private volatile LongSupplier reusable = () -> 0;
  private volatile java.util.function.BooleanSupplier relieve = () -> true;
  private long lastRelief;

  /** A guard fed by this JVM's collections (see {@link #start}). */
  public MemoryGuard(Watermarks marks, PrometheusRegistry reg) {
    this(marks, Runtime.getRuntime().maxMemory(), System::nanoTime, reg);
  }

  /** For tests: a heap of {@code maxHeap} bytes, fed through {@link #afterGc}. */
  MemoryGuard(Watermarks marks, long maxHeap, LongSupplier nanos, PrometheusRegistry reg) {
    this.marks = effective(marks, maxHeap);
    this.maxHeap = maxHeap;
    this.nanos = nanos;
    this.lastGcNanos = nanos.getAsLong();
    this.refused =
        Counter.builder()
            .name("rwgateway_memory_refused_requests_total")
            .help("Write requests answered 503 because memory is nearly full, by reason.")
            .labelNames("reason")
            .register(reg);
    // Both reasons exist from the start at 0, so that rate() and increase() see the first refusal
    // (a series born at 1 has no earlier sample to count from) and alerts can select them.
    refused.labelValues("full");
    refused.labelValues("new_series");
    GaugeWithCallback.builder()
        .name("rwgateway_memory_state")
        .help("Write admission by memory: 0 all writes, 1 no new series, 2 no writes.")
        .callback(cb -> cb.call(state.ordinal()))
        .register(reg);
    GaugeWithCallback.builder()
        .name("rwgateway_memory_heap_after_gc_bytes")
        .help(
            "Heap in use right after the last garbage collection, less what the heads hold for"
                + " reuse.")
        .callback(cb -> cb.call(usedAfterGc))
        .register(reg);
    GaugeWithCallback.builder()
        .name("rwgateway_memory_heap_max_bytes")
        .help("The maximum heap the watermarks are fractions of.")
        .callback(cb -> cb.call(maxHeap))
        .register(reg);
  }

  /**
   * Heap the process holds but can reuse before it grows (the heads' free open-chunk pieces): it is
   * subtracted from the heap after collection, since refusing writes would not free it and writing
   * more does not need more of it.
   */
  public void reusable(LongSupplier bytes) {
    this.reusable = bytes;
  }

  /**
   * What to do while not NORMAL, at most every 10 s: give memory back to {@link #reusable} (cut
   * open chunks early). Returns false when it could not be queued (tried again a second later).
   */
  public void relieveBy(java.util.function.BooleanSupplier action) {
    this.relieve = action;
  }

  /**
   * The watermarks in force for a heap of {@code maxHeap} bytes: the configured fractions, lowered
   * where they would leave less than an absolute reserve above them (a quarter of the heap at most)
   * for what is allocated between two collections: 128 MiB above the high watermark, 64 MiB above
   * the full one. A small heap's 5% is a few MB, less than one burst of requests.
   */
  static Watermarks effective(Watermarks m, long maxHeap) {
    double heap = Math.max(1, maxHeap);
    double highReserve = Math.min(128.0 * (1 << 20), heap / 4) / heap;
    double fullReserve = Math.min(64.0 * (1 << 20), heap / 8) / heap;
    double full = Math.min(m.full(), 1 - fullReserve);
    double high = Math.min(Math.min(m.high(), 1 - highReserve), full);
    double low = Math.min(m.low(), high - 0.05);
    return new Watermarks(low, high, full);
  }

  /** The watermarks in force (see {@link #effective}). */
  public Watermarks watermarks() {
    return marks;
  }

  /** Listens to this JVM's collections and starts the idle check. */
  public synchronized void start() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        heapPools.add(p.getName());
      }
    }
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter) {
        ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
      }
    }
    checker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "memory-guard");
              t.setDaemon(true);
              return t;
            });
    checker.scheduleWithFixedDelay(
        new EscalatingTask("memory-guard", this::idleCheck), 1, 1, TimeUnit.SECONDS);
    log.info(
        "memory admission: max heap {} MB; new series refused from {}%, all writes from {}%,"
            + " accepted again below {}%",
        maxHeap >> 20,
        Math.round(marks.high() * 100),
        Math.round(marks.full() * 100),
        Math.round(marks.low() * 100));
  }

  private void onGc(javax.management.Notification n) {
    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
      return;
    }
    GarbageCollectionNotificationInfo info =
        GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
    long used = 0;
    for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      if (heapPools.contains(e.getKey())) {
        used += e.getValue().getUsed();
      }
    }
    afterGc(used);
  }

  /** A collection left {@code used} bytes of heap in use (reusable memory not counted). */
  synchronized void afterGc(long heapUsed) {
    long used = Math.max(0, heapUsed - reusable.getAsLong());
    usedAfterGc = used;
    lastGcNanos = nanos.getAsLong();
    double f = (double) used / maxHeap;
    State before = state;
    State next;
    if (f >= marks.full()) {
      next = State.FULL;
    } else if (f >= marks.high()) {
      next = before == State.FULL ? State.FULL : State.NO_NEW_SERIES;
    } else if (f >= marks.low()) {
      // Between the watermarks the state only eases: FULL to NO_NEW_SERIES, the rest stays.
      next = before == State.NORMAL ? State.NORMAL : State.NO_NEW_SERIES;
    } else {
      next = State.NORMAL;
    }
    if (next != before) {
      state = next;
      if (next.ordinal() > before.ordinal()) {
        // NOTE: not from the low watermark on: measured, cutting that often (every ~20 s at 1M
        // series in 646 MB) piles up finished-chunk refs faster and ran out of heap sooner.
        relieveNow();
      }
      String msg = "memory admission {} -> {}: heap after collection {} MB of {} MB ({}%)";
      Object[] args = {before, next, used >> 20, maxHeap >> 20, Math.round(f * 100)};
      if (next.ordinal() > before.ordinal()) {
        log.warn(msg, args);
      } else {
        log.info(msg, args);
      }
    }
  }

  /** Runs the relief action, at most every 10 s. */
  private void relieveNow() {
    long now = nanos.getAsLong();
    if (lastRelief != 0 && now - lastRelief < TimeUnit.SECONDS.toNanos(10)) {
      return;
    }
    if (relieve.getAsBoolean()) {
      lastRelief = now;
    }
  }

  /**
   * While writes are limited: relief every 10 s, and, when collections stopped, a collection every
   * 30 s to see freed memory.
   */
  private void idleCheck() {
    if (state != State.NORMAL) {
      synchronized (this) {
        relieveNow();
      }
    }
    long now = nanos.getAsLong();
    if (state != State.NORMAL
        && now - lastGcNanos > TimeUnit.SECONDS.toNanos(10)
        && now - lastRequestedGcNanos > TimeUnit.SECONDS.toNanos(30)) {
      lastRequestedGcNanos = now;
      System.gc(); // NOPMD: a full collection tells the live heap; writes are limited meanwhile
    }
  }

  public State state() {
    return state;
  }

  /**
   * Why {@code batch} (its series resolved against the head: a null hint is a new series) must be
   * refused now, or null when it may be written.
   */
  public String refusal(WriteBatch batch) {
    State s = state;
    if (s == State.NORMAL) {
      return null;
    }
    if (s == State.FULL) {
      refused.labelValues("full").inc();
      return "memory is full: heap after collection "
          + (usedAfterGc >> 20)
          + " MB of "
          + (maxHeap >> 20)
          + " MB; no writes accepted until it is below "
          + Math.round(marks.high() * 100)
          + "%; retry with backoff";
    }
    int fresh = 0;
    for (int i = 0; i < batch.seriesCount; i++) {
      if (batch.seriesHint[i] == null) {
        fresh++;
      }
    }
    if (fresh == 0) {
      return null;
    }
    refused.labelValues("new_series").inc();
    return "memory is nearly full: heap after collection "
        + (usedAfterGc >> 20)
        + " MB of "
        + (maxHeap >> 20)
        + " MB; new series are not accepted until it is below "
        + Math.round(marks.low() * 100)
        + "% (this request has "
        + fresh
        + "); samples of existing series are; retry with backoff";
  }

  @Override
  public synchronized void close() {
    if (checker != null) {
      checker.shutdownNow();
      checker = null;
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        if (gc instanceof NotificationEmitter) {
          try {
            ((NotificationEmitter) gc).removeNotificationListener(listener);
          } catch (javax.management.ListenerNotFoundException e) {
            // not added
          }
        }
      }
    }
  }
}
