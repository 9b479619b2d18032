package io.rwgateway.uploader;

import io.rwgateway.tsdb.layout.BlockFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A bucket in a local directory, as Thanos' {@code type: FILESYSTEM} ({@code config.directory}):
 * the key is the relative path. The embedded default of {@code gateway receive}, so blocks are
 * "shipped" somewhere even with no object store configured; also handy for tests and for a shared
 * volume.
 *
 * <p>NOTE: an upload is copied to a temporary name in the target directory, fsynced and renamed, so
 * a reader (or a crash) never sees half an object, matching S3's all-or-nothing PUT.
 */
public final class FilesystemBucket implements Bucket {
  private static final String TMP_SUFFIX = ".tmp-upload";
  private static final AtomicLong TMP_SEQ = new AtomicLong();

  private final Path root;

  public FilesystemBucket(Path root) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    Files.createDirectories(this.root);
  }

  public Path root() {
    return root;
  }

  private Path path(String key) throws IOException {
    if (key.isEmpty() || key.startsWith("/") || key.contains("\\")) {
      throw new BucketException("invalid object key \"" + key + "\"", "invalid_key", false, null);
    }
    Path p = root.resolve(key).normalize();
    if (!p.startsWith(root) || p.equals(root)) {
      throw new BucketException(
          "object key \"" + key + "\" leaves the bucket directory", "invalid_key", false, null);
    }
    return p;
  }

  @Override
  public void upload(String key, Path file) throws IOException {
    Path dst = path(key);
    Files.createDirectories(dst.getParent());
    Path tmp = dst.resolveSibling(dst.getFileName() + "." + TMP_SEQ.incrementAndGet() + TMP_SUFFIX);
    try {
      Files.copy(file, tmp, StandardCopyOption.REPLACE_EXISTING);
      BlockFiles.syncFile(tmp);
      try {
        Files.move(tmp, dst, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dst, StandardCopyOption.REPLACE_EXISTING);
      }
      // NOTE: the rename, and the directories createDirectories may have made, survive a power
      // loss only once their directories are synced. Without this the shipper's state file (which
      // is synced) could say "shipped" for an object the bucket lost, and retention would then
      // delete the only copy of the block.
      for (Path d = dst.getParent(); d != null && d.startsWith(root); d = d.getParent()) {
        BlockFiles.syncDir(d);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public boolean exists(String key) throws IOException {
    return Files.isRegularFile(path(key));
  }

  @Override
  public List<String> list(String dir) throws IOException {
    if (!dir.isEmpty() && !dir.endsWith("/")) {
      throw new BucketException(
          "a directory to list ends with /: \"" + dir + "\"", "invalid_key", false, null);
    }
    Path d = dir.isEmpty() ? root : path(dir.substring(0, dir.length() - 1));
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(d)) {
      return out;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(d)) {
      for (Path e : entries) {
        String name = e.getFileName().toString();
        if (name.endsWith(TMP_SUFFIX)) {
          continue;
        }
        boolean isDir = Files.isDirectory(e);
        // NOTE: an object store has no empty directories: once its last object is deleted a
        // "directory" is gone from S3's listing, so an empty one here is skipped the same way.
        if (isDir && !holdsObject(e)) {
          continue;
        }
        out.add(dir + name + (isDir ? "/" : ""));
      }
    }
    out.sort(null);
    return out;
  }

  /**
   * True when {@code dir} has an object (a regular file that is not an upload in progress) below
   * it.
   */
  private static boolean holdsObject(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.anyMatch(
          p -> Files.isRegularFile(p) && !p.getFileName().toString().endsWith(TMP_SUFFIX));
    } catch (NoSuchFileException e) {
      return false; // removed by a concurrent delete: then it holds nothing
    } catch (UncheckedIOException e) {
      if (e.getCause() instanceof NoSuchFileException) {
        return false;
      }
      throw e.getCause();
    }
  }

  @Override
  public void download(String key, Path file) throws IOException {
    try {
      Files.copy(path(key), file, StandardCopyOption.REPLACE_EXISTING);
    } catch (NoSuchFileException e) {
      throw new BucketException(
          "no object \"" + key + "\" in " + describe(), "not_found", false, e);
    }
  }

  @Override
  public void delete(String key) throws IOException {
    Files.deleteIfExists(path(key));
  }

  @Override
  public String describe() {
    return "filesystem bucket " + root;
  }
}
