package io.rwgateway.tsdb;

import io.rwgateway.wal.WalOptions;
import java.nio.file.Path;

/**
 * Settings of the multi-tenant TSDB.
 *
 * @param path          root directory; each tenant lives in {@code path/<tenant>/}
 * @param wal           how WAL records are synced
 * @param appendWindowMs a sample older than (newest sample in the tenant's head - appendWindowMs)
 *                      is rejected as too old, as Prometheus' head does (half a block range, 1h)
 */
public record TsdbOptions(Path path, WalOptions wal, long appendWindowMs) {
  public static TsdbOptions defaults(Path path) {
    return new TsdbOptions(path, WalOptions.defaults(), 3_600_000L);
  }
}
