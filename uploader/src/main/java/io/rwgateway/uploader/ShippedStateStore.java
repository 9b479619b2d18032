package io.rwgateway.uploader;

import io.rwgateway.tsdb.layout.BlockMeta;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tenant's set of shipped blocks: loaded from {@code thanos.shipper.json}, or rebuilt from the
 * bucket when that file is missing, unreadable or corrupt, and written back after every change.
 *
 * <p>NOTE: no state-file failure stops shipping. The bucket is the truth (a block whose {@code
 * meta.json} is there is shipped), so a bad file costs one bucket listing; a file that cannot be
 * written costs nothing until a restart, and then the shipper's skip-if-present check finds the
 * blocks in the bucket instead of uploading them again. Each problem is logged once (not once per
 * sync) with what to do about it, and counted in {@code rwgateway_shipper_state_file_errors_total}.
 *
 * <p>Mutated by the shipper's thread only; {@link #contains} may be called from any thread.
 */
final class ShippedStateStore {
  private static final Logger LOG = LoggerFactory.getLogger(Shipper.class);

  private final String tenant;
  private final Path file;
  private final ShipperMetrics.Tenant metrics;
  private final Set<String> shipped = ConcurrentHashMap.newKeySet();
  private volatile boolean loaded;

  /** What the file holds as far as we know; null forces the next {@link #persist}. */
  private List<String> onDisk;

  /** The last read problem logged, so the same one is not logged again on the next attempt. */
  private String lastReadProblem;

  private boolean writeFailing;

  /**
   * @param file the state file ({@code <dir>/thanos.shipper.json} unless the sidecar names another)
   */
  ShippedStateStore(String tenant, Path file, ShipperMetrics.Tenant metrics) {
    this.tenant = tenant;
    this.file = file;
    this.metrics = metrics;
  }

  boolean loaded() {
    return loaded;
  }

  boolean contains(String ulid) {
    return loaded && shipped.contains(ulid);
  }

  void add(String ulid) {
    shipped.add(ulid);
  }

  /** Forgets blocks that are no longer on disk (deleted by retention), as Thanos' shipper does. */
  void retainOnly(Collection<String> localUlids) {
    shipped.retainAll(new HashSet<>(localUlids));
  }

  /**
   * Loads the set: from the state file when it is valid, otherwise from the bucket (the blocks in
   * {@code localUlids} whose {@code meta.json} is there). Throws only when the bucket fails; then
   * nothing is loaded and the next call tries again.
   */
  void load(Bucket bucket, Collection<String> localUlids) throws IOException {
    ShippedState.Read read = ShippedState.readFile(file);
    if (read.status() == ShippedState.Status.OK) {
      shipped.addAll(read.uploaded());
      onDisk = read.uploaded();
      loaded = true;
      lastReadProblem = null;
      return;
    }
    String problem = read.status() + ": " + (read.error() == null ? "" : read.error().getMessage());
    boolean firstTime = !problem.equals(lastReadProblem);
    if (firstTime && read.status() != ShippedState.Status.MISSING) {
      metrics.stateError(
          read.permissionDenied()
              ? "permission_denied"
              : read.status().name().toLowerCase(Locale.ROOT));
    }
    lastReadProblem = problem;
    List<String> found;
    try {
      found = inBucket(bucket, localUlids);
    } catch (IOException e) {
      if (firstTime) {
        logReadProblem(
            read,
            "rebuilding it from " + bucket.describe() + " failed, will retry: " + e.getMessage());
      }
      throw e;
    }
    shipped.addAll(found);
    onDisk = null; // write the rebuilt list at the next persist
    loaded = true;
    if (firstTime) {
      logReadProblem(
          read,
          "rebuilt from "
              + bucket.describe()
              + ": "
              + found.size()
              + " of "
              + localUlids.size()
              + " local blocks are already there");
    }
  }

