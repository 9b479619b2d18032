package io.rwgateway.uploader;

import io.rwgateway.model.Labels;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What a {@link Shipper} ships and how: the receive role's blocks as they are, or a real
 * Prometheus' blocks as Thanos' sidecar ships them (docs/sidecar-shipping.md).
 *
 * <p>Receive ({@link #RECEIVE}): level-1 blocks of a tenant directory, whose meta.json already has
 * the {@code thanos} section, uploaded straight from the block directory.
 *
 * <p>Sidecar ({@link #sidecar}): the blocks Prometheus writes into its {@code --storage.tsdb.path}.
 * Each is hard-linked (or copied) into a staging directory, given a meta.json with the {@code
 * thanos} section (the external labels, source {@code "sidecar"}), and uploaded from there;
 * Prometheus' own files are never modified.
 *
 * @param sidecar false for the receive role, true for the sidecar
 * @param externalLabels sidecar: Prometheus' external labels, asked at every upload (they can
 *     change when Prometheus reloads its configuration). Empty means "not known yet": nothing is
 *     uploaded then, as Thanos refuses blocks without external labels. Must not throw; return the
 *     last labels known. Unused by the receive role (its blocks carry their labels).
 * @param uploadCompacted Thanos' {@code --shipper.upload-compacted}: also ship blocks of compaction
 *     level 2 and up, except those whose data is already in the bucket (see {@link
 *     ShipperCompactedCheck}). Sidecar only; the receive role ships level 1 only
 * @param minTime Thanos' {@code --min-time} as milliseconds, asked at every sync (so a relative
 *     value like {@code -2d} can move): a block whose range ends at or before it is not shipped.
 *     Sidecar only. NOTE: Thanos applies {@code --min-time} to what the sidecar serves, not to the
 *     shipper; we apply it to both, as the gateway's sidecar asks
 * @param metaFileName Thanos' {@code --shipper.meta-file-name}: the state file's name, relative to
 *     the shipped directory (default {@value ShippedState#FILENAME})
 * @param stagingDir where blocks are staged before upload; null means {@code <dir>/thanos/upload},
 *     as Thanos does. Best on the same filesystem as the blocks (hard links); elsewhere files are
 *     copied. Sidecar only
 * @param ignoreUnequalBlockSize Thanos' {@code --shipper.ignore-unequal-block-size}; accepted and
 *     carried for the sidecar command, not acted on by the shipper. In Thanos it only turns off the
 *     sidecar's start-up check that Prometheus runs without local compaction ({@code
 *     --storage.tsdb.min-block-duration} equal to {@code max-block-duration}); that check reads
 *     Prometheus' flags, which is the sidecar command's job
 */
public record ShipperOptions(
    boolean sidecar,
    Supplier<Labels> externalLabels,
    boolean uploadCompacted,
    LongSupplier minTime,
    String metaFileName,
    Path stagingDir,
    boolean ignoreUnequalBlockSize) {

  /** The receive role: level-1 blocks with their own meta.json, state in thanos.shipper.json. */
  public static final ShipperOptions RECEIVE =
      new ShipperOptions(
          false,
          () -> Labels.EMPTY,
          false,
          () -> Long.MIN_VALUE,
          ShippedState.FILENAME,
          null,
          false);

  /** Thanos' {@code thanos/upload} under the shipped directory. */
  static final String DEFAULT_STAGING = "thanos/upload";

  public ShipperOptions {
    Objects.requireNonNull(externalLabels, "externalLabels");
    Objects.requireNonNull(minTime, "minTime");
    Objects.requireNonNull(metaFileName, "metaFileName");
    if (metaFileName.isBlank()) {
      throw new IllegalArgumentException("the shipper's meta file name is empty");
    }
    if (!sidecar && (uploadCompacted || stagingDir != null)) {
      throw new IllegalArgumentException(
          "uploadCompacted and stagingDir apply to the sidecar only");
    }
  }

  /**
   * The sidecar with Thanos' defaults: level 1 only, no minimum time, {@value
   * ShippedState#FILENAME}, staging in {@code <dir>/thanos/upload}.
   */
  public static ShipperOptions sidecar(Supplier<Labels> externalLabels) {
    return new ShipperOptions(
        true, externalLabels, false, () -> Long.MIN_VALUE, ShippedState.FILENAME, null, false);
  }

  /** {@code --shipper.upload-compacted}. */
  public ShipperOptions withUploadCompacted(boolean on) {
    return new ShipperOptions(
        sidecar, externalLabels, on, minTime, metaFileName, stagingDir, ignoreUnequalBlockSize);
  }

  /** {@code --min-time}, re-evaluated at every sync (milliseconds since the epoch). */
  public ShipperOptions withMinTime(LongSupplier millis) {
    return new ShipperOptions(
        sidecar,
        externalLabels,
        uploadCompacted,
        millis,
        metaFileName,
        stagingDir,
        ignoreUnequalBlockSize);
  }

  /** {@code --shipper.meta-file-name}. */
  public ShipperOptions withMetaFileName(String name) {
    return new ShipperOptions(
        sidecar,
        externalLabels,
        uploadCompacted,
        minTime,
        name,
        stagingDir,
        ignoreUnequalBlockSize);
  }

  /** Another staging directory (null: {@code <dir>/thanos/upload}). */
  public ShipperOptions withStagingDir(Path dir) {
    return new ShipperOptions(
        sidecar,
        externalLabels,
        uploadCompacted,
        minTime,
        metaFileName,
        dir,
        ignoreUnequalBlockSize);
  }

  /** {@code --shipper.ignore-unequal-block-size} (carried, not acted on; see the record doc). */
  public ShipperOptions withIgnoreUnequalBlockSize(boolean on) {
    return new ShipperOptions(
        sidecar, externalLabels, uploadCompacted, minTime, metaFileName, stagingDir, on);
  }

  /**
   * The state file of {@code dir}. As Thanos joins the name to the directory, an absolute name
   * still lands inside it.
   */
  Path stateFile(Path dir) {
    Path name = Path.of(metaFileName).normalize();
    if (name.isAbsolute()) {
      name = name.getRoot().relativize(name);
    }
    return dir.resolve(name);
  }

  /** The staging root for blocks of {@code dir}. */
  Path stagingRoot(Path dir) {
    return stagingDir != null ? stagingDir : dir.resolve(DEFAULT_STAGING);
  }
}
