package io.rwgateway.tsdb;

import java.io.Closeable;
import java.io.IOException;

/** One tenant's WAL and head. */
public final class TenantDb implements Closeable {
  private TenantDb() {}

  public String tenant() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /**
   * Validates the batch against the head, appends what is accepted to the WAL (not yet synced) and
   * to the head, and records the outcome in the batch. Called only by the tenant's writer thread.
   * A WAL failure sets {@link WriteBatch#failure}.
   */
  public void append(WriteBatch batch) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Forces appended WAL records to disk; called after a group of appends, before acknowledging. */
  public void sync() throws IOException {
    throw new UnsupportedOperationException("not implemented yet");
  }

  public Querier querier() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Active series in the head. */
  public long headSeries() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public void close() throws IOException {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
