package io.rwgateway.uploader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A bucket decorator that fails on demand with {@link BucketException}s: the next N operations,
 * every operation on a key matching a pattern, or everything (an outage), retryable or permanent.
 * Counts the operations it failed.
 */
final class ShipFaultyBucket implements Bucket {
  private final Bucket inner;
  private int failNext;
  private Pattern failKeys;
  private boolean failAll;
  private boolean retryable = true;
  private int failed;

  ShipFaultyBucket(Bucket inner) {
    this.inner = inner;
  }

  /** Fails the next {@code n} operations. */
  synchronized ShipFaultyBucket failNext(int n, boolean retryable) {
    this.failNext = n;
    this.retryable = retryable;
    return this;
  }

  /**
   * Fails every operation whose key (or listed directory) matches {@code regex}, until {@link
   * #heal}.
   */
  synchronized ShipFaultyBucket failKeys(String regex, boolean retryable) {
    this.failKeys = Pattern.compile(regex);
    this.retryable = retryable;
    return this;
  }

  /** Fails every operation until {@link #heal}: the bucket is down. */
  synchronized ShipFaultyBucket failAll(boolean retryable) {
    this.failAll = true;
    this.retryable = retryable;
    return this;
  }

  synchronized void heal() {
    failNext = 0;
    failKeys = null;
    failAll = false;
  }

  /** Operations failed so far. */
  synchronized int failed() {
    return failed;
  }

  private synchronized void maybeFail(String op, String key) throws BucketException {
    boolean fail = failAll || (failKeys != null && failKeys.matcher(key).matches());
    if (!fail && failNext > 0) {
      failNext--;
      fail = true;
    }
    if (fail) {
      failed++;
      throw retryable
          ? new BucketException(
              "injected: " + op + " " + key + ": connection refused", "network", true, null)
          : new BucketException(
              "injected: " + op + " " + key + ": access denied", "denied", false, null);
    }
  }

  @Override
  public void upload(String key, Path file) throws IOException {
    maybeFail("upload", key);
    inner.upload(key, file);
  }

  @Override
  public boolean exists(String key) throws IOException {
    maybeFail("exists", key);
    return inner.exists(key);
  }

  @Override
  public List<String> list(String dir) throws IOException {
    maybeFail("list", dir);
    return inner.list(dir);
  }

  @Override
  public void download(String key, Path file) throws IOException {
    maybeFail("download", key);
    inner.download(key, file);
  }

  @Override
  public void delete(String key) throws IOException {
    maybeFail("delete", key);
    inner.delete(key);
  }

  @Override
  public String describe() {
    return "faulty " + inner.describe();
  }
}
