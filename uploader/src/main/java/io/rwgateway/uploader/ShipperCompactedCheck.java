package io.rwgateway.uploader;

import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.layout.BlockFiles;
import io.rwgateway.tsdb.layout.BlockMeta;
import io.rwgateway.tsdb.layout.Ulid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Whether a compacted Prometheus block (level 2 and up, shipped only with {@code
 * --shipper.upload-compacted}) may go to the bucket: not when its data is there already, which
 * would give Thanos two copies of the same samples (an overlap the compactor must then resolve, or
 * refuses to).
 *
 * <p>A compacted block is refused when
 *
 * <ol>
 *   <li>one of its sources ({@code compaction.sources}: the level-1 blocks it was made of) was
 *       shipped from this directory, or is a block in the bucket, or is a source of a block in the
 *       bucket (Thanos' compactor compacted it there);
 *   <li>its time range overlaps a block in the bucket with the same external labels (as Thanos'
 *       shipper checks, over every bucket block's meta.json).
 * </ol>
 *
 * NOTE: Thanos' shipper fails the whole sync on such an overlap, so no later block ships until an
 * operator acts; we skip that block (logged once, counted) and go on with the others.
 *
 * <p>One instance per sync: the bucket is listed and its meta.json files read at most once, and
 * only when a compacted block is a candidate. A bucket block's meta.json that cannot be parsed
 * fails the sync, as in Thanos (an overlap cannot be ruled out); it is retried with backoff.
 */
final class ShipperCompactedCheck {
  private final Bucket bucket;
  private final Path scratchRoot;
  private List<String> listed;
  private List<BlockMeta> metas;

  /**
   * @param scratchRoot a writable directory for downloaded meta.json files (the staging root)
   */
  ShipperCompactedCheck(Bucket bucket, Path scratchRoot) {
    this.bucket = bucket;
    this.scratchRoot = scratchRoot;
  }

  /**
   * Why {@code candidate} must not be uploaded, or null when it may.
   *
   * @param labels the current external labels (a bucket block with others is another producer's)
   * @param shippedHere whether a ULID is known shipped from this directory
   * @throws IOException when the bucket fails (listing or download), to be retried
   */
  String conflict(BlockMeta candidate, Labels labels, Predicate<String> shippedHere)
      throws IOException {
    for (String s : candidate.sources()) {
      if (shippedHere.test(s)) {
        return "its source block " + s + " was shipped already";
      }
    }
    Set<String> inBucket = new HashSet<>(listing());
    for (String s : candidate.sources()) {
      if (inBucket.contains(s)) {
        return "its source block " + s + " is in the bucket";
      }
    }
    Set<String> sources = new HashSet<>(candidate.sources());
    for (BlockMeta m : metas()) {
      for (String s : m.sources()) {
        if (sources.contains(s)) {
          return "its source block " + s + " is part of bucket block " + m.ulid();
        }
      }
      if (Labels.fromMap(m.labels()).equals(labels)
          && candidate.minTime() < m.maxTime()
          && m.minTime() < candidate.maxTime()) {
        return "its time range overlaps bucket block "
            + m.ulid()
            + " ["
            + m.minTime()
            + ", "
            + m.maxTime()
            + ") with the same external labels";
      }
    }
    return null;
  }

  /** The block ULIDs at the bucket's root. */
  private List<String> listing() throws IOException {
    if (listed == null) {
      List<String> out = new ArrayList<>();
      for (String entry : bucket.list("")) {
        String id = entry.endsWith("/") ? entry.substring(0, entry.length() - 1) : entry;
        if (Ulid.isValid(id)) {
          out.add(id);
        }
      }
      listed = out;
    }
    return listed;
  }

  /** Every finished bucket block's meta (one download each; blocks without meta.json skipped). */
  private List<BlockMeta> metas() throws IOException {
    if (metas != null) {
      return metas;
    }
    List<BlockMeta> out = new ArrayList<>();
    Path scratch;
    try {
      Files.createDirectories(scratchRoot);
      scratch = Files.createTempDirectory(scratchRoot, ShipperStaging.SCRATCH_PREFIX);
    } catch (IOException e) {
      throw new ShipperStaging.Unavailable(scratchRoot, e);
    }
    try {
      for (String id : listing()) {
        Path file = scratch.resolve(BlockMeta.FILENAME);
        try {
          bucket.download(id + "/" + BlockMeta.FILENAME, file);
        } catch (BucketException e) {
          if (e.reason().equals("not_found")) {
            continue; // an unfinished upload: not a block yet
          }
          throw e;
        }
        try {
          out.add(BlockMeta.read(scratch));
        } catch (IOException e) {
          throw new BucketException(
              "bucket block "
                  + id
                  + " has an unreadable meta.json, so an overlap with a compacted block cannot be"
                  + " ruled out: "
                  + e.getMessage(),
              "corrupt_meta",
              true,
              e);
        } finally {
          Files.deleteIfExists(file);
        }
      }
    } finally {
      BlockFiles.deleteRecursively(scratch);
    }
    metas = out;
    return metas;
  }
}
