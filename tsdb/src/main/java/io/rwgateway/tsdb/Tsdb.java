package io.rwgateway.tsdb;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.Closeable;
import java.io.IOException;
import java.util.Collection;

/**
 * All tenants' WALs and heads under one directory. {@link #open} replays every tenant found on
 * disk before it returns.
 */
public final class Tsdb implements Closeable {
  private Tsdb() {}

  public static Tsdb open(TsdbOptions options, PrometheusRegistry registry) throws IOException {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** The tenant's db, created (with its WAL directory) on first use. Called by writer threads. */
  public TenantDb tenant(String tenantId) throws IOException {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** The tenant's db if it exists, else null. Any thread. */
  public TenantDb existingTenant(String tenantId) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  public Collection<TenantDb> tenants() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public void close() throws IOException {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