  /** The local blocks whose meta.json is in the bucket: one listing, one exists call per match. */
  private static List<String> inBucket(Bucket bucket, Collection<String> localUlids)
      throws IOException {
    Set<String> local = new HashSet<>(localUlids);
    List<String> out = new ArrayList<>();
    for (String entry : bucket.list("")) {
      String id = entry.endsWith("/") ? entry.substring(0, entry.length() - 1) : entry;
      if (local.contains(id) && bucket.exists(id + "/" + BlockMeta.FILENAME)) {
        out.add(id);
      }
    }
    return out;
  }

  private void logReadProblem(ShippedState.Read read, String outcome) {
    Path file = read.file();
    switch (read.status()) {
      case MISSING ->
          LOG.info(
              "no shipper state file yet (normal on a tenant's first start): tenant={} file={};"
                  + " shipped list {}",
              tenant,
              file,
              outcome);
      case CORRUPT ->
          LOG.warn(
              "shipper state file is corrupt, it will be rewritten: tenant={} file={} error=\"{}\";"
                  + " shipped list {}",
              tenant,
              file,
              read.error().getMessage(),
              outcome);
      default ->
          LOG.warn(
              "cannot read shipper state file: tenant={} file={} error=\"{}\"{}; shipping goes on,"
                  + " shipped list {}; fix: {}",
              tenant,
              file,
              read.error(),
              read.permissionDenied() ? ownerNote(file) : "",
              outcome,
              readFix(read));
    }
  }

  private static String readFix(ShippedState.Read read) {
    Path file = read.file();
    if (read.permissionDenied()) {
      return "the file must belong to the gateway's user and be readable, e.g. \"chown "
          + user()
          + " "
          + file
          + " && chmod u+rw "
          + file
          + "\" (the classic cause: another user, often root or a Thanos sidecar"
          + " under another uid, wrote it)";
    }
    if (Files.isDirectory(file)) {
      return "a directory stands where the file belongs; remove it (\"rm -r " + file + "\")";
    }
    return "check the disk and that " + file + " is a regular file readable by user " + user();
  }

  /**
   * Writes {@code ulids} (oldest first) if they differ from what the file holds or the last write
   * failed. A failure keeps the set in memory, logged at the first failure and again only after a
   * success; it never throws.
   */
  void persist(List<String> ulids) {
    if (!writeFailing && ulids.equals(onDisk)) {
      return;
    }
    try {
      ShippedState.writeFile(file, ulids);
      onDisk = List.copyOf(ulids);
      if (writeFailing) {
        LOG.info("shipper state file written again: tenant={} file={}", tenant, file);
        writeFailing = false;
      }
    } catch (IOException e) {
      metrics.stateError("unwritable");
      if (!writeFailing) {
        LOG.warn(
            "cannot write shipper state file: tenant={} file={} error=\"{}\"; keeping the shipped list in"
                + " memory and shipping on (after a restart, blocks already in the bucket are found and skipped,"
                + " not uploaded again); fix: {}",
            tenant,
            file,
            e,
            writeFix(e, file));
        writeFailing = true;
      }
    }
  }

  private String writeFix(IOException e, Path file) {
    Path dir = file.toAbsolutePath().getParent();
    if (e instanceof AccessDeniedException) {
      return "the directory and the file must belong to the gateway's user, e.g. \"chown "
          + user()
          + " "
          + dir
          + " "
          + file
          + "\"";
    }
    if (Files.isDirectory(file)) {
      return "a directory stands where the file belongs; remove it (\"rm -r " + file + "\")";
    }
    Path tmp = ShippedState.tmpFile(file);
    if (Files.isDirectory(tmp)) {
      return "a directory stands where the temporary file goes; remove it (\"rm -r " + tmp + "\")";
    }
    return "check free space and that " + dir + " is writable by user " + user();
  }

  private static String ownerNote(Path file) {
    try {
      return " owner=" + Files.getOwner(file).getName() + " gateway_user=" + user();
    } catch (IOException | UnsupportedOperationException e) {
      return "";
    }
  }

  private static String user() {
    return System.getProperty("user.name", "<gateway user>");
  }
}
