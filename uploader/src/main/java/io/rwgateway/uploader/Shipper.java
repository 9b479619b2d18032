package io.rwgateway.uploader;

import io.rwgateway.tsdb.layout.BlockMeta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ships one tenant's blocks to a bucket, as Thanos' shipper does: every local level-1 block that is
 * not shipped yet goes up oldest first (meta minTime, then ULID), its chunk segments first, then
 * the index, then {@code meta.json} last, so a block prefix without {@code meta.json} is an
 * unfinished upload to every reader of the bucket. What is shipped is kept in {@code
 * thanos.shipper.json} ({@link ShippedState}).
 *
 * <p>A block whose {@code meta.json} is already in the bucket (uploaded before a crash, or by
 * another process) is only marked shipped. A block whose upload failed half-way is uploaded again
 * whole: the same keys are overwritten, so the bucket never holds duplicates.
 *
 * <p>Not thread-safe except {@link #isShipped}: one thread calls {@link #sync} (the {@link
 * Uploader}'s).
 */
public final class Shipper {
  private static final Logger LOG = LoggerFactory.getLogger(Shipper.class);

  private final String tenant;
  private final Path tenantDir;
  private final Bucket bucket;
  private final ShipperMetrics.Tenant metrics;
  private final LongSupplier wallMillis;
  private final ShippedStateStore state;

  /** Broken blocks already logged, so each is logged once, not at every sync. */
  private final Set<String> reportedBroken = new HashSet<>();

  /**
   * @param tenant the tenant, for logs and metric labels
   * @param tenantDir the tenant's TSDB directory, which holds its blocks and the state file
   * @param bucket where blocks go; shared, not closed by the shipper
   * @param metrics the uploader's metrics
   */
  public Shipper(String tenant, Path tenantDir, Bucket bucket, ShipperMetrics metrics) {
    this(tenant, tenantDir, bucket, metrics, System::currentTimeMillis);
  }

  Shipper(
      String tenant,
      Path tenantDir,
      Bucket bucket,
      ShipperMetrics metrics,
      LongSupplier wallMillis) {
    this.tenant = tenant;
    this.tenantDir = tenantDir;
    this.bucket = bucket;
    this.metrics = metrics.tenant(tenant);
    this.wallMillis = wallMillis;
    this.state = new ShippedStateStore(tenant, tenantDir, this.metrics);
  }

  public String tenant() {
    return tenant;
  }

  public Path tenantDir() {
    return tenantDir;
  }

  /**
   * Whether this block is known to be in the bucket. False until the first {@link #sync} has read
   * the state, so retention never deletes a block on a guess.
   */
  public boolean isShipped(String ulid) {
    return state.contains(ulid);
  }

  /** {@link #sync(BooleanSupplier)} until every pending block is shipped. */
  public int sync() throws ShipperSyncException {
    return sync(() -> true);
  }

  /** Counts a failed sync that did not come out of {@link #sync} as a ShipperSyncException. */
  void countFailure(String reason) {
    metrics.failure(reason);
  }

  /**
   * Ships every pending block, oldest first, and records each in the state file as it completes. A
   * broken local block ({@link ShipperBlockException}) is logged and counted once, and skipped: it
   * stays pending and the blocks after it go on.
   *
   * @param keepGoing asked before each block; false stops early (a bounded shutdown)
   * @return how many blocks were uploaded (not counting those found already in the bucket)
   * @throws ShipperSyncException when the bucket (or the tenant directory) failed; the blocks from
   *     the failing one on stay pending, for a retry that keeps the order
   */
  public int sync(BooleanSupplier keepGoing) throws ShipperSyncException {
    ShipperLocalBlocks.Scan scan;
    try {
      scan = ShipperLocalBlocks.scan(tenantDir);
    } catch (IOException e) {
      metrics.failure("io");
      throw new ShipperSyncException(tenant, null, "listing " + tenantDir, e);
    }
    List<String> local = scan.ulids();
    if (!state.loaded()) {
      try {
        state.load(bucket, local);
      } catch (IOException e) {
        ShipperSyncException failure =
            new ShipperSyncException(tenant, null, "listing " + bucket.describe(), e);
        metrics.failure(failure.reason());
        metrics.pending.set(local.size());
        throw failure;
      }
    }
    state.retainOnly(local);
    reportBroken(scan);
    int uploaded = 0;
    try {
      for (ShipperLocalBlocks.Block b : scan.blocks()) {
        if (state.contains(b.ulid()) || !keepGoing.getAsBoolean()) {
          continue;
        }
        metrics.pending.set(pending(scan));
        try {
          if (ship(b)) {
            uploaded++;
          }
        } catch (ShipperBlockException e) {
          if (reportedBroken.add(b.ulid())) {
            metrics.failure("broken_block");
            LOG.error(
                "cannot ship block, it stays local and pending until fixed: tenant={} dir={} error=\"{}\"",
                tenant,
                b.dir(),
                e.getMessage());
          }
          continue;
        }
        state.add(b.ulid());
        reportedBroken.remove(b.ulid());
        state.persist(shippedInOrder(scan));
      }
    } finally {
      state.persist(shippedInOrder(scan));
      metrics.pending.set(pending(scan));
    }
    if (pending(scan) == 0) {
      metrics.lastSuccess.set(wallMillis.getAsLong() / 1000.0);
    }
    return uploaded;
  }

