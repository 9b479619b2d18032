package io.rwgateway.uploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bucket contract through {@link PrefixedBucket} (over a filesystem bucket), plus where keys
 * land.
 */
class PrefixedBucketTest extends BucketContractTest {
  FilesystemBucket inner;

  @Override
  Bucket newBucket() throws IOException {
    inner = new FilesystemBucket(tmp.resolve("bucket"));
    return new PrefixedBucket(inner, "/cluster-a/tenant-1/");
  }

  @Test
  void keysLandUnderThePrefixAndListingsHideIt() throws IOException {
    bucket.upload("01A/meta.json", file("m"));
    assertTrue(Files.isRegularFile(inner.root().resolve("cluster-a/tenant-1/01A/meta.json")));
    assertEquals(List.of("cluster-a/"), inner.list(""));
    assertEquals(List.of("01A/"), bucket.list(""));
    assertEquals(List.of("01A/meta.json"), bucket.list("01A/"));
    assertEquals("cluster-a/tenant-1/", ((PrefixedBucket) bucket).prefix());
    assertTrue(bucket.describe().endsWith("under prefix cluster-a/tenant-1/"), bucket.describe());
  }

  @Test
  void objectsOutsideThePrefixAreInvisible() throws IOException {
    inner.upload("cluster-b/01X/meta.json", file("other"));
    inner.upload("cluster-a/tenant-10/x", file("sibling with a longer name"));
    assertEquals(List.of(), bucket.list(""));
  }

  @Test
  void dotDotSegmentsCannotEscapeThePrefix() throws IOException {
    inner.upload("cluster-b/01X/meta.json", file("other"));
    for (String key : List.of("../../cluster-b/01X/meta.json", "a/../../x", "..")) {
      assertEquals(
          "invalid_key",
          assertThrows(BucketException.class, () -> bucket.exists(key), key).reason());
    }
    assertEquals(
        "invalid_key", assertThrows(BucketException.class, () -> bucket.list("../../")).reason());
  }

  @Test
  void anEmptyPrefixMeansNoWrapper() {
    assertSame(inner, PrefixedBucket.wrap(inner, ""));
    assertSame(inner, PrefixedBucket.wrap(inner, "//"));
    assertSame(inner, PrefixedBucket.wrap(inner, null));
    assertThrows(IllegalArgumentException.class, () -> new PrefixedBucket(inner, "/"));
  }

  @Test
  void listingAFileAsADirectoryIsRefused() throws IOException {
    Path f = file("x");
    bucket.upload("d/x", f);
    assertEquals(
        "invalid_key", assertThrows(BucketException.class, () -> bucket.list("d")).reason());
  }
}
