package io.rwgateway.ingest.limits;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.model.EscalatingTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limits in force: from a file (re-read when it changes, as Thanos reloads its limits file),
 * from inline YAML, or none. A file that no longer parses keeps the last good limits in force, is
 * logged with the reason at ERROR and counted; the next good version is taken.
 */
public final class WriteLimitsSource implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WriteLimitsSource.class);

  private final Path file;
  private volatile WriteLimits current;
  private String lastText;
  private final Counter reloads;
  private final Counter reloadErrors;
  // Thanos Receive's names for the same two counts, for the mixin's limits alert.
  private final Counter thanosReloads;
  private final Counter thanosReloadErrors;
  private final Gauge lastReloadOk;
  private ScheduledExecutorService reloader;

  private WriteLimitsSource(Path file, String text, WriteLimits limits, PrometheusRegistry reg) {
    this.file = file;
    this.lastText = text;
    this.current = limits;
    this.reloads =
        Counter.builder()
            .name("rwgateway_receive_limits_config_reload_total")
            .help("Times the limits file was read again after it changed and taken into force.")
            .register(reg);
    this.reloadErrors =
        Counter.builder()
            .name("rwgateway_receive_limits_config_reload_err_total")
            .help("Times a changed limits file could not be used (the previous limits stay).")
            .register(reg);
    this.thanosReloads =
        Counter.builder()
            .name("thanos_receive_limits_config_reload_total")
            .help("Times a changed limits file was taken into force (Thanos' name).")
            .register(reg);
    this.thanosReloadErrors =
        Counter.builder()
            .name("thanos_receive_limits_config_reload_err_total")
            .help("Times a changed limits file could not be used (Thanos' name).")
            .register(reg);
    this.lastReloadOk =
        Gauge.builder()
            .name("rwgateway_receive_limits_config_last_reload_successful")
            .help("1 if the limits file in force is the one on disk, 0 if its last change failed.")
            .register(reg);
    lastReloadOk.set(1);
  }

  /** No limits. */
  public static WriteLimitsSource none(PrometheusRegistry reg) {
    return new WriteLimitsSource(null, null, WriteLimits.NONE, reg);
  }

  /** Inline YAML ({@code --receive.limits-config}); never reloaded. */
  public static WriteLimitsSource inline(String yaml, PrometheusRegistry reg)
      throws LimitsConfigException {
    return new WriteLimitsSource(null, yaml, WriteLimitsParser.parse(yaml), reg);
  }

  /**
   * The file's limits ({@code --receive.limits-config-file}); a file that cannot be read or parsed
   * at start is an error (as in Thanos), later changes are taken by {@link #startReloading}.
   */
  public static WriteLimitsSource fromFile(Path file, PrometheusRegistry reg)
      throws LimitsConfigException {
    String text = read(file);
    try {
      return new WriteLimitsSource(file, text, WriteLimitsParser.parse(text), reg);
    } catch (LimitsConfigException e) {
      throw new LimitsConfigException("limits file " + file + ": " + e.getMessage(), e);
    }
  }

  private static String read(Path file) throws LimitsConfigException {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new LimitsConfigException("cannot read limits file " + file + ": " + e, e);
    }
  }

  public WriteLimits current() {
    return current;
  }

  /** Checks the file every {@code every} and takes a changed version (no-op without a file). */
  public synchronized void startReloading(Duration every) {
    if (file == null || reloader != null) {
      return;
    }
    reloader =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "limits-reload");
              t.setDaemon(true);
              return t;
            });
    long ms = Math.max(1, every.toMillis());
    reloader.scheduleWithFixedDelay(
        new EscalatingTask("limits-reload", this::reloadIfChanged), ms, ms, TimeUnit.MILLISECONDS);
  }

  /** Reads the file and takes it if it changed and parses; returns whether limits changed. */
  public synchronized boolean reloadIfChanged() {
    if (file == null) {
      return false;
    }
    String text;
    try {
      text = read(file);
    } catch (LimitsConfigException e) {
      if (lastReloadOk.get() != 0) {
        log.error("limits file cannot be read; keeping the limits in force: {}", e.getMessage());
        reloadErrors.inc();
        thanosReloadErrors.inc();
        lastReloadOk.set(0);
      }
      return false;
    }
    if (text.equals(lastText)) {
      return false;
    }
    lastText = text;
    try {
      current = WriteLimitsParser.parse(text);
    } catch (LimitsConfigException e) {
      log.error(
          "limits file {} changed but cannot be used; keeping the limits in force: {}",
          file,
          e.getMessage());
      reloadErrors.inc();
      thanosReloadErrors.inc();
      lastReloadOk.set(0);
      return false;
    }
    reloads.inc();
    thanosReloads.inc();
    lastReloadOk.set(1);
    log.info("limits file {} reloaded", file);
    return true;
  }

  @Override
  public synchronized void close() {
    if (reloader != null) {
      reloader.shutdownNow();
      reloader = null;
    }
  }
}
