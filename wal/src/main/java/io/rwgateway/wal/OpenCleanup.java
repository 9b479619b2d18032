package io.rwgateway.wal;

import java.io.IOException;
import java.nio.file.Path;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes, at open, whatever a truncation that crashed part way left behind, so that the directory
 * again holds at most one checkpoint and only the cycles it does not replace.
 *
 * <p>Each leftover is harmless to replay (a temporary is never read, an older checkpoint is never
 * chosen, a cycle below the newest checkpoint is skipped) but would waste disk and confuse a human
 * reading the directory. Crash cases: docs/format/wal.md ("Checkpoint").
 */
final class OpenCleanup {
  private static final Logger LOG = LoggerFactory.getLogger(Wal.class);

  private OpenCleanup() {}

  /** Deletes the leftovers and returns the checkpoint replay must use, or null. */
  static CheckpointFiles.Checkpoint run(Path dir, SingleChronicleQueue queue, CycleFiles cycleFiles)
      throws IOException {
    CheckpointFiles.Checkpoint newest = CheckpointFiles.list(dir).newest();
    long[] checkpointBytes = {0};
    int checkpoints = deleteCheckpointsOtherThan(dir, newest, checkpointBytes);
    long[] cycles = {0, 0};
    if (newest != null) {
      cycles = cycleFiles.deleteBelow(newest.firstKeptCycle());
      if (cycles[0] > 0) {
        queue.refreshDirectoryListing();
      }
    }
    if (checkpoints > 0 || cycles[0] > 0) {
      WalDirs.force(dir);
      LOG.info(
          "WAL in {}: finished an interrupted truncation: {} cycle files below checkpoint {} deleted ({} bytes), "
              + "{} older or unfinished checkpoint files deleted ({} bytes)",
          dir,
          cycles[0],
          newest == null ? "(none)" : newest.file().getFileName(),
          cycles[1],
          checkpoints,
          checkpointBytes[0]);
    }
    return newest;
  }

  /**
   * Deletes every checkpoint file older than {@code keep} and every temporary one (a checkpoint
   * whose writing never finished). Adds their sizes to {@code freed[0]}; returns their count. Only
   * called while no checkpoint is being written.
   */
  static int deleteCheckpointsOtherThan(Path dir, CheckpointFiles.Checkpoint keep, long[] freed)
      throws IOException {
    CheckpointFiles.Listing listing = CheckpointFiles.list(dir);
    int deleted = 0;
    for (Path tmp : listing.temporaries()) {
      if (WalDirs.delete(tmp, freed)) {
        deleted++;
      }
    }
    for (CheckpointFiles.Checkpoint cp : listing.complete()) {
      if (keep != null
          && cp.firstKeptCycle() < keep.firstKeptCycle()
          && WalDirs.delete(cp.file(), freed)) {
        deleted++;
      }
    }
    return deleted;
  }
}
