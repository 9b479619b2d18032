package io.rwgateway.uploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The uploader with its real thread and clock; the interval is an hour, so only wake-ups and close
 * sync.
 */
class UploaderTest {
  private static final UploaderSettings SLOW =
      new UploaderSettings(
          Duration.ofHours(1),
          Duration.ofMillis(20),
          Duration.ofMillis(100),
          Duration.ofSeconds(10),
          Duration.ofMinutes(10));

  @TempDir Path tmp;
  private Path tsdbPath;
  private Path tenantDir;
  private FilesystemBucket fs;
  private ShipFaultyBucket faulty;
  private PrometheusRegistry registry;
  private Uploader uploader;

  @BeforeEach
  void setUp() throws IOException {
    tsdbPath = tmp.resolve("tsdb");
    tenantDir = ShipTestBlocks.tenantDir(tsdbPath, "t");
    fs = new FilesystemBucket(tmp.resolve("bucket"));
    faulty = new ShipFaultyBucket(fs);
    registry = new PrometheusRegistry();
    uploader = new Uploader(tsdbPath, faulty, registry, SLOW);
  }

  @AfterEach
  void tearDown() {
    uploader.close();
  }

  private boolean inBucket(Path block) {
    return Files.exists(fs.root().resolve(ShipTestBlocks.ulid(block)).resolve("meta.json"));
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(10);
    }
  }

  /** The tenant's first sync is done (the state is loaded): later blocks need a wake-up. */
  private void awaitFirstSync() throws InterruptedException {
    await(
        "first sync",
        () ->
            ShipMetricValues.value(
                    registry, "rwgateway_shipper_last_success_timestamp_seconds", "tenant", "t")
                > 0);
  }

  @Test
  void startShipsTheBlocksOfEveryTenantDirectoryOnDisk() throws Exception {
    Path a = ShipTestBlocks.write(tenantDir, 0);
    Path b = ShipTestBlocks.write(ShipTestBlocks.tenantDir(tsdbPath, "u"), 0);
    Path notATenant = ShipTestBlocks.write(tsdbPath.resolve("no-wal"), 0);
    uploader.start();
    await("both tenants shipped", () -> inBucket(a) && inBucket(b));
    assertFalse(inBucket(notATenant), "a directory without wal/ is not a tenant");
    assertThrows(IllegalStateException.class, uploader::start);
  }

  @Test
  void blockWrittenWakesTheUploader() throws Exception {
    uploader.start();
    awaitFirstSync();
    Path block = ShipTestBlocks.write(tenantDir, 0);
    Thread.sleep(200);
    assertFalse(inBucket(block), "no sync without a wake-up: the interval is an hour");
    uploader.blockWritten("t", tenantDir, block);
    await("the woken uploader ships the block", () -> inBucket(block));
    await("marked shipped", () -> uploader.mayDelete("t", block));
  }

  @Test
  void blockWrittenForANewTenantCreatesItsShipper() throws Exception {
    uploader.start();
    Path other = tsdbPath.resolve("new-tenant");
    Path block = ShipTestBlocks.write(other, 0);
    uploader.blockWritten("new-tenant", other, block);
    await("the new tenant's block is shipped", () -> inBucket(block));
    // The state file is written after the block's last object, so it is awaited too, not asserted
    // at once.
    await("the new tenant's state file", () -> Files.exists(other.resolve(ShippedState.FILENAME)));
    assertTrue(uploader.mayDelete("new-tenant", block));
  }

  @Test
  void mayDeleteIsFalseUntilTheBlockIsShipped() throws Exception {
    Path block = ShipTestBlocks.write(tenantDir, 0);
    faulty.failAll(true);
    assertFalse(uploader.mayDelete("t", block), "nothing known before start");
    uploader.start();
    await("some failed attempts", () -> faulty.failed() >= 3);
    assertFalse(uploader.mayDelete("t", block));
    assertFalse(inBucket(block));
    faulty.heal();
    await(
        "shipped after the bucket is back (retried with backoff)",
        () -> uploader.mayDelete("t", block));
    assertTrue(inBucket(block));
    assertTrue(
        ShipMetricValues.value(
                registry, "rwgateway_shipper_upload_failures", "tenant", "t", "reason", "network")
            >= 3);
  }

  @Test
  void closeShipsWhatIsPendingInOneLastSync() throws Exception {
    uploader.start();
    awaitFirstSync();
    // The gateway's shutdown flush: a block written just before close, with no wake-up needed.
    Path block = ShipTestBlocks.write(tenantDir, 0);
    try (ShipLogCapture log = new ShipLogCapture(Uploader.class)) {
      uploader.close();
      assertTrue(inBucket(block), "shipped by the last sync");
      assertEquals(1, log.lines(Level.INFO, "every block is shipped").size());
    }
    assertTrue(uploader.mayDelete("t", block));
  }

  @Test
  void closeWithTheBucketDownReturnsAndSaysWhatIsLeft() throws Exception {
    uploader.start();
    awaitFirstSync();
    faulty.failAll(true);
    Path block = ShipTestBlocks.write(tenantDir, 0);
    try (ShipLogCapture log = new ShipLogCapture(Uploader.class)) {
      long start = System.nanoTime();
      uploader.close();
      assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos());
      assertFalse(inBucket(block));
      assertEquals(
          1,
          log.lines(Level.WARN, "last sync before shutdown failed").size(),
          log.problems().toString());
      assertEquals(
          1, log.lines(Level.WARN, "1 blocks not shipped").size(), log.problems().toString());
    }
    assertFalse(uploader.mayDelete("t", block));
  }

  @Test
  void closeIsBoundedWhenTheBucketHangs() throws Exception {
    Path block = ShipTestBlocks.write(tenantDir, 0);
    Bucket hanging =
        new Bucket() {
          @Override
          public void upload(String key, Path file) throws IOException {
            try {
              Thread.sleep(60_000);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new BucketException("interrupted", "network", true, e);
            }
          }

          @Override
          public boolean exists(String key) throws IOException {
            return fs.exists(key);
          }

          @Override
          public List<String> list(String dir) throws IOException {
            return fs.list(dir);
          }

          @Override
          public void download(String key, Path file) throws IOException {
            fs.download(key, file);
          }

          @Override
          public void delete(String key) throws IOException {
            fs.delete(key);
          }

          @Override
          public String describe() {
            return "hanging bucket";
          }
        };
    Uploader u =
        new Uploader(
            tsdbPath,
            hanging,
            new PrometheusRegistry(),
            SLOW.withCloseTimeout(Duration.ofMillis(300)));
    u.start();
    Thread.sleep(100);
    long start = System.nanoTime();
    u.close();
    assertTrue(
        System.nanoTime() - start < Duration.ofSeconds(5).toNanos(),
        "close waited for a hung upload");
    assertFalse(inBucket(block));
    assertFalse(u.mayDelete("t", block));
  }
}
