package io.rwgateway.uploader;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.tsdb.BlockListener;
import io.rwgateway.tsdb.layout.TenantLayout;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships every tenant's blocks to a bucket from one background thread: the TSDB's {@link
 * BlockListener}. It holds a {@link Shipper} per tenant, created on first use, and syncs each
 * tenant every {@link UploaderSettings#interval()} and at once when the TSDB writes a block (a
 * wake-up; the TSDB's thread does no I/O here). {@link #start()} also finds the tenants already on
 * disk (directories of the TSDB path holding {@code wal/}), so blocks left from before a restart go
 * out too.
 *
 * <p>A failed sync is retried for that tenant with exponential backoff and jitter ({@link
 * UploaderBackoff}; 1 s doubling to 5 min by default), across syncs and for as long as it takes: a
 * long outage never drops a block, the blocks just wait, in order. Failures are counted and logged,
 * rate-limited ({@link UploaderTenant}). Retention may delete a block only once it is shipped
 * ({@link #mayDelete}).
 *
 * <p>The bucket is not closed here: it belongs to whoever created it.
 */
public final class Uploader implements BlockListener, Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(Uploader.class);

  private final Path tsdbPath;
  private final Bucket bucket;
  private final ShipperMetrics metrics;
  private final UploaderSettings settings;
  private final UploaderClock clock;
  private final UploaderBackoff backoff;

  /** The sidecar's one shipper: its name and options; null name for the receive role. */
  private final String sidecarName;

  private final ShipperOptions options;
  private final Map<String, UploaderTenant> tenants = new ConcurrentHashMap<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition signal = lock.newCondition();

  /** Guarded by {@link #lock}: something (a block, close) wants the loop to run now. */
  private boolean signalled;

  private volatile boolean closing;

  /** Set when close gave up waiting: the last sync stops before its next block. */
  private volatile boolean abandoned;

  private long nextIntervalAt;
  private volatile Thread thread;

  /** An uploader with {@link UploaderSettings#DEFAULT}; nothing happens until {@link #start()}. */
  public Uploader(Path tsdbPath, Bucket bucket, PrometheusRegistry registry) {
    this(tsdbPath, bucket, registry, UploaderSettings.DEFAULT);
  }

  /**
   * An uploader that does nothing until {@link #start()}.
   *
   * @param tsdbPath the TSDB directory, holding one directory per tenant
   * @param bucket where blocks go (not closed by {@link #close()})
   * @param registry where the {@code rwgateway_shipper_*} metrics are registered
   * @param settings interval, backoff and close timeout
   */
  public Uploader(
      Path tsdbPath, Bucket bucket, PrometheusRegistry registry, UploaderSettings settings) {
    this(
        tsdbPath,
        bucket,
        new ShipperMetrics(registry),
        settings,
        UploaderClock.SYSTEM,
        new Random());
  }

  Uploader(
      Path tsdbPath,
      Bucket bucket,
      ShipperMetrics metrics,
      UploaderSettings settings,
      UploaderClock clock,
      Random random) {
    this(tsdbPath, bucket, metrics, settings, clock, random, null, ShipperOptions.RECEIVE);
  }

  /**
   * An uploader for the sidecar: one {@link Shipper} over Prometheus' data directory itself (not
   * one per tenant directory), with the sidecar's options; the same loop, backoff and close as the
   * receive role's. Nothing happens until {@link #start()}.
   *
   * @param dataDir Prometheus' {@code --storage.tsdb.path}
   * @param name a stable name for logs and the metrics' {@code tenant} label
   * @param bucket where blocks go (not closed by {@link #close()})
   * @param registry where the {@code rwgateway_shipper_*} metrics are registered
   * @param settings interval (Thanos' sidecar syncs every 30 s), backoff and close timeout
   * @param options {@link ShipperOptions#sidecar} and its {@code with...} flags
   */
  public static Uploader sidecar(
      Path dataDir,
      String name,
      Bucket bucket,
      PrometheusRegistry registry,
      UploaderSettings settings,
      ShipperOptions options) {
    if (!options.sidecar()) {
      throw new IllegalArgumentException("not sidecar options: " + options);
    }
    return new Uploader(
        dataDir,
        bucket,
        new ShipperMetrics(registry),
        settings,
        UploaderClock.SYSTEM,
        new Random(),
        name,
        options);
  }

  Uploader(
      Path tsdbPath,
      Bucket bucket,
      ShipperMetrics metrics,
      UploaderSettings settings,
      UploaderClock clock,
      Random random,
      String sidecarName,
      ShipperOptions options) {
    this.sidecarName = sidecarName;
    this.options = options;
    this.tsdbPath = tsdbPath;
    this.bucket = bucket;
    this.metrics = metrics;
    this.settings = settings;
    this.clock = clock;
    this.backoff = new UploaderBackoff(settings.minBackoff(), settings.maxBackoff(), random);
    this.nextIntervalAt = clock.nanoTime();
  }

  /**
   * Registers the tenants already on disk and starts the background thread, which syncs them at
   * once. Call it once, after the TSDB is open.
   *
   * @throws IOException when the TSDB directory cannot be listed
   */
  public synchronized void start() throws IOException {
    if (thread != null || closing) {
      throw new IllegalStateException(closing ? "uploader closed" : "uploader already started");
    }
    discoverTenants();
    Thread t = new Thread(this::run, "uploader");
    t.setDaemon(true);
    t.start();
    thread = t; // published once running, so that a health check never sees it before start
    LOG.info(
        "uploader started: bucket={} tenants={} interval_seconds={}",
        bucket.describe(),
        tenants.size(),
        settings.interval().toSeconds());
  }

  /**
   * Registers a shipper for each tenant directory of the TSDB path ({@link
   * TenantLayout#isTenantDir}).
   */
  void discoverTenants() throws IOException {
    if (sidecarName != null) {
      tenant(sidecarName, tsdbPath); // NOTE: may not exist yet; the shipper then finds no blocks
      return;
    }
    if (!Files.isDirectory(tsdbPath)) {
      return;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tsdbPath)) {
      for (Path dir : dirs) {
        if (TenantLayout.isTenantDir(dir)) {
          tenant(dir.getFileName().toString(), dir);
        }
      }
    }
  }

  private UploaderTenant tenant(String tenant, Path tenantDir) {
    return tenants.computeIfAbsent(
        tenant,
        t ->
            new UploaderTenant(
                new Shipper(
                    t,
                    tenantDir,
                    bucket,
                    metrics,
                    options,
                    clock::wallMillis,
                    ShipperStaging.HARD_LINK)));
  }

  /** Wakes the background thread to ship the new block; returns at once. */
  @Override
  public void blockWritten(String tenant, Path tenantDir, Path blockDir) {
    tenant(tenant, tenantDir).wake();
    signal();
  }

  /** True once the block is in the bucket; false keeps it on disk. */
  @Override
  public boolean mayDelete(String tenant, Path blockDir) {
    Path tenantDir = blockDir.toAbsolutePath().getParent();
    return tenant(tenant, tenantDir).shipper().isShipped(blockDir.getFileName().toString());
  }

  /** The tenant's shipper, or null when the tenant is not known yet. */
  Shipper shipper(String tenant) {
    UploaderTenant t = tenants.get(tenant);
    return t == null ? null : t.shipper();
  }

  /** Failed syncs in a row of the tenant (0 when it is healthy). */
  int failures(String tenant) {
    UploaderTenant t = tenants.get(tenant);
    return t == null ? 0 : t.failures();
  }

  private void signal() {
    lock.lock();
    try {
      signalled = true;
      signal.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private volatile Throwable failure;

  /**
   * Why the uploader thread is dead, or null while it runs (or after {@link #close}). The gateway's
   * uncaught-exception handler then ends the process; health checks report it.
   */
  public String deathNotice() {
    Throwable f = failure;
    if (f != null) {
      return "uploader died: " + f;
    }
    Thread t = thread;
    return !closing && t != null && !t.isAlive() ? "uploader died" : null;
  }

  private void run() {
    try {
      while (!closing) {
        long next = cycle(clock.nanoTime());
        await(next);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (RuntimeException | Error e) {
      failure = e;
      LOG.error("uploader thread died; blocks are no longer shipped until a restart", e);
      throw e;
    }
    finalSync();
  }

  /**
   * One turn of the loop at time {@code now}: syncs the tenants that are due (interval elapsed,
   * woken by a block, or retry time reached) and returns when the next one is due. The thread calls
   * it; tests call it directly with a fake clock.
   */
  long cycle(long now) {
    boolean intervalDue = now - nextIntervalAt >= 0;
    if (intervalDue) {
      nextIntervalAt = now + settings.interval().toNanos();
    }
    long next = nextIntervalAt;
    for (UploaderTenant t : tenants.values()) {
      if (t.due(now, intervalDue)) {
        attempt(t);
      }
      if (t.backingOff() && t.retryAt() - next < 0) {
        next = t.retryAt();
      }
    }
    return next;
  }

  /** Syncs one tenant; on failure, schedules its retry counted from when the sync ended. */
  private void attempt(UploaderTenant t) {
    try {
      t.shipper().sync(() -> !abandoned);
      t.succeeded(clock.nanoTime());
    } catch (ShipperSyncException e) {
      long end = clock.nanoTime();
      t.failed(
          e,
          end,
          backoff.delayNanos(t.failures() + 1, e.retryable()),
          settings.failureLogInterval().toNanos());
    } catch (RuntimeException e) {
      // A bug, not an outage: still retried with backoff, so one bad tenant cannot stop the others,
      // and counted like any failure so that dashboards see it.
      long end = clock.nanoTime();
      ShipperSyncException wrapped = ShipperSyncException.internal(t.shipper().tenant(), e);
      t.shipper().countFailure(wrapped.reason());
      LOG.error("unexpected error while shipping: tenant={}", t.shipper().tenant(), e);
      t.failed(
          wrapped,
          end,
          backoff.delayNanos(t.failures() + 1, true),
          settings.failureLogInterval().toNanos());
    }
  }

  /** Waits until {@code deadline} (clock nanos), a signal or close. */
  private void await(long deadline) throws InterruptedException {
    lock.lock();
    try {
      while (!signalled && !closing) {
        long wait = deadline - clock.nanoTime();
        if (wait <= 0) {
          break;
        }
        signal.awaitNanos(wait);
      }
      signalled = false;
    } finally {
      lock.unlock();
    }
  }

  /** The last attempt at close: every tenant once, backoff or not (the bucket may be back). */
  private void finalSync() {
    for (UploaderTenant t : tenants.values()) {
      if (abandoned) {
        return;
      }
      try {
        t.shipper().sync(() -> !abandoned);
        t.succeeded(clock.nanoTime());
      } catch (ShipperSyncException e) {
        LOG.warn(
            "last sync before shutdown failed; the pending blocks stay on disk and ship after the next start:"
                + " tenant={} reason={} error=\"{}\"",
            t.shipper().tenant(),
            e.reason(),
            e.getMessage());
      } catch (RuntimeException e) {
        LOG.error("unexpected error in the last sync: tenant={}", t.shipper().tenant(), e);
      }
    }
  }

  /**
   * Stops the thread after one last sync of every tenant (so the blocks the gateway flushed just
   * before are shipped if the bucket is reachable), waiting at most {@link
   * UploaderSettings#closeTimeout()}. What is left pending ships after the next start.
   */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
      t = thread;
    }
    signal();
    if (t == null) {
      return;
    }
    try {
      t.join(settings.closeTimeout().toMillis());
      if (t.isAlive()) {
        abandoned = true;
        t.interrupt();
        t.join(TimeUnit.SECONDS.toMillis(5));
      }
    } catch (InterruptedException e) {
      abandoned = true;
      Thread.currentThread().interrupt();
    }
    logPending(t.isAlive());
  }

  private void logPending(boolean stuck) {
    int pending = 0;
    for (UploaderTenant u : tenants.values()) {
      try {
        pending += u.shipper().pendingNow();
      } catch (IOException e) {
        LOG.debug("cannot count pending blocks: tenant={}", u.shipper().tenant(), e);
      }
    }
    if (pending > 0 || stuck) {
      LOG.warn(
          "uploader closed with {} blocks not shipped; they stay on disk and ship after the next start{}",
          pending,
          stuck ? " (the last sync did not finish within " + settings.closeTimeout() + ")" : "");
    } else {
      LOG.info("uploader closed: every block is shipped");
    }
  }
}