  /** Ships one block unless the bucket already has its meta.json. Returns true when it uploaded. */
  private boolean ship(ShipperLocalBlocks.Block b)
      throws ShipperSyncException, ShipperBlockException {
    String metaKey = b.ulid() + "/" + BlockMeta.FILENAME;
    try {
      if (bucket.exists(metaKey)) {
        LOG.info(
            "block already in the bucket, marked shipped: tenant={} ulid={}", tenant, b.ulid());
        return false;
      }
    } catch (IOException e) {
      throw failed(b, "checking " + metaKey, e);
    }
    List<String> files;
    try {
      files = ShipperLocalBlocks.uploadOrder(b);
    } catch (ShipperBlockException e) {
      throw e;
    } catch (IOException e) {
      throw failed(b, "reading " + b.dir(), e);
    }
    long start = System.nanoTime();
    long bytes = 0;
    for (String rel : files) {
      Path file = b.dir().resolve(rel);
      String key = b.ulid() + "/" + rel;
      try {
        long size = Files.size(file);
        bucket.upload(key, file);
        bytes += size;
        metrics.uploadedBytes.inc(size);
      } catch (IOException e) {
        throw failed(b, "uploading " + key, e);
      }
    }
    metrics.uploads.inc();
    LOG.info(
        "uploaded block: tenant={} ulid={} min_time={} max_time={} files={} bytes={} duration_ms={} to={}",
        tenant,
        b.ulid(),
        b.meta().minTime(),
        b.meta().maxTime(),
        files.size(),
        bytes,
        (System.nanoTime() - start) / 1_000_000,
        bucket.describe());
    return true;
  }

  private ShipperSyncException failed(ShipperLocalBlocks.Block b, String what, IOException e) {
    ShipperSyncException failure = new ShipperSyncException(tenant, b.ulid(), what, e);
    metrics.failure(failure.reason());
    return failure;
  }

  /** Logs once each block whose meta.json is unreadable; they count as pending. */
  private void reportBroken(ShipperLocalBlocks.Scan scan) {
    scan.broken()
        .forEach(
            (ulid, e) -> {
              if (state.contains(ulid)) {
                return;
              }
              if (reportedBroken.add(ulid)) {
                metrics.failure("broken_block");
                LOG.error(
                    "cannot ship block, its meta.json is unreadable; it stays local and pending until fixed:"
                        + " tenant={} ulid={} error=\"{}\"",
                    tenant,
                    ulid,
                    e.getMessage());
              }
            });
    reportedBroken.retainAll(scan.ulids());
  }

  /** The shipped local blocks, oldest first: the state file's content. */
  private List<String> shippedInOrder(ShipperLocalBlocks.Scan scan) {
    List<String> out = new ArrayList<>();
    for (ShipperLocalBlocks.Block b : scan.blocks()) {
      if (state.contains(b.ulid())) {
        out.add(b.ulid());
      }
    }
    for (String ulid : scan.broken().keySet()) {
      if (state.contains(ulid)) {
        out.add(ulid);
      }
    }
    return out;
  }

  private int pending(ShipperLocalBlocks.Scan scan) {
    int n = 0;
    for (String ulid : scan.ulids()) {
      if (!state.contains(ulid)) {
        n++;
      }
    }
    return n;
  }

  /** Local blocks not shipped yet, counted now (for the uploader's shutdown log and tests). */
  int pendingNow() throws IOException {
    return pending(ShipperLocalBlocks.scan(tenantDir));
  }
}
