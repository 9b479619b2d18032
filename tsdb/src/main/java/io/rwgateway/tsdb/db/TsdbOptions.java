package io.rwgateway.tsdb.db;

import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.layout.BlockLayout;
import io.rwgateway.wal.WalOptions;
import java.nio.file.Path;

/**
 * Settings of the multi-tenant TSDB.
 *
 * @param path root directory; each tenant lives in {@code path/<tenant>/}
 * @param wal how WAL records are synced
 * @param appendWindowMs a sample older than (newest sample in the tenant's head - appendWindowMs)
 *     is rejected as too old, as Prometheus' head does (half a block range, 1h)
 * @param blockDurationMs the range of the blocks cut from the head (Prometheus' min-block-duration,
 *     2h); ranges are aligned to multiples of it
 * @param maxBlockDurationMs largest block range; we only cut blocks of {@code blockDurationMs} and
 *     leave merging them to Thanos Compactor, so this is only checked to be at least {@code
 *     blockDurationMs}
 * @param retentionMs local blocks whose end is this far behind the newest block's end are deleted;
 *     0 keeps them forever
 * @param flushOnShutdown a clean shutdown writes the whole head to blocks and empties the WAL, so
 *     the next start has nothing to replay
 * @param externalLabels written into each block's meta.json {@code thanos.labels}
 * @param compactionIntervalMs how often the background thread checks whether a block is due
 * @param outOfOrderWindowMs a float sample older than its series' newest is accepted when it is no
 *     older than the tenant's newest sample minus this (0: refused); a block's range is cut only
 *     once this window has passed its end
 */
public record TsdbOptions(
    Path path,
    WalOptions wal,
    long appendWindowMs,
    long blockDurationMs,
    long maxBlockDurationMs,
    long retentionMs,
    boolean flushOnShutdown,
    Labels externalLabels,
    long compactionIntervalMs,
    long outOfOrderWindowMs,
    String tenantLabel) {
  public static final long TWO_HOURS = 2 * 3_600_000L;
  public static final long DEFAULT_RETENTION_MS = 15 * 24 * 3_600_000L;

  public TsdbOptions {
    if (blockDurationMs <= 0) {
      throw new IllegalArgumentException(
          "block duration must be positive, not " + blockDurationMs + " ms");
    }
    if (maxBlockDurationMs < blockDurationMs) {
      throw new IllegalArgumentException(
          "max block duration ("
              + maxBlockDurationMs
              + " ms) must be at least the min block duration ("
              + blockDurationMs
              + " ms)");
    }
    if (retentionMs < 0) {
      throw new IllegalArgumentException("retention must not be negative");
    }
    if (compactionIntervalMs <= 0) {
      throw new IllegalArgumentException("compaction interval must be positive");
    }
    if (outOfOrderWindowMs < 0) {
      throw new IllegalArgumentException("out-of-order window must not be negative");
    }
    if (tenantLabel == null || tenantLabel.isEmpty()) {
      throw new IllegalArgumentException("tenant label name must not be empty");
    }
  }

  /** Defaults with the given WAL settings and append window (2h blocks, 15d retention, flush). */
  public TsdbOptions(Path path, WalOptions wal, long appendWindowMs) {
    this(
        path,
        wal,
        appendWindowMs,
        TWO_HOURS,
        TWO_HOURS,
        DEFAULT_RETENTION_MS,
        true,
        Labels.EMPTY,
        60_000L,
        0,
        BlockLayout.TENANT_LABEL);
  }

  public static TsdbOptions defaults(Path path) {
    return new TsdbOptions(path, WalOptions.defaults(), 3_600_000L);
  }

  public TsdbOptions withBlockDuration(long ms) {
    return new TsdbOptions(
        path,
        wal,
        appendWindowMs,
        ms,
        Math.max(ms, maxBlockDurationMs),
        retentionMs,
        flushOnShutdown,
        externalLabels,
        compactionIntervalMs,
        outOfOrderWindowMs,
        tenantLabel);
  }

  public TsdbOptions withRetention(long ms) {
    return new TsdbOptions(
        path,
        wal,
        appendWindowMs,
        blockDurationMs,
        maxBlockDurationMs,
        ms,
        flushOnShutdown,
        externalLabels,
        compactionIntervalMs,
        outOfOrderWindowMs,
        tenantLabel);
  }

  public TsdbOptions withFlushOnShutdown(boolean flush) {
    return new TsdbOptions(
        path,
        wal,
        appendWindowMs,
        blockDurationMs,
        maxBlockDurationMs,
        retentionMs,
        flush,
        externalLabels,
        compactionIntervalMs,
        outOfOrderWindowMs,
        tenantLabel);
  }

  public TsdbOptions withExternalLabels(Labels labels) {
    return new TsdbOptions(
        path,
        wal,
        appendWindowMs,
        blockDurationMs,
        maxBlockDurationMs,
        retentionMs,
        flushOnShutdown,
        labels,
        compactionIntervalMs,
        outOfOrderWindowMs,
        tenantLabel);
  }

  public TsdbOptions withCompactionInterval(long ms) {
    return new TsdbOptions(
        path,
        wal,
        appendWindowMs,
        blockDurationMs,
        maxBlockDurationMs,
        retentionMs,
        flushOnShutdown,
        externalLabels,
        ms,
        outOfOrderWindowMs,
        tenantLabel);
  }

  public TsdbOptions withOutOfOrderWindow(long ms) {
    return new TsdbOptions(
        path,
        wal,
        appendWindowMs,
        blockDurationMs,
        maxBlockDurationMs,
        retentionMs,
        flushOnShutdown,
        externalLabels,
        compactionIntervalMs,
        ms,
        tenantLabel);
  }

  /**
   * The label that names the tenant in blocks' {@code thanos.labels} and on every series the
   * StoreAPI serves (Thanos' {@code --receive.tenant-label-name}).
   */
  public TsdbOptions withTenantLabel(String name) {
    return new TsdbOptions(
        path,
        wal,
        appendWindowMs,
        blockDurationMs,
        maxBlockDurationMs,
        retentionMs,
        flushOnShutdown,
        externalLabels,
        compactionIntervalMs,
        outOfOrderWindowMs,
        name);
  }
}
