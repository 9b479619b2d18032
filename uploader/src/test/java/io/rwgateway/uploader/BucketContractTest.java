package io.rwgateway.uploader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link Bucket} must do, run against each implementation (filesystem, S3, prefixed):
 * the shipper and the sidecar rely on these semantics whatever the store. Subclasses give a fresh,
 * empty bucket per test.
 */
abstract class BucketContractTest {
  @TempDir Path tmp;
  Bucket bucket;
  private int files;

  /** A new, empty bucket; closed after the test. */
  abstract Bucket newBucket() throws Exception;

  @BeforeEach
  void openBucket() throws Exception {
    bucket = newBucket();
  }

  @AfterEach
  void closeBucket() throws IOException {
    bucket.close();
  }

  Path file(byte[] content) throws IOException {
    Path p = tmp.resolve("src-" + files++);
    Files.write(p, content);
    return p;
  }

  Path file(String content) throws IOException {
    return file(content.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  byte[] download(String key) throws IOException {
    Path out = tmp.resolve("dl-" + files++);
    bucket.download(key, out);
    return Files.readAllBytes(out);
  }

  @Test
  void uploadedObjectExistsAndDownloadsByteForByte() throws IOException {
    byte[] data = randomBytes(300_000, 1);
    bucket.upload("01ABC/chunks/000001", file(data));
    assertTrue(bucket.exists("01ABC/chunks/000001"));
    assertFalse(bucket.exists("01ABC/chunks/000002"));
    assertFalse(bucket.exists("01ABC/chunks"), "a directory is not an object");
    assertArrayEquals(data, download("01ABC/chunks/000001"));
  }

  @Test
  void uploadReplacesAnExistingObject() throws IOException {
    bucket.upload("a/meta.json", file("first version, longer than the second"));
    bucket.upload("a/meta.json", file("second"));
    assertEquals("second", new String(download("a/meta.json"), StandardCharsets.UTF_8));
  }

  @Test
  void emptyObjectRoundTrips() throws IOException {
    bucket.upload("empty", file(new byte[0]));
    assertTrue(bucket.exists("empty"));
    assertEquals(0, download("empty").length);
  }

  @Test
  void downloadReplacesAnExistingTargetFile() throws IOException {
    bucket.upload("k", file("new content"));
    Path out = tmp.resolve("existing");
    Files.writeString(out, "old content that is longer than the new one");
    bucket.download("k", out);
    assertEquals("new content", Files.readString(out));
  }

  @Test
  void downloadOfAMissingKeyIsAPermanentNotFound() throws IOException {
    Path out = tmp.resolve("never");
    BucketException e =
        assertThrows(BucketException.class, () -> bucket.download("no/such/key", out));
    assertEquals("not_found", e.reason());
    assertFalse(e.retryable());
    assertFalse(Files.exists(out), "no partial file is left");
  }

  @Test
  void listShowsObjectsAndSubdirectoriesOneLevelDeepSorted() throws IOException {
    for (String k :
        List.of(
            "01B/meta.json",
            "01A/meta.json",
            "01A/index",
            "01A/chunks/000002",
            "01A/chunks/000001",
            "top.txt")) {
      bucket.upload(k, file(k));
    }
    assertEquals(List.of("01A/", "01B/", "top.txt"), bucket.list(""));
    assertEquals(List.of("01A/chunks/", "01A/index", "01A/meta.json"), bucket.list("01A/"));
    assertEquals(List.of("01A/chunks/000001", "01A/chunks/000002"), bucket.list("01A/chunks/"));
    assertEquals(List.of(), bucket.list("nothing/"));
  }

  @Test
  void listOfADirectoryWithoutTrailingSlashIsRefused() throws IOException {
    bucket.upload("d/x", file("x"));
    BucketException e = assertThrows(BucketException.class, () -> bucket.list("d"));
    assertEquals("invalid_key", e.reason());
  }

  @Test
  void deleteRemovesTheObjectAndToleratesAMissingOne() throws IOException {
    bucket.upload("blk/meta.json", file("m"));
    bucket.upload("keep", file("k"));
    bucket.delete("blk/meta.json");
    assertFalse(bucket.exists("blk/meta.json"));
    assertEquals(List.of("keep"), bucket.list(""), "a directory without objects is not listed");
    bucket.delete("blk/meta.json");
    bucket.delete("never/was");
  }

  @Test
  void keysWithSpacesAndPunctuationRoundTrip() throws IOException {
    String key = "dir with space/a+b=c,d;e@f(1)~ü.json";
    bucket.upload(key, file("odd"));
    assertTrue(bucket.exists(key));
    assertEquals(List.of("dir with space/"), bucket.list(""));
    assertEquals(List.of(key), bucket.list("dir with space/"));
    assertEquals("odd", new String(download(key), StandardCharsets.UTF_8));
  }

  @Test
  void anEmptyKeyIsRefused() throws IOException {
    Path f = file("x");
    assertEquals(
        "invalid_key", assertThrows(BucketException.class, () -> bucket.upload("", f)).reason());
    assertEquals(
        "invalid_key", assertThrows(BucketException.class, () -> bucket.exists("")).reason());
  }

  @Test
  void uploadingAMissingFileFailsWithoutCreatingTheObject() throws IOException {
    assertThrows(IOException.class, () -> bucket.upload("ghost", tmp.resolve("does-not-exist")));
    assertFalse(bucket.exists("ghost"));
  }
}
