package io.rwgateway.tsdb.db;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.model.EscalatingTask;
import io.rwgateway.model.TenantId;
import io.rwgateway.tsdb.BlockListener;
import io.rwgateway.tsdb.head.Head;
import io.rwgateway.tsdb.head.HeadReplayer;
import io.rwgateway.tsdb.layout.BlockFiles;
import io.rwgateway.tsdb.layout.TenantLayout;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All tenants' WALs and heads under one directory. {@link #open} replays every tenant found on disk
 * before it returns.
 */
public final class Tsdb implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(Tsdb.class);

  private final TsdbOptions options;
  private final TsdbMetrics metrics;
  private final ConcurrentHashMap<String, TenantDb> tenants = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private final ScheduledExecutorService compaction;

  /** The block cutter: an Error in it ends the process instead of silently stopping the cuts. */
  private final EscalatingTask compactTask = new EscalatingTask("tsdb-compactor", this::compactAll);

  private final BlockListener listener;

  private Tsdb(TsdbOptions options, TsdbMetrics metrics, BlockListener listener) {
    this.options = options;
    this.metrics = metrics;
    this.listener = listener;
    this.compaction =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tsdb-compactor");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Opens the TSDB, replaying every tenant's WAL. {@code registry} may be null (metrics
   * unexported).
   */
  public static Tsdb open(TsdbOptions options, PrometheusRegistry registry) throws IOException {
    return open(options, registry, BlockListener.NONE);
  }

  /** The same, telling {@code listener} about each block written and asking it before retention. */
  public static Tsdb open(TsdbOptions options, PrometheusRegistry registry, BlockListener listener)
      throws IOException {
    Files.createDirectories(options.path());
    PrometheusRegistry reg = registry == null ? new PrometheusRegistry() : registry;
    Tsdb db = new Tsdb(options, new TsdbMetrics(reg), listener);
    TsdbMetrics.registerHeadMemory(reg, db.tenants);
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(options.path())) {
      for (Path dir : dirs) {
        String id = dir.getFileName().toString();
        if (!Files.isDirectory(dir.resolve(TenantLayout.WAL_DIR))) {
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
    long every = options.compactionIntervalMs();
    db.compaction.scheduleWithFixedDelay(db.compactTask, every, every, TimeUnit.MILLISECONDS);
    return db;
  }

  private TenantDb openTenant(String id) throws IOException {
    Path tenantDir = options.path().resolve(id);
    Path walDir = tenantDir.resolve(TenantLayout.WAL_DIR);
    Files.createDirectories(walDir);
    TenantBlocks blocks = TenantBlocks.open(tenantDir);
    Wal wal = Wal.open(walDir, options.wal());
    Head head = null;
    try {
      head =
          new Head(Head.DEFAULT_EXEMPLAR_CAPACITY, tenantDir.resolve(TenantLayout.HEAD_CHUNKS_DIR));
      head.histogramChunkRange(options.blockDurationMs());
      // Samples the blocks already hold are skipped by replay and refused from now on.
      long blocksEnd = blocks.maxTime();
      head.raiseMinValidTime(blocksEnd);
      HeadReplayer replayer = new HeadReplayer(head, options.outOfOrderWindowMs());
      WalCycles cycles = new WalCycles();
      long start = System.nanoTime();
      ReplayResult result =
          wal.replay(
              (payload, cycle) -> {
                RecordDecoder.decode(payload, replayer);
                long t = replayer.takeRecordMaxTime();
                if (cycle >= 0 && t != Long.MIN_VALUE) {
                  cycles.replayed(cycle, t);
                }
              });
      replayer.finish();
      if (blocksEnd != Long.MIN_VALUE) {
        head.truncate(blocksEnd); // series whose every sample was in a block
      }
      long nanos = System.nanoTime() - start;
      TsdbMetrics.Tenant m = metrics.tenant(id);
      m.replaySeconds.set(nanos / 1e9);
      if (result.corruptRecords() > 0) {
        m.corruptRecords.inc(result.corruptRecords());
      }
      LOG.info(
          "replayed tenant WAL: tenant={} blocks={} series={} samples={} histograms={} exemplars={} records={} "
              + "corrupt_records={} skipped={} in_blocks={} unknown_refs={} duration_ms={}",
          id,
          blocks.list().size(),
          head.seriesCount(),
          replayer.samples(),
          replayer.histograms(),
          replayer.exemplars(),
          result.records(),
          result.corruptRecords(),
          replayer.skipped(),
          replayer.inBlocks(),
          replayer.unknownRefs(),
          nanos / 1_000_000);
      return new TenantDb(id, tenantDir, wal, head, blocks, cycles, options, m, listener);
    } catch (IOException | RuntimeException e) {
      wal.close();
      blocks.close();
      if (head != null) {
        head.close();
      }
      throw e;
    }
  }

  /**
   * Memory pressure, on the WAL writer thread: cuts every tenant's open chunks of at least {@code
   * minBytes} to disk early (see {@link Head#cutOpenChunks}); returns the chunks cut.
   */
  public int cutOpenChunks(int minBytes) {
    int n = 0;
    for (TenantDb t : tenants.values()) {
      n += t.cutOpenChunks(minBytes);
    }
    return n;
  }

  /** Open-chunk memory the heads hold for reuse, all tenants (an estimate; any thread). */
  public long reusableHeadBytes() {
    long n = 0;
    for (TenantDb t : tenants.values()) {
      n += t.reusableHeadBytes();
    }
    return n;
  }

  /**
   * Why a thread the TSDB needs is dead (the block cutter, a tenant's WAL syncer), or null while
   * all run. The process is then ending (see {@link EscalatingTask}); health checks report it.
   */
  public String deathNotice() {
    String d = compactTask.deathNotice();
    if (d != null) {
      return d;
    }
    for (TenantDb t : tenants.values()) {
      d = t.wal().deathNotice();
      if (d != null) {
        return d;
      }
    }
    return null;
  }

  /** The compaction thread's periodic pass: cut due blocks, then apply retention, per tenant. */
  private void compactAll() {
    for (TenantDb db : tenants.values()) {
      if (closed) {
        return;
      }
      try {
        db.compactor().compact();
        db.compactor().applyRetention();
      } catch (IOException | RuntimeException e) {
        metrics.tenant(db.tenant()).compactionFailures.inc();
        LOG.error(
            "compaction failed, retrying at the next check: tenant={} err=\"{}\"",
            db.tenant(),
            e.toString(),
            e);
      }
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

  /**
   * Stops the compaction thread (letting a running pass finish), flushes every head to blocks when
   * configured (the writer must already be stopped), and closes the WALs and the heads (whose
   * chunks directories are removed: a cache the WAL rebuilds). A tenant whose head was flushed gets
   * an empty WAL directory, so the next start has nothing to replay; if the flush fails, the WAL is
   * kept and replayed instead.
   */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    compaction.shutdown();
    try {
      if (!compaction.awaitTermination(10, TimeUnit.MINUTES)) {
        LOG.warn("compaction did not finish within 10 minutes; closing anyway");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    IOException first = null;
    List<TenantDb> all = new ArrayList<>(tenants.values());
    for (TenantDb db : all) {
      boolean flushed = false;
      if (options.flushOnShutdown()) {
        try {
          long start = System.nanoTime();
          List<Path> blocks = db.compactor().flush();
          flushed = true;
          LOG.info(
              "flushed head to blocks on shutdown: tenant={} blocks={} duration_ms={}",
              db.tenant(),
              blocks.size(),
              (System.nanoTime() - start) / 1_000_000);
        } catch (IOException | RuntimeException e) {
          LOG.error(
              "flushing the head on shutdown failed, the WAL is kept and will be replayed: tenant={} err=\"{}\"",
              db.tenant(),
              e.toString(),
              e);
        }
      }
      try {
        db.close();
        if (flushed) {
          emptyDirectory(db.dir().resolve(TenantLayout.WAL_DIR));
        }
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

  /** Deletes everything inside {@code dir} (a closed WAL whose content is all in blocks). */
  private static void emptyDirectory(Path dir) throws IOException {
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      for (Path c : children) {
        BlockFiles.deleteRecursively(c);
      }
    }
    BlockFiles.syncDir(dir);
  }
}
