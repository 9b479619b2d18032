package io.rwgateway.wal;

import java.time.Duration;

/** How a tenant's WAL is written. */
public record WalOptions(WalSyncMode syncMode, Duration syncInterval) {
  public static WalOptions defaults() {
    return new WalOptions(WalSyncMode.BATCH, Duration.ofSeconds(1));
  }
}
