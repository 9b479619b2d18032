package io.rwgateway.tsdb.db;

import io.rwgateway.tsdb.block.Block;
import io.rwgateway.tsdb.block.BlockWriter;
import io.rwgateway.tsdb.layout.BlockFiles;
import io.rwgateway.tsdb.layout.BlockMeta;
import io.rwgateway.tsdb.layout.Ulid;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tenant's local blocks: opened at start, added as the head is cut, deleted by retention. The
 * list is copy-on-write, so queriers take a consistent set without locking.
 *
 * <p>A streaming reader takes leases on the blocks it reads ({@link #lease}); retention takes a
 * block out of the list at once but deletes its files only when the last lease is released. The
 * list-returning queriers take no lease; they still read a deleted block safely, since its files
 * are memory-mapped and Linux keeps unlinked mapped files until they are unmapped.
 */
final class TenantBlocks {
  private static final Logger LOG = LoggerFactory.getLogger(TenantBlocks.class);

  /**
   * Suffix of a block directory being deleted (renamed first, so a crash never leaves half a
   * block).
   */
  static final String DELETING_SUFFIX = ".tmp-for-deletion";

  private final Path dir;

  /** Sorted by min time; replaced whole on every change. */
  private volatile List<Block> blocks;

  private TenantBlocks(Path dir, List<Block> blocks) {
    this.dir = dir;
    this.blocks = blocks;
  }

  /**
   * Opens the blocks in {@code tenantDir}, first removing what a crash left half-written or
   * half-deleted. A block that cannot be read is logged and left on disk, not deleted: it may be
   * the only copy of its data.
   */
  static TenantBlocks open(Path tenantDir) throws IOException {
    List<Block> found = new ArrayList<>();
    if (Files.isDirectory(tenantDir)) {
      BlockWriter.removeLeftovers(tenantDir);
      try (DirectoryStream<Path> dirs =
          Files.newDirectoryStream(tenantDir, "*" + DELETING_SUFFIX)) {
        for (Path d : dirs) {
          LOG.info("finishing the deletion of a block a crash interrupted: dir={}", d);
          BlockFiles.deleteRecursively(d);
        }
      }
      try (DirectoryStream<Path> dirs =
          Files.newDirectoryStream(tenantDir, TenantBlocks::isBlockDir)) {
        for (Path d : dirs) {
          try {
            found.add(Block.open(d));
          } catch (IOException | RuntimeException e) {
            LOG.error(
                "cannot open block, leaving it out of queries (not deleted): dir={} err=\"{}\"",
                d,
                e.toString());
          }
        }
      }
    }
    found.sort(Comparator.comparingLong(Block::minTime).thenComparing(Block::ulid));
    return new TenantBlocks(tenantDir, List.copyOf(found));
  }

  private static boolean isBlockDir(Path p) {
    return Files.isDirectory(p)
        && Ulid.isValid(p.getFileName().toString())
        && Files.isRegularFile(p.resolve(BlockMeta.FILENAME));
  }

  List<Block> list() {
    return blocks;
  }

  /** End (exclusive) of the newest block, or Long.MIN_VALUE without blocks. */
  long maxTime() {
    long max = Long.MIN_VALUE;
    for (Block b : blocks) {
      max = Math.max(max, b.maxTime());
    }
    return max;
  }

  synchronized void add(Block b) {
    List<Block> next = new ArrayList<>(blocks);
    next.add(b);
    next.sort(Comparator.comparingLong(Block::minTime).thenComparing(Block::ulid));
    blocks = List.copyOf(next);
  }

  /**
   * Deletes the blocks that ended {@code retentionMs} or more before the newest block's end, as
   * Prometheus' time retention does, among those {@code mayDelete} allows (an uploader keeps the
   * blocks it has not shipped yet). Returns the blocks taken out of the list: deleted now, or when
   * the last reader holding one releases its lease.
   */
  synchronized List<Block> applyRetention(long retentionMs, Predicate<Block> mayDelete)
      throws IOException {
    if (retentionMs <= 0 || blocks.isEmpty()) {
      return List.of();
    }
    long horizon = maxTime() - retentionMs;
    List<Block> keep = new ArrayList<>();
    List<Block> drop = new ArrayList<>();
    for (Block b : blocks) {
      (b.maxTime() <= horizon && mayDelete.test(b) ? drop : keep).add(b);
    }
    if (drop.isEmpty()) {
      return drop;
    }
    blocks = List.copyOf(keep);
    for (Block b : drop) {
      Path doomed = dir.resolve(b.ulid() + DELETING_SUFFIX);
      Files.move(b.dir(), doomed, StandardCopyOption.ATOMIC_MOVE);
      BlockFiles.syncDir(dir);
      // Readers holding the block keep it: the files go when the last lease is released (a crash
      // meanwhile leaves the renamed directory, which the next start removes).
      b.deleteWhenUnused(() -> delete(b, doomed));
    }
    return drop;
  }

  private static void delete(Block b, Path doomed) {
    b.close();
    try {
      BlockFiles.deleteRecursively(doomed);
      LOG.info(
          "deleted block beyond retention: ulid={} min_time={} max_time={}",
          b.ulid(),
          b.minTime(),
          b.maxTime());
    } catch (IOException e) {
      // The renamed directory is removed at the next start.
      LOG.warn("cannot delete block beyond retention: dir={} err=\"{}\"", doomed, e.toString());
    }
  }

  /**
   * Leases on the current blocks, taken together under the list's lock, so that retention cannot
   * delete one between reading the list and taking its lease. Release them with {@link #release}.
   */
  synchronized List<Block> lease() {
    for (Block b : blocks) {
      if (!b.acquire()) {
        throw new IllegalStateException(b + " in the block list is marked for deletion");
      }
    }
    return blocks;
  }

  /** Gives back the leases {@link #lease} took. */
  static void release(List<Block> leased) {
    for (Block b : leased) {
      b.release();
    }
  }

  void close() {
    for (Block b : blocks) {
      b.close();
    }
  }
}
