package io.rwgateway.uploader;

import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.layout.BlockMeta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
 * Ships one directory's blocks to a bucket, as Thanos' shipper does: a tenant directory of the
 * receive role, or a real Prometheus' data directory for the sidecar ({@link ShipperOptions}).
 * Every local block to ship goes up oldest first (meta minTime, then ULID), its chunk segments
 * first, then the index, then {@code meta.json} last, so a block prefix without {@code meta.json}
 * is an unfinished upload to every reader of the bucket. What is shipped is kept in {@code
 * thanos.shipper.json} ({@link ShippedState}; the sidecar may name it otherwise).
 *
 * <p>Which blocks: level 1 for the receive role. For the sidecar, level 1, and higher levels with
 * {@link ShipperOptions#uploadCompacted} unless their data is in the bucket already ({@link
 * ShipperCompactedCheck}); never a block without samples (as Thanos) or one that ends at or before
 * {@link ShipperOptions#minTime}. The sidecar stages each block ({@link ShipperStaging}) and
 * uploads a meta.json with the {@code thanos} section ({@link SidecarMetaJson}).
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

  /** What became of one block in a sync. */
  private enum Outcome {
    UPLOADED,
    ALREADY_IN_BUCKET,
    /** Not to be shipped (a compacted block whose data is in the bucket); not pending either. */
    SKIPPED,
    /** Removed from the directory while being shipped. */
    GONE
  }

  private final String tenant;
  private final Path tenantDir;
  private final Bucket bucket;
  private final ShipperMetrics.Tenant metrics;
  private final LongSupplier wallMillis;
  private final ShipperOptions options;
  private final ShippedStateStore state;

  /** The sidecar's staging area; null for the receive role, which uploads blocks in place. */
  private final ShipperStaging staging;

  /** Broken blocks already logged, so each is logged once, not at every sync. */
  private final Set<String> reportedBroken = new HashSet<>();

  /** Compacted blocks found to be in the bucket already: never shipped, not pending. */
  private final Set<String> skipped = new HashSet<>();

  private boolean leftoversRemoved;

  /**
   * A shipper for the receive role ({@link ShipperOptions#RECEIVE}).
   *
   * @param tenant the tenant, for logs and metric labels
   * @param tenantDir the tenant's TSDB directory, which holds its blocks and the state file
   * @param bucket where blocks go; shared, not closed by the shipper
   * @param metrics the uploader's metrics
   */
  public Shipper(String tenant, Path tenantDir, Bucket bucket, ShipperMetrics metrics) {
    this(tenant, tenantDir, bucket, metrics, ShipperOptions.RECEIVE);
  }

  /**
   * A shipper for the receive role or the sidecar.
   *
   * @param tenant a name for logs and the {@code tenant} label of the metrics (the sidecar has no
   *     tenant; any stable name does)
   * @param dir the directory whose blocks are shipped: a tenant's TSDB directory, or Prometheus'
   *     {@code --storage.tsdb.path}; it holds the state file
   * @param bucket where blocks go; shared, not closed by the shipper
   * @param metrics the uploader's metrics
   * @param options what to ship and how
   */
  public Shipper(
      String tenant, Path dir, Bucket bucket, ShipperMetrics metrics, ShipperOptions options) {
    this(
        tenant, dir, bucket, metrics, options, System::currentTimeMillis, ShipperStaging.HARD_LINK);
  }

  Shipper(
      String tenant,
      Path tenantDir,
      Bucket bucket,
      ShipperMetrics metrics,
      LongSupplier wallMillis) {
    this(
        tenant,
        tenantDir,
        bucket,
        metrics,
        ShipperOptions.RECEIVE,
        wallMillis,
        ShipperStaging.HARD_LINK);
  }

  Shipper(
      String tenant,
      Path dir,
      Bucket bucket,
      ShipperMetrics metrics,
      ShipperOptions options,
      LongSupplier wallMillis,
      ShipperStaging.Linker linker) {
    this.tenant = tenant;
    this.tenantDir = dir;
    this.bucket = bucket;
    this.metrics = metrics.tenant(tenant);
    this.wallMillis = wallMillis;
    this.options = options;
    this.state = new ShippedStateStore(tenant, options.stateFile(dir), this.metrics);
    this.staging =
        options.sidecar() ? new ShipperStaging(tenant, options.stagingRoot(dir), linker) : null;
  }

  public String tenant() {
    return tenant;
  }

  public Path tenantDir() {
    return tenantDir;
  }

  public ShipperOptions options() {
    return options;
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
   * stays pending and the blocks after it go on. When the sidecar cannot stage blocks, that is
   * logged once at ERROR and counted ({@code reason="staging"}), and the sync ends there without an
   * exception: the blocks stay pending for the next sync.
   *
   * @param keepGoing asked before each block; false stops early (a bounded shutdown)
   * @return how many blocks were uploaded (not counting those found already in the bucket)
   * @throws ShipperSyncException when the bucket (or the directory) failed, or the sidecar knows no
   *     external labels yet; the blocks from the failing one on stay pending, for a retry that
   *     keeps the order
   */
  public int sync(BooleanSupplier keepGoing) throws ShipperSyncException {
    try {
      int uploaded = syncOnce(keepGoing);
      metrics.syncs.inc();
      return uploaded;
    } catch (ShipperSyncException | RuntimeException e) {
      metrics.syncFailures.inc();
      throw e;
    }
  }

  private int syncOnce(BooleanSupplier keepGoing) throws ShipperSyncException {
    ShipperLocalBlocks.Scan scan;
    try {
      scan = ShipperLocalBlocks.scan(tenantDir);
    } catch (IOException e) {
      metrics.failure("io");
      throw new ShipperSyncException(tenant, null, "listing " + tenantDir, e);
    }
    List<String> local = scan.ulids();
    List<ShipperLocalBlocks.Block> wanted = wanted(scan);
    if (!state.loaded()) {
      try {
        state.load(bucket, local);
      } catch (IOException e) {
        ShipperSyncException failure =
            new ShipperSyncException(tenant, null, "listing " + bucket.describe(), e);
        metrics.failure(failure.reason());
        metrics.pending.set(wanted.size() + scan.broken().size());
        throw failure;
      }
    }
    state.retainOnly(local);
    skipped.retainAll(local);
    reportBroken(scan);
    if (staging != null && !leftoversRemoved) {
      staging.removeLeftovers();
      leftoversRemoved = true;
    }
    ShipperCompactedCheck check =
        staging == null ? null : new ShipperCompactedCheck(bucket, staging.root());
    int uploaded = 0;
    try {
      for (ShipperLocalBlocks.Block b : wanted) {
        if (state.contains(b.ulid()) || skipped.contains(b.ulid()) || !keepGoing.getAsBoolean()) {
          continue;
        }
        metrics.pending.set(pending(scan, wanted));
        Outcome outcome;
        try {
          outcome = ship(b, check);
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
        } catch (ShipperStaging.Unavailable e) {
          metrics.failure("staging");
          staging.report(e);
          break;
        }
        switch (outcome) {
          case UPLOADED, ALREADY_IN_BUCKET -> {
            if (outcome == Outcome.UPLOADED) {
              uploaded++;
            }
            state.add(b.ulid());
            reportedBroken.remove(b.ulid());
            state.persist(shippedInOrder(scan));
          }
          case SKIPPED -> skipped.add(b.ulid());
          case GONE -> {}
        }
      }
    } finally {
      state.persist(shippedInOrder(scan));
      metrics.pending.set(pending(scan, wanted));
    }
    if (pending(scan, wanted) == 0) {
      metrics.lastSuccess.set(wallMillis.getAsLong() / 1000.0);
    }
    return uploaded;
  }

  /** The scanned blocks this shipper ships (shipped or not), oldest first. */
  private List<ShipperLocalBlocks.Block> wanted(ShipperLocalBlocks.Scan scan) {
    List<ShipperLocalBlocks.Block> out = new ArrayList<>();
    if (!options.sidecar()) {
      // The receive role's blocks are all level 1; a higher level would be a compacted block,
      // which is Thanos Compactor's job in the bucket.
      for (ShipperLocalBlocks.Block b : scan.blocks()) {
        if (b.meta().level() == 1) {
          out.add(b);
        }
      }
      return out;
    }
    long minTime = options.minTime().getAsLong();
    for (ShipperLocalBlocks.Block b : scan.blocks()) {
      BlockMeta m = b.meta();
      // NOTE: as Thanos, a block without samples is never shipped nor recorded; Prometheus does
      // not keep such blocks for long.
      if ((m.level() <= 1 || options.uploadCompacted())
          && m.maxTime() > minTime
          && m.numSamples() > 0) {
        out.add(b);
      }
    }
    return out;
  }

  /** Ships one block unless the bucket already has its meta.json. */
  private Outcome ship(ShipperLocalBlocks.Block b, ShipperCompactedCheck check)
      throws ShipperSyncException, ShipperBlockException, ShipperStaging.Unavailable {
    String metaKey = b.ulid() + "/" + BlockMeta.FILENAME;
    try {
      if (bucket.exists(metaKey)) {
        LOG.info(
            "block already in the bucket, marked shipped: tenant={} ulid={}", tenant, b.ulid());
        return Outcome.ALREADY_IN_BUCKET;
      }
    } catch (IOException e) {
      throw failed(b, "checking " + metaKey, e);
    }
    if (staging == null) {
      upload(b, b);
      return Outcome.UPLOADED;
    }
    Labels labels = options.externalLabels().get();
    if (labels == null || labels.size() == 0) {
      metrics.failure("no_external_labels");
      throw ShipperSyncException.notReady(
          tenant,
          "no_external_labels",
          "not uploading: Prometheus' external labels are not known yet (is Prometheus up, and does"
              + " prometheus.yml set global.external_labels?); Thanos needs them on every block");
    }
    if (b.meta().level() > 1 && refusedCompacted(b, check, labels)) {
      return Outcome.SKIPPED;
    }
    return stageAndUpload(b, labels);
  }

  /** Whether a compacted block's data is in the bucket already; logs and counts it once. */
  private boolean refusedCompacted(
      ShipperLocalBlocks.Block b, ShipperCompactedCheck check, Labels labels)
      throws ShipperSyncException, ShipperStaging.Unavailable {
    String why;
    try {
      why = check.conflict(b.meta(), labels, state::contains);
    } catch (ShipperStaging.Unavailable e) {
      throw e;
    } catch (IOException e) {
      throw failed(b, "reading the bucket's blocks to check compacted block " + b.ulid(), e);
    }
    if (why == null) {
      return false;
    }
    metrics.skipped("compacted_overlap");
    LOG.warn(
        "compacted block not shipped, its data is already in the bucket: tenant={} ulid={} level={}"
            + " min_time={} max_time={} reason=\"{}\"",
        tenant,
        b.ulid(),
        b.meta().level(),
        b.meta().minTime(),
        b.meta().maxTime(),
        why);
    return true;
  }

  /**
   * The sidecar's upload: stage the block, write meta.json with the thanos section into the staging
   * copy, upload from there, remove the copy.
   */
  private Outcome stageAndUpload(ShipperLocalBlocks.Block b, Labels labels)
      throws ShipperSyncException, ShipperBlockException, ShipperStaging.Unavailable {
    try {
      Path staged;
      byte[] localMeta;
      try {
        staged = staging.stage(b.ulid(), b.dir());
        localMeta = Files.readAllBytes(b.dir().resolve(BlockMeta.FILENAME));
      } catch (ShipperStaging.BlockGone | NoSuchFileException e) {
        LOG.warn(
            "block removed from the data directory before it was shipped (Prometheus compacted or"
                + " deleted it); its samples reach the bucket only in the block that replaced it, which"
                + " is shipped only with --shipper.upload-compacted when compacted: tenant={} ulid={}",
            tenant,
            b.ulid());
        return Outcome.GONE;
      } catch (ShipperStaging.Unavailable | ShipperBlockException e) {
        throw e;
      } catch (IOException e) {
        throw new ShipperBlockException(b.ulid(), "cannot read " + b.dir() + ": " + e);
      }
      byte[] meta;
      try {
        meta = SidecarMetaJson.compose(localMeta, labels, staged);
      } catch (IOException e) {
        throw new ShipperBlockException(b.ulid(), e.getMessage());
      }
      BlockMeta stagedMeta;
      try {
        Files.write(staged.resolve(BlockMeta.FILENAME), meta);
        stagedMeta = BlockMeta.read(staged);
      } catch (IOException e) {
        throw new ShipperStaging.Unavailable(staged.resolve(BlockMeta.FILENAME), e);
      }
      staging.recovered();
      upload(b, new ShipperLocalBlocks.Block(b.ulid(), staged, stagedMeta));
      return Outcome.UPLOADED;
    } finally {
      staging.remove(b.ulid());
    }
  }

  /** Uploads the files of {@code from} (the block itself, or its staged copy) under its ULID. */
  private void upload(ShipperLocalBlocks.Block b, ShipperLocalBlocks.Block from)
      throws ShipperSyncException, ShipperBlockException {
    List<String> files;
    try {
      files = ShipperLocalBlocks.uploadOrder(from);
    } catch (ShipperBlockException e) {
      throw e;
    } catch (IOException e) {
      throw failed(b, "reading " + from.dir(), e);
    }
    long start = System.nanoTime();
    long bytes = 0;
    for (String rel : files) {
      Path file = from.dir().resolve(rel);
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
    metrics.uploaded();
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

  /** Wanted blocks not shipped (nor skipped) yet, and unreadable ones not known shipped. */
  private int pending(ShipperLocalBlocks.Scan scan, List<ShipperLocalBlocks.Block> wanted) {
    int n = 0;
    for (ShipperLocalBlocks.Block b : wanted) {
      if (!state.contains(b.ulid()) && !skipped.contains(b.ulid())) {
        n++;
      }
    }
    for (String ulid : scan.broken().keySet()) {
      if (!state.contains(ulid)) {
        n++;
      }
    }
    return n;
  }

  /** Local blocks not shipped yet, counted now (for the uploader's shutdown log and tests). */
  int pendingNow() throws IOException {
    ShipperLocalBlocks.Scan scan = ShipperLocalBlocks.scan(tenantDir);
    return pending(scan, wanted(scan));
  }
}
