package io.rwgateway.hashring;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.hashring.HashringConfig.Algorithm;
import io.rwgateway.hashring.HashringConfigException.Reason;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the current {@link Hashring} in step with the hashring file ({@code
 * --receive.hashrings-file}) or inline content ({@code --receive.hashrings}, which is never
 * reloaded).
 *
 * <p>A file is read again on any change in its directory (see {@link DirectoryWatch}) and every
 * refresh interval (5 minutes by default, as Thanos), and is taken only when its content (by
 * SHA-256) differs from the ring in use. Content that cannot become a ring (unreadable, deleted,
 * not JSON, invalid, too few nodes for the replication factor) is refused: the previous ring stays,
 * the log says why and {@code rwgateway_hashring_config_last_reload_successful} drops to 0 until
 * the file is usable again. Only the first load must succeed: {@link #start()} throws otherwise, as
 * Thanos refuses to start.
 *
 * <p>NOTE: Thanos exits when a reloaded file parses but cannot be built into a ring (for example
 * fewer endpoints than the replication factor); here that file is refused like any other bad file,
 * because a typo in a ConfigMap should not take every replica down at once.
 */
public final class HashringWatcher implements AutoCloseable {
  /** Thanos' default for {@code --receive.hashrings-file-refresh-interval}. */
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofMinutes(5);

  private static final Logger LOG = LoggerFactory.getLogger(HashringWatcher.class);

  /** Told about the ring in use: once at subscription, then after every accepted change. */
  @FunctionalInterface
  public interface Listener {
    void hashringChanged(Hashring ring, long version);
  }

  private final HashringSource source;
  private final Path file;
  private final Algorithm defaultAlgorithm;
  private final int replicationFactor;
  private final Duration refreshInterval;
  private final Duration settleDelay;
  private final Clock clock;
  private final boolean watchDirectory;
  private final HashringMetrics metrics;
  private final List<Listener> listeners = new ArrayList<>();
  private final AtomicBoolean checkPending = new AtomicBoolean();

  private volatile Hashring current;
  private volatile HashringConfig currentConfig;
  private volatile long version;
  private volatile String lastError;
  private byte[] currentDigest;
  private volatile ScheduledExecutorService scheduler;
  private volatile DirectoryWatch watch;

  private HashringWatcher(Builder b) {
    // As Thanos, the file takes precedence over inline content.
    this.source = b.file != null ? HashringSource.file(b.file) : HashringSource.inline(b.inline);
    this.file = source.file();
    this.defaultAlgorithm = b.defaultAlgorithm;
    this.replicationFactor = b.replicationFactor;
    this.refreshInterval = b.refreshInterval;
    this.settleDelay = b.settleDelay;
    this.clock = b.clock;
    this.watchDirectory = b.watchDirectory;
    this.metrics = new HashringMetrics(b.registry);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Loads the ring and, for a file, starts watching it.
   *
   * @throws HashringConfigException when the first load fails (there is no previous ring to keep)
   */
  public void start() throws HashringConfigException {
    synchronized (this) {
      if (current != null) {
        throw new IllegalStateException("already started");
      }
      metrics.refreshed();
      byte[] content = source.read();
      install(content, build(content));
    }
    if (file == null) {
      return;
    }
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "hashring-reload");
              t.setDaemon(true);
              return t;
            });
    long every = refreshInterval.toMillis();
    scheduler.scheduleWithFixedDelay(this::checkNow, every, every, TimeUnit.MILLISECONDS);
    if (!watchDirectory) {
      return;
    }
    try {
      watch = new DirectoryWatch(file, this::requestCheck);
    } catch (IOException e) {
      LOG.warn(
          "cannot watch {} for hashring changes ({}); relying on the check every {}",
          file,
          e.toString(),
          refreshInterval);
    }
  }

  /** The ring in use; null before {@link #start()}. */
  public Hashring current() {
    return current;
  }

  /** The configuration of the ring in use. */
  public HashringConfig currentConfig() {
    return currentConfig;
  }

  /** 1 after the first load, plus one per accepted change. */
  public long version() {
    return version;
  }

  /** Why the last check refused the file, or null when it was usable. */
  public String lastError() {
    return lastError;
  }

  /**
   * Adds a listener and tells it the ring in use at once (if started), under the same lock as
   * changes, so that no change falls between reading the ring and subscribing. Later calls come on
   * the watcher's thread, in order; a listener must be quick and must not throw.
   */
  public synchronized void subscribe(Listener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
    if (current != null) {
      listener.hashringChanged(current, version);
    }
  }

  /**
   * Reads the file now and takes it if it changed and is usable; returns whether the ring changed.
   * The periodic check and the directory watch call this; tests call it to be deterministic.
   */
  public synchronized boolean checkNow() {
    if (file == null || current == null) {
      return false;
    }
    try {
      metrics.refreshed();
      byte[] content = source.read();
      if (Arrays.equals(sha256(content), currentDigest)) {
        if (lastError != null) {
          LOG.info("hashring file {} is usable again (same content as version {})", file, version);
          lastError = null;
          metrics.recovered(nowSeconds());
        }
        return false;
      }
      install(content, build(content));
      return true;
    } catch (HashringConfigException e) {
      lastError = e.getMessage();
      metrics.failed(e.reason());
      LOG.error("hashring file {} refused, keeping version {}: {}", file, version, e.getMessage());
      return false;
    } catch (RuntimeException e) {
      // Never let the scheduler's thread die: a later check may well succeed.
      lastError = e.toString();
      metrics.failed(Reason.RING);
      LOG.error("hashring file {} could not be loaded, keeping version {}", file, version, e);
      return false;
    }
  }

  private void requestCheck() {
    // Events come in bursts (a ConfigMap swap is several renames); one check after they settle.
    if (checkPending.compareAndSet(false, true)) {
      try {
        scheduler.schedule(
            () -> {
              checkPending.set(false);
              checkNow();
            },
            settleDelay.toMillis(),
            TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        // closing
      }
    }
  }

  private record Loaded(HashringConfig config, MultiHashring ring) {}

  private Loaded build(byte[] content) throws HashringConfigException {
    HashringConfig config = HashringConfig.parse(content);
    return new Loaded(config, MultiHashring.of(config, defaultAlgorithm, replicationFactor));
  }

  private void install(byte[] content, Loaded loaded) {
    HashringConfig config = loaded.config();
    MultiHashring ring = loaded.ring();
    for (String w : config.warnings()) {
      LOG.warn("hashring {}: {}", source, w);
    }
    currentConfig = config;
    currentDigest = sha256(content);
    current = ring;
    version++;
    lastError = null;
    metrics.loaded(version, ring.rings(), nowSeconds());
    metrics.configTaken(config);
    LOG.info("hashring version {} from {}: {}", version, source, describe(ring));
    for (Listener l : listeners) {
      try {
        l.hashringChanged(ring, version);
      } catch (RuntimeException e) {
        LOG.error("hashring listener {} failed on version {}", l, version, e);
      }
    }
  }

  private static String describe(MultiHashring ring) {
    StringBuilder sb = new StringBuilder();
    for (SingleHashring r : ring.rings()) {
      if (sb.length() > 0) {
        sb.append("; ");
      }
      sb.append(r.name())
          .append(' ')
          .append(r instanceof KetamaHashring ? "ketama" : "hashmod")
          .append(' ')
          .append(r.nodes().size())
          .append(" nodes");
    }
    return sb.append("; replication factor ").append(ring.replicationFactor()).toString();
  }

  private double nowSeconds() {
    return clock.millis() / 1000.0;
  }

  private static byte[] sha256(byte[] content) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(content);
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }

  @Override
  public void close() {
    if (watch != null) {
      try {
        watch.close();
      } catch (IOException e) {
        LOG.debug("closing the hashring watch", e);
      }
    }
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
  }

  /** Settings; the defaults are Thanos' flag defaults. */
  public static final class Builder {
    private Path file;
    private String inline;
    private Algorithm defaultAlgorithm = Algorithm.THANOS_FLAG_DEFAULT;
    private int replicationFactor = 1;
    private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;
    private Duration settleDelay = Duration.ofMillis(200);
    private Clock clock = Clock.systemUTC();
    private PrometheusRegistry registry = PrometheusRegistry.defaultRegistry;
    private boolean watchDirectory = true;

    private Builder() {}

    /** {@code --receive.hashrings-file}; takes precedence over {@link #inline}, as in Thanos. */
    public Builder file(Path file) {
      this.file = file;
      return this;
    }

    /** {@code --receive.hashrings}: the file's content given directly; loaded once. */
    public Builder inline(String json) {
      this.inline = json;
      return this;
    }

    /** {@code --receive.hashrings-algorithm}: for hashrings that name none. */
    public Builder defaultAlgorithm(Algorithm algorithm) {
      this.defaultAlgorithm = Objects.requireNonNull(algorithm);
      return this;
    }

    /** {@code --receive.replication-factor} (default 1). */
    public Builder replicationFactor(int replicationFactor) {
      if (replicationFactor < 1) {
        throw new IllegalArgumentException(
            "replication factor must be at least 1, got " + replicationFactor);
      }
      this.replicationFactor = replicationFactor;
      return this;
    }

    /** {@code --receive.hashrings-file-refresh-interval} (default 5 minutes). */
    public Builder refreshInterval(Duration interval) {
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("refresh interval must be positive, got " + interval);
      }
      this.refreshInterval = interval;
      return this;
    }

    /** How long to wait after a directory event before reading (events come in bursts). */
    public Builder settleDelay(Duration delay) {
      this.settleDelay = Objects.requireNonNull(delay);
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    public Builder registry(PrometheusRegistry registry) {
      this.registry = Objects.requireNonNull(registry);
      return this;
    }

    /**
     * Tests turn the directory watch off to see the periodic check alone, or to count checks
     * exactly.
     */
    Builder watchDirectory(boolean watch) {
      this.watchDirectory = watch;
      return this;
    }

    public HashringWatcher build() {
      if (file == null && inline == null) {
        throw new IllegalStateException("a hashring file or inline content is required");
      }
      return new HashringWatcher(this);
    }
  }
}
