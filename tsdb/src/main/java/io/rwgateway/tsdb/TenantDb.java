package io.rwgateway.tsdb;

import io.rwgateway.tsdb.head.Head;
import io.rwgateway.tsdb.head.HeadAppender;
import io.rwgateway.tsdb.head.HeadQuerier;
import io.rwgateway.wal.RecordEncoder;
import io.rwgateway.wal.Wal;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;

/** One tenant's WAL and head. */
public final class TenantDb implements Closeable {
  private final String tenant;
  private final Wal wal;
  private final Head head;
  private final HeadAppender appender;
  private final HeadQuerier querier;
  private final RecordEncoder encoder = new RecordEncoder();
  private final EncoderVisitor log = new EncoderVisitor(encoder, this::appendRecord);
  private final TsdbMetrics.Tenant metrics;

  TenantDb(String tenant, Wal wal, Head head, long appendWindowMs, TsdbMetrics.Tenant metrics) {
    this.tenant = tenant;
    this.wal = wal;
    this.head = head;
    this.appender = new HeadAppender(head, appendWindowMs);
    this.querier = new HeadQuerier(head);
    this.metrics = metrics;
    metrics.series.set(head.seriesCount());
  }

  public String tenant() {
    return tenant;
  }

  /**
   * Validates the batch against the head, appends what is accepted to the WAL (not yet synced) and
   * to the head, and records the outcome in the batch. Called only by the tenant's writer thread.
   * A WAL failure sets {@link WriteBatch#failure}.
   */
  public void append(WriteBatch batch) {
    encoder.reset();
    try {
      appender.prepare(batch, log);
      if (!encoder.isEmpty()) {
        appendRecord(encoder);
      }
    } catch (UncheckedIOException e) {
      appender.abort(batch, e.getCause());
      return;
    } catch (RuntimeException e) {
      // NOTE: RuntimeException too: a Chronicle failure must not leave unlogged samples applied.
      appender.abort(batch, e);
      return;
    }
    appender.commit(batch);
    if (appender.appliedSamples() > 0) {
      metrics.floats.inc(appender.appliedSamples());
    }
    if (appender.appliedHistograms() > 0) {
      metrics.histograms.inc(appender.appliedHistograms());
    }
    if (appender.appliedExemplars() > 0) {
      metrics.exemplars.inc(appender.appliedExemplars());
    }
    metrics.series.set(head.seriesCount());
  }

  private void appendRecord(RecordEncoder full) {
    long start = System.nanoTime();
    try {
      wal.append(full.finish());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      metrics.walAppend(System.nanoTime() - start);
    }
  }

  /**
   * Any thread, before {@link #append}: finds the head's existing series for the batch's entries,
   * so the writer thread does not have to. Optional; append works without it.
   */
  public void resolveSeries(WriteBatch batch) {
    head.resolve(batch);
  }

  /** Forces appended WAL records to disk; called after a group of appends, before acknowledging. */
  public void sync() throws IOException {
    wal.sync();
  }

  public Querier querier() {
    return querier;
  }

  /** The querier with head-only extras (exemplars). */
  public HeadQuerier headQuerier() {
    return querier;
  }

  /** Latest metadata of a metric family, or null. Any thread. */
  public MetricMetadata metadata(String metricFamily) {
    return head.metadata(metricFamily);
  }

  /** Active series in the head. */
  public long headSeries() {
    return head.seriesCount();
  }

  /** Newest sample time in the head, or Long.MIN_VALUE when empty. */
  public long headMaxTime() {
    return head.maxTime();
  }

  public long headMinTime() {
    return head.minTime();
  }

  @Override
  public void close() throws IOException {
    wal.close();
  }
}
