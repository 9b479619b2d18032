package io.rwgateway.uploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bucket contract on {@link FilesystemBucket}, plus what is particular to a directory. */
class FilesystemBucketTest extends BucketContractTest {
  Path root;

  @Override
  Bucket newBucket() throws IOException {
    root = tmp.resolve("bucket");
    return new FilesystemBucket(root);
  }

  @Test
  void keysThatLeaveTheDirectoryAreRefused() throws IOException {
    Path f = file("evil");
    for (String key : List.of("../outside", "a/../../outside", "/etc/passwd", "a\\b", "..")) {
      BucketException e = assertThrows(BucketException.class, () -> bucket.upload(key, f), key);
      assertEquals("invalid_key", e.reason(), key);
      assertFalse(e.retryable());
    }
    assertFalse(Files.exists(tmp.resolve("outside")));
    assertThrows(BucketException.class, () -> bucket.exists("../bucket-sibling"));
    assertThrows(BucketException.class, () -> bucket.download("../src-0", tmp.resolve("x")));
    assertThrows(BucketException.class, () -> bucket.delete("../src-0"));
    assertTrue(Files.exists(tmp.resolve("src-0")), "delete outside the bucket must not happen");
    assertThrows(BucketException.class, () -> bucket.list("../"));
  }

  @Test
  void theKeyIsTheRelativePath() throws IOException {
    bucket.upload("01A/chunks/000001", file("c"));
    assertEquals("c", Files.readString(root.resolve("01A/chunks/000001")));
    assertEquals("filesystem bucket " + root.toAbsolutePath().normalize(), bucket.describe());
  }

  @Test
  void uploadsInProgressAndEmptyDirectoriesAreNotListed() throws IOException {
    bucket.upload("blk/meta.json", file("m"));
    Files.writeString(root.resolve("blk/index.7.tmp-upload"), "half");
    Files.createDirectories(root.resolve("emptydir/deeper"));
    Files.createDirectories(root.resolve("onlytmp"));
    Files.writeString(root.resolve("onlytmp/x.1.tmp-upload"), "half");
    assertEquals(List.of("blk/"), bucket.list(""));
    assertEquals(List.of("blk/meta.json"), bucket.list("blk/"));
  }
}
