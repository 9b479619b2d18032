package io.rwgateway.uploader;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A bucket decorator that records every operation ("upload KEY", "exists KEY", "list DIR", ...).
 */
final class ShipRecordingBucket implements Bucket {
  private final Bucket inner;
  private final List<String> ops = new ArrayList<>();

  ShipRecordingBucket(Bucket inner) {
    this.inner = inner;
  }

  /** A copy of the operations so far, in call order. */
  synchronized List<String> ops() {
    return new ArrayList<>(ops);
  }

  /** The keys uploaded so far, in call order (repeats included). */
  synchronized List<String> uploads() {
    List<String> out = new ArrayList<>();
    for (String op : ops) {
      if (op.startsWith("upload ")) {
        out.add(op.substring("upload ".length()));
      }
    }
    return out;
  }

  synchronized void clear() {
    ops.clear();
  }

  private synchronized void record(String op) {
    ops.add(op);
  }

  @Override
  public void upload(String key, Path file) throws IOException {
    record("upload " + key);
    inner.upload(key, file);
  }

  @Override
  public boolean exists(String key) throws IOException {
    record("exists " + key);
    return inner.exists(key);
  }

  @Override
  public List<String> list(String dir) throws IOException {
    record("list " + dir);
    return inner.list(dir);
  }

  @Override
  public void download(String key, Path file) throws IOException {
    record("download " + key);
    inner.download(key, file);
  }

  @Override
  public void delete(String key) throws IOException {
    record("delete " + key);
    inner.delete(key);
  }

  @Override
  public String describe() {
    return inner.describe();
  }
}
