package io.rwgateway.uploader;

import io.rwgateway.tsdb.layout.BlockFiles;
import io.rwgateway.tsdb.layout.BlockLayout;
import io.rwgateway.tsdb.layout.BlockMeta;
import io.rwgateway.tsdb.layout.Ulid;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar's staging area, {@code <dir>/thanos/upload/<ULID>/} as in Thanos: a block's {@code
 * chunks/} and {@code index} are hard-linked there before the upload, so Prometheus may compact or
 * delete the block meanwhile without breaking it, and the generated meta.json is written there
 * (Prometheus' own files are never modified).
 *
 * <p>When a hard link is not permitted (another filesystem, {@code EPERM} for files of another user
 * under {@code fs.protected_hardlinks}, a filesystem without links) the files are copied instead,
 * said once at INFO. When the staging directory itself cannot be made (a read-only mount,
 * permissions, a file in the way) {@link #stage} throws {@link Unavailable}; the shipper logs it
 * once ({@link #report}) and tries again at the next sync.
 */
final class ShipperStaging {
  private static final Logger LOG = LoggerFactory.getLogger(Shipper.class);

  /** Makes {@code link} a hard link to {@code existing}, as {@link Files#createLink}. */
  interface Linker {
    void link(Path link, Path existing) throws IOException;
  }

  static final Linker HARD_LINK = Files::createLink;

  /** Temporary directories for bucket meta.json files ({@link ShipperCompactedCheck}). */
  static final String SCRATCH_PREFIX = ".bucket-meta-";

  /** The staging directory cannot be made or written: no block can be shipped until it can. */
  static final class Unavailable extends IOException {
    private static final long serialVersionUID = 1L;
    private final transient Path where;

    Unavailable(Path where, IOException cause) {
      super(cause.toString(), cause);
      this.where = where;
    }

    Path where() {
      return where;
    }
  }

  /** The block's directory went away while it was staged (Prometheus compacted or deleted it). */
  static final class BlockGone extends IOException {
    private static final long serialVersionUID = 1L;

    BlockGone(String ulid, IOException cause) {
      super("block " + ulid + " was removed from the data directory while being staged", cause);
    }
  }

  private final String tenant;
  private final Path root;
  private final Linker linker;

  /** Set once a link failed: from then on files are copied (the cause does not go away). */
  private boolean copying;

  /** The staging problem last logged, so that an outage is logged once and its end once. */
  private String reported;

  ShipperStaging(String tenant, Path root, Linker linker) {
    this.tenant = tenant;
    this.root = root;
    this.linker = linker;
  }

  Path root() {
    return root;
  }

  /** Whether files are copied rather than linked (a link failed). */
  boolean copying() {
    return copying;
  }

  /**
   * Removes what a crash or a kill left in the staging directory: every ULID-named directory and
   * our scratch directories (the directory may be shared or chosen by the operator, so nothing else
   * is touched).
   */
  void removeLeftovers() {
    if (!Files.isDirectory(root)) {
      return;
    }
    List<Path> leftovers = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (Ulid.isValid(name) || name.startsWith(SCRATCH_PREFIX)) {
          leftovers.add(p);
        }
      }
    } catch (IOException e) {
      LOG.warn(
          "cannot list the staging directory for leftovers: tenant={} dir={} error=\"{}\"",
          tenant,
          root,
          e.toString());
      return;
    }
    for (Path p : leftovers) {
      try {
        BlockFiles.deleteRecursively(p);
        LOG.info("removed a staged block left from an earlier run: tenant={} dir={}", tenant, p);
      } catch (IOException e) {
        LOG.warn(
            "cannot remove a staged block left from an earlier run: tenant={} dir={} error=\"{}\"",
            tenant,
            p,
            e.toString());
      }
    }
  }

  /**
   * Links (or copies) the block's chunk segments and index into {@code <root>/<ULID>/}, replacing
   * what was there. meta.json is not staged: the shipper writes its own.
   *
   * @return the staged block directory
   * @throws Unavailable when the staging directory cannot be made or written
   * @throws BlockGone when the block disappeared from the data directory meanwhile
   */
  Path stage(String ulid, Path blockDir) throws IOException {
    Path dst = root.resolve(ulid);
    try {
      if (Files.exists(dst)) {
        BlockFiles.deleteRecursively(dst);
      }
      Files.createDirectories(dst.resolve(BlockLayout.CHUNKS_DIR));
    } catch (IOException e) {
      throw new Unavailable(dst, e);
    }
    List<String> files = new ArrayList<>();
    try (DirectoryStream<Path> segs =
        Files.newDirectoryStream(blockDir.resolve(BlockLayout.CHUNKS_DIR))) {
      for (Path s : segs) {
        files.add(BlockLayout.CHUNKS_DIR + "/" + s.getFileName());
      }
    } catch (NoSuchFileException e) {
      throw missing(ulid, blockDir, blockDir.resolve(BlockLayout.CHUNKS_DIR), dst, e);
    }
    files.add(BlockLayout.INDEX_FILE);
    for (String rel : files) {
      Path src = blockDir.resolve(rel);
      if (Files.isDirectory(src)) {
        continue; // NOTE: Prometheus writes none; a stray directory is not a segment
      }
      place(ulid, blockDir, src, dst.resolve(rel));
    }
    return dst;
  }

  private void place(String ulid, Path blockDir, Path src, Path dst) throws IOException {
    if (!copying) {
      try {
        linker.link(dst, src);
        return;
      } catch (NoSuchFileException e) {
        throw missing(ulid, blockDir, src, dst, e);
      } catch (IOException | UnsupportedOperationException e) {
        copying = true;
        LOG.info(
            "cannot hard-link block files into the staging directory, copying them instead (more disk"
                + " I/O and space while a block uploads; put the staging directory on the filesystem of"
                + " the data directory, writable by the files' owner, to link): tenant={} from={} to={}"
                + " error=\"{}\"",
            tenant,
            src,
            dst,
            e.toString());
      }
    }
    try {
      Files.copy(src, dst);
    } catch (NoSuchFileException e) {
      throw missing(ulid, blockDir, src, dst, e);
    } catch (IOException e) {
      if (Files.exists(src) && !Files.isReadable(src)) {
        throw new ShipperBlockException(
            ulid, "cannot read " + src + " as user " + System.getProperty("user.name"));
      }
      throw new Unavailable(dst, e);
    }
  }

  /**
   * Why a file was missing: the block went away (its meta.json is gone too), the block lacks the
   * file (broken), or the staging side vanished under us.
   */
  private static IOException missing(
      String ulid, Path blockDir, Path src, Path staged, NoSuchFileException e) {
    if (!Files.exists(blockDir.resolve(BlockMeta.FILENAME))) {
      return new BlockGone(ulid, e);
    }
    if (!Files.exists(src)) {
      return new ShipperBlockException(ulid, src + " is missing");
    }
    return new Unavailable(staged, e);
  }

  /** Removes the staged copy of a block (after its upload, successful or not). */
  void remove(String ulid) {
    Path dst = root.resolve(ulid);
    try {
      BlockFiles.deleteRecursively(dst);
    } catch (IOException e) {
      LOG.warn(
          "cannot remove a staged block; it is removed at the next start: tenant={} dir={} error=\"{}\"",
          tenant,
          dst,
          e.toString());
    }
  }

  /**
   * Logs a staging failure at ERROR, once until it changes or staging works again: what failed,
   * where, and how to fix it.
   */
  void report(Unavailable e) {
    // NOTE: keyed on the kind of failure, not the message, which names the block being staged.
    Throwable cause = e.getCause();
    String problem =
        cause.getClass().getName()
            + ": "
            + (cause instanceof FileSystemException f ? f.getReason() : cause.getMessage());
    if (problem.equals(reported)) {
      return;
    }
    reported = problem;
    LOG.error(
        "cannot stage blocks for upload, so none is shipped; retried at every sync: tenant={}"
            + " staging_dir={} error=\"{}\"; fix: {}",
        tenant,
        root,
        e.getMessage(),
        fix(e.where(), (IOException) e.getCause()));
  }

  /** Staging worked (again): the next failure is logged anew. */
  void recovered() {
    if (reported != null) {
      LOG.info("staging blocks works again: tenant={} staging_dir={}", tenant, root);
      reported = null;
    }
  }

  /** How to fix a staging failure at {@code where}, by what the filesystem says. */
  static String fix(Path where, IOException cause) {
    Path existing = where.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing != null && !Files.isDirectory(existing)) {
      return "a file stands where a directory belongs; remove or move " + existing;
    }
    if (existing != null && readOnly(existing)) {
      return existing
          + " is on a read-only filesystem; mount the Prometheus data volume read-write for the"
          + " sidecar (Thanos' sidecar needs that too), or point the staging directory at a writable"
          + " place on the same filesystem";
    }
    String user = System.getProperty("user.name", "<gateway user>");
    if (cause instanceof AccessDeniedException) {
      return existing
          + " must be writable by user "
          + user
          + ", e.g. run the sidecar as Prometheus' user or \"chown "
          + user
          + " "
          + existing
          + "\"";
    }
    return "check free space and that " + existing + " is writable by user " + user;
  }

  private static boolean readOnly(Path p) {
    try {
      return Files.getFileStore(p).isReadOnly();
    } catch (IOException e) {
      return false;
    }
  }
}
