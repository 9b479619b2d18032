package io.rwgateway.uploader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts every key of another bucket under {@code prefix/}, as Thanos' top-level objstore {@code
 * prefix} does, so several gateways (or tenants, or clusters) can share one bucket. Keys the caller
 * sees are relative to the prefix; the prefix never leaks into {@link #list} results. Slashes
 * around the prefix are trimmed, as in Thanos ({@code /a/b/} is {@code a/b}).
 *
 * <p>NOTE: keys with a {@code ..} segment are refused: a filesystem bucket would resolve them out
 * of the prefix, into another tenant's or cluster's objects. Block keys never contain one.
 */
public final class PrefixedBucket implements Bucket {
  private final Bucket inner;
  private final String prefix;

  /**
   * @param prefix non-blank after trimming slashes; use the inner bucket directly for no prefix
   */
  public PrefixedBucket(Bucket inner, String prefix) {
    String p = trimSlashes(prefix);
    if (p.isEmpty()) {
      throw new IllegalArgumentException("empty bucket prefix \"" + prefix + "\"");
    }
    this.inner = inner;
    this.prefix = p + "/";
  }

  /** {@code inner} itself when {@code prefix} is empty or only slashes, else a prefixed view. */
  public static Bucket wrap(Bucket inner, String prefix) {
    return prefix == null || trimSlashes(prefix).isEmpty()
        ? inner
        : new PrefixedBucket(inner, prefix);
  }

  static String trimSlashes(String s) {
    int b = 0;
    int e = s.length();
    while (b < e && s.charAt(b) == '/') {
      b++;
    }
    while (e > b && s.charAt(e - 1) == '/') {
      e--;
    }
    return s.substring(b, e);
  }

  /** The prefix with its trailing slash. */
  public String prefix() {
    return prefix;
  }

  public Bucket inner() {
    return inner;
  }

  private String full(String key) throws BucketException {
    if (key.isEmpty() || hasDotDot(key)) {
      throw new BucketException("invalid object key \"" + key + "\"", "invalid_key", false, null);
    }
    return prefix + key;
  }

  private static boolean hasDotDot(String key) {
    for (String segment : key.split("/", -1)) {
      if (segment.equals("..")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void upload(String key, Path file) throws IOException {
    inner.upload(full(key), file);
  }

  @Override
  public boolean exists(String key) throws IOException {
    return inner.exists(full(key));
  }

  @Override
  public List<String> list(String dir) throws IOException {
    if (!dir.isEmpty() && !dir.endsWith("/")) {
      throw new BucketException(
          "a directory to list ends with /: \"" + dir + "\"", "invalid_key", false, null);
    }
    if (hasDotDot(dir)) {
      throw new BucketException("invalid directory \"" + dir + "\"", "invalid_key", false, null);
    }
    List<String> entries = inner.list(prefix + dir);
    List<String> out = new ArrayList<>(entries.size());
    for (String e : entries) {
      if (e.startsWith(prefix)) {
        out.add(e.substring(prefix.length()));
      }
    }
    return out;
  }

  @Override
  public void download(String key, Path file) throws IOException {
    inner.download(full(key), file);
  }

  @Override
  public void delete(String key) throws IOException {
    inner.delete(full(key));
  }

  @Override
  public String describe() {
    return inner.describe() + " under prefix " + prefix;
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
