package io.rwgateway.tsdb;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.model.TenantId;
import io.rwgateway.tsdb.head.Head;
import io.rwgateway.tsdb.head.HeadReplayer;
import io.rwgateway.wal.RecordDecoder;
import io.rwgateway.wal.ReplayResult;
import io.rwgateway.wal.Wal;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All tenants' WALs and heads under one directory. {@link #open} replays every tenant found on
 * disk before it returns.
 */
public final class Tsdb implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(Tsdb.class);
  private static final String WAL_DIR = "wal";

  private final TsdbOptions options;
  private final TsdbMetrics metrics;
  private final ConcurrentHashMap<String, TenantDb> tenants = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private Tsdb(TsdbOptions options, TsdbMetrics metrics) {
    this.options = options;
    this.metrics = metrics;
  }

  /** Opens the TSDB, replaying every tenant's WAL. {@code registry} may be null (metrics unexported). */
  public static Tsdb open(TsdbOptions options, PrometheusRegistry registry) throws IOException {
    Files.createDirectories(options.path());
    Tsdb db = new Tsdb(options, new TsdbMetrics(registry == null ? new PrometheusRegistry() : registry));
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(options.path())) {
      for (Path dir : dirs) {
        String id = dir.getFileName().toString();
        if (!Files.isDirectory(dir.resolve(WAL_DIR))) {
          continue;
        }
        if (!TenantId.isValid(id)) {
          LOG.warn("skipping directory with an invalid tenant id: dir={}", dir);
          continue;
        }
        db.tenants.put(id, db.openTenant(id));
      }
    } catch (IOException | RuntimeException e) {
      db.close();
      throw e;
    }
    return db;
  }

  private TenantDb openTenant(String id) throws IOException {
    Path walDir = options.path().resolve(id).resolve(WAL_DIR);
    Files.createDirectories(walDir);
    Wal wal = Wal.open(walDir, options.wal());
    try {
      Head head = new Head();
      HeadReplayer replayer = new HeadReplayer(head);
      long start = System.nanoTime();
      ReplayResult result = wal.replay(payload -> RecordDecoder.decode(payload, replayer));
      replayer.finish();
      long nanos = System.nanoTime() - start;
      TsdbMetrics.Tenant m = metrics.tenant(id);
      m.replaySeconds.set(nanos / 1e9);
      if (result.corruptRecords() > 0) {
        m.corruptRecords.inc(result.corruptRecords());
      }
      LOG.info("replayed tenant WAL: tenant={} series={} samples={} histograms={} exemplars={} records={} "
              + "corrupt_records={} skipped={} unknown_refs={} duration_ms={}",
          id, head.seriesCount(), replayer.samples(), replayer.histograms(), replayer.exemplars(),
          result.records(), result.corruptRecords(), replayer.skipped(), replayer.unknownRefs(), nanos / 1_000_000);
      return new TenantDb(id, wal, head, options.appendWindowMs(), m);
    } catch (IOException | RuntimeException e) {
      wal.close();
      throw e;
    }
  }

  /** The tenant's db, created (with its WAL directory) on first use. Called by writer threads. */
  public TenantDb tenant(String tenantId) throws IOException {
    TenantDb db = tenants.get(tenantId);
    if (db != null) {
      return db;
    }
    String problem = TenantId.problem(tenantId);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    synchronized (this) {
      if (closed) {
        throw new IOException("tsdb is closed");
      }
      db = tenants.get(tenantId);
      if (db == null) {
        db = openTenant(tenantId);
        tenants.put(tenantId, db);
      }
      return db;
    }
  }

  /** The tenant's db if it exists, else null. Any thread. */
  public TenantDb existingTenant(String tenantId) {
    return tenants.get(tenantId);
  }

  public Collection<TenantDb> tenants() {
    return Collections.unmodifiableCollection(tenants.values());
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    IOException first = null;
    List<TenantDb> all = new ArrayList<>(tenants.values());
    for (TenantDb db : all) {
      try {
        db.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
