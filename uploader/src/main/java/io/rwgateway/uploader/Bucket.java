package io.rwgateway.uploader;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * An object store as Thanos uses one: flat keys with {@code /} as the directory separator ({@code
 * <ULID>/meta.json}, {@code <ULID>/chunks/000001}). Implementations: {@link FilesystemBucket} and
 * S3. Thread-safe.
 *
 * <p>Failures are {@link IOException}s; {@link BucketException#retryable()} tells a transient
 * failure (connection refused, timeout, 5xx) from a permanent one (access denied, no such bucket).
 */
public interface Bucket extends Closeable {
  /**
   * Uploads {@code file} as {@code key}, replacing an existing object. Atomic for readers: an
   * object is either absent or complete (S3 guarantees this; the filesystem bucket renames).
   */
  void upload(String key, Path file) throws IOException;

  /** True when an object with exactly this key exists. */
  boolean exists(String key) throws IOException;

  /**
   * The entries directly under {@code dir} (which ends with {@code /}, or is empty for the root):
   * object keys, and "subdirectories" as keys ending with {@code /}, as S3's delimiter listing
   * returns them. Sorted.
   */
  List<String> list(String dir) throws IOException;

  /** Downloads {@code key} into {@code file} (replaced). */
  void download(String key, Path file) throws IOException;

  /** Deletes {@code key}; no error when it does not exist. */
  void delete(String key) throws IOException;

  /** A short description for logs: type and location, never credentials. */
  String describe();

  @Override
  default void close() throws IOException {}
}
