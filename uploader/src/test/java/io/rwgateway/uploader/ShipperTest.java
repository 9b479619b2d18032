package io.rwgateway.uploader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.tsdb.layout.BlockFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShipperTest {
  @TempDir Path tmp;
  private Path tenantDir;
  private FilesystemBucket fs;
  private ShipFaultyBucket faulty;
  private ShipRecordingBucket bucket;
  private PrometheusRegistry registry;
  private Shipper shipper;

  @BeforeEach
  void setUp() throws IOException {
    tenantDir = Files.createDirectories(tmp.resolve("tsdb/t"));
    fs = new FilesystemBucket(tmp.resolve("bucket"));
    faulty = new ShipFaultyBucket(fs);
    bucket = new ShipRecordingBucket(faulty);
    registry = new PrometheusRegistry();
    shipper = new Shipper("t", tenantDir, bucket, new ShipperMetrics(registry));
  }

  @Test
  void shipsOldestFirstWithMetaJsonLastAndRecordsThemInThanosFormat() throws IOException {
    // Written newest range first, so ULID order (creation) is the reverse of time order.
    Path newest = ShipTestBlocks.write(tenantDir, 4 * ShipTestBlocks.HOUR);
    Path oldest = ShipTestBlocks.write(tenantDir, 0);
    Path middle = ShipTestBlocks.write(tenantDir, 2 * ShipTestBlocks.HOUR);

    assertEquals(3, shipper.sync());

    List<String> expected = new ArrayList<>();
    long bytes = 0;
    for (Path b : List.of(oldest, middle, newest)) {
      for (String f : ShipTestBlocks.shippedFiles(b)) {
        expected.add(ShipTestBlocks.ulid(b) + "/" + f);
        bytes += Files.size(b.resolve(f));
        assertArrayEquals(
            Files.readAllBytes(b.resolve(f)),
            Files.readAllBytes(fs.root().resolve(ShipTestBlocks.ulid(b)).resolve(f)),
            f);
      }
    }
    assertEquals(expected, bucket.uploads(), "chunks, index, meta.json last; oldest block first");
    assertFalse(Files.exists(fs.root().resolve(ShipTestBlocks.ulid(oldest)).resolve("tombstones")));
    assertEquals(
        "{\n\t\"version\": 1,\n\t\"uploaded\": [\n\t\t\""
            + ShipTestBlocks.ulid(oldest)
            + "\",\n\t\t\""
            + ShipTestBlocks.ulid(middle)
            + "\",\n\t\t\""
            + ShipTestBlocks.ulid(newest)
            + "\"\n\t]\n}\n",
        Files.readString(tenantDir.resolve("thanos.shipper.json")));
    for (Path b : List.of(oldest, middle, newest)) {
      assertTrue(shipper.isShipped(ShipTestBlocks.ulid(b)));
    }
    assertEquals(3, ShipMetricValues.value(registry, "rwgateway_shipper_uploads", "tenant", "t"));
    assertEquals(
        bytes, ShipMetricValues.value(registry, "rwgateway_shipper_uploaded_bytes", "tenant", "t"));
    assertEquals(
        0, ShipMetricValues.value(registry, "rwgateway_shipper_blocks_pending", "tenant", "t"));
    assertTrue(
        ShipMetricValues.value(
                registry, "rwgateway_shipper_last_success_timestamp_seconds", "tenant", "t")
            > 1.7e9);

    bucket.clear();
    assertEquals(0, shipper.sync());
    assertEquals(
        List.of(), bucket.ops(), "a second sync touches neither the bucket nor the blocks");
  }

  @Test
  void aBlockAlreadyInTheBucketIsMarkedShippedWithoutUploading() throws IOException {
    Path present = ShipTestBlocks.write(tenantDir, 0);
    Path fresh = ShipTestBlocks.write(tenantDir, 2 * ShipTestBlocks.HOUR);
    // Uploaded by an earlier run that crashed before writing its state file.
    String id = ShipTestBlocks.ulid(present);
    for (String f : ShipTestBlocks.shippedFiles(present)) {
      fs.upload(id + "/" + f, present.resolve(f));
    }
    Files.writeString(tenantDir.resolve(ShippedState.FILENAME), "{\"version\":1,\"uploaded\":[]}");

    assertEquals(1, shipper.sync());
    assertTrue(shipper.isShipped(id));
    assertTrue(bucket.ops().contains("exists " + id + "/meta.json"));
    assertTrue(
        bucket.uploads().stream().noneMatch(k -> k.startsWith(id)), bucket.uploads().toString());
    assertEquals(List.of(id, ShipTestBlocks.ulid(fresh)), ShippedState.read(tenantDir).uploaded());
    assertEquals(1, ShipMetricValues.value(registry, "rwgateway_shipper_uploads", "tenant", "t"));
  }

  @Test
  void aFailureMidBlockLeavesNoMetaJsonAndTheRetryCompletesWithTheSameKeys() throws IOException {
    Path first = ShipTestBlocks.write(tenantDir, 0);
    Path second = ShipTestBlocks.write(tenantDir, 2 * ShipTestBlocks.HOUR);
    String id = ShipTestBlocks.ulid(first);
    faulty.failKeys(".*/index", true);

    ShipperSyncException e = assertThrows(ShipperSyncException.class, shipper::sync);
    assertEquals("network", e.reason());
    assertTrue(e.retryable());
    assertEquals(id, e.block());
    assertTrue(
        Files.exists(fs.root().resolve(id + "/chunks/000001")), "chunks went up before the index");
    assertFalse(
        Files.exists(fs.root().resolve(id + "/meta.json")), "no meta.json: an unfinished upload");
    assertFalse(shipper.isShipped(id));
    assertTrue(
        bucket.uploads().stream().noneMatch(k -> k.startsWith(ShipTestBlocks.ulid(second))),
        "a later block waits for the failing one");
    assertEquals(List.of(), ShippedState.read(tenantDir).uploaded());
    assertEquals(
        1,
        ShipMetricValues.value(
            registry, "rwgateway_shipper_upload_failures", "tenant", "t", "reason", "network"));
    assertEquals(
        2, ShipMetricValues.value(registry, "rwgateway_shipper_blocks_pending", "tenant", "t"));

    faulty.heal();
    bucket.clear();
    assertEquals(2, shipper.sync());
    assertTrue(shipper.isShipped(id));
    List<String> expectedFirst = new ArrayList<>();
    for (String f : ShipTestBlocks.shippedFiles(first)) {
      expectedFirst.add(id + "/" + f);
    }
    assertEquals(
        expectedFirst,
        bucket.uploads().subList(0, expectedFirst.size()),
        "the whole block again, in order");
    // Same keys overwritten: the bucket holds exactly the block's files, no leftovers, no copies.
    assertEquals(List.of(id + "/chunks/", id + "/index", id + "/meta.json"), fs.list(id + "/"));
    assertEquals(List.of(id + "/chunks/000001"), fs.list(id + "/chunks/"));
  }

  @Test
  void aFileListedInMetaJsonMissingLocallyIsAClearErrorForThatBlockOnly() throws IOException {
    Path broken = ShipTestBlocks.write(tenantDir, 0);
    Path fine = ShipTestBlocks.write(tenantDir, 2 * ShipTestBlocks.HOUR);
    Files.delete(broken.resolve("chunks/000001"));
    try (ShipLogCapture log = new ShipLogCapture(Shipper.class)) {
      assertEquals(1, shipper.sync());
      assertEquals(0, shipper.sync());
      List<String> errors = log.lines(Level.ERROR, ShipTestBlocks.ulid(broken));
      assertEquals(1, errors.size(), log.problems().toString());
      assertTrue(
          errors.get(0).contains("chunks/000001 is listed in meta.json but missing"),
          errors.get(0));
    }
    assertFalse(shipper.isShipped(ShipTestBlocks.ulid(broken)));
    assertTrue(shipper.isShipped(ShipTestBlocks.ulid(fine)));
    assertTrue(bucket.uploads().stream().noneMatch(k -> k.startsWith(ShipTestBlocks.ulid(broken))));
    assertEquals(
        1,
        ShipMetricValues.value(
            registry,
            "rwgateway_shipper_upload_failures",
            "tenant",
            "t",
            "reason",
            "broken_block"));
    assertEquals(
        1, ShipMetricValues.value(registry, "rwgateway_shipper_blocks_pending", "tenant", "t"));
    assertEquals(
        0,
        ShipMetricValues.value(
            registry, "rwgateway_shipper_last_success_timestamp_seconds", "tenant", "t"),
        "not a success while a block is pending");
  }

  @Test
  void aWrongSizeIsAnErrorToo() throws IOException {
    Path b = ShipTestBlocks.write(tenantDir, 0);
    Files.write(b.resolve("index"), new byte[] {1, 2, 3}, StandardOpenOption.APPEND);
    assertEquals(0, shipper.sync());
    assertFalse(shipper.isShipped(ShipTestBlocks.ulid(b)));
    assertEquals(List.of(), bucket.uploads());
  }

  @Test
  void onlyFinishedLevelOneBlocksAreShipped() throws IOException {
    Path compacted = ShipTestBlocks.write(tenantDir, 0);
    ShipTestBlocks.setLevel(compacted, 2);
    Path normal = ShipTestBlocks.write(tenantDir, 2 * ShipTestBlocks.HOUR);
    // A block being written, one being deleted, and a ULID directory without meta.json.
    Path other = ShipTestBlocks.write(tmp.resolve("elsewhere"), 0);
    copyDir(other, tenantDir.resolve(ShipTestBlocks.ulid(other) + ".tmp-for-creation"));
    copyDir(other, tenantDir.resolve(ShipTestBlocks.ulid(other) + ".tmp-for-deletion"));
    Files.createDirectories(tenantDir.resolve("01JDFK6C00QX2V4Y6Z8A0B1C2D"));

    assertEquals(1, shipper.sync());
    assertTrue(
        bucket.uploads().stream().allMatch(k -> k.startsWith(ShipTestBlocks.ulid(normal))),
        bucket.uploads().toString());
    assertEquals(List.of(ShipTestBlocks.ulid(normal)), ShippedState.read(tenantDir).uploaded());
    assertEquals(
        0, ShipMetricValues.value(registry, "rwgateway_shipper_blocks_pending", "tenant", "t"));
  }

  @Test
  void nothingIsShippedBeforeTheFirstSyncAndDeletedBlocksLeaveTheState() throws IOException {
    Path a = ShipTestBlocks.write(tenantDir, 0);
    Path b = ShipTestBlocks.write(tenantDir, 2 * ShipTestBlocks.HOUR);
    assertFalse(shipper.isShipped(ShipTestBlocks.ulid(a)), "unknown until the state is read");
    shipper.sync();
    assertTrue(shipper.isShipped(ShipTestBlocks.ulid(a)));
    // Retention deletes the block: Thanos keeps only local blocks in the file, so do we.
    BlockFiles.deleteRecursively(a);
    shipper.sync();
    assertEquals(List.of(ShipTestBlocks.ulid(b)), ShippedState.read(tenantDir).uploaded());
    assertFalse(shipper.isShipped(ShipTestBlocks.ulid(a)));
  }

  @Test
  void aRestartedShipperReadsTheStateAndUploadsNothingAgain() throws IOException {
    ShipTestBlocks.write(tenantDir, 0);
    shipper.sync();
    bucket.clear();
    Shipper restarted =
        new Shipper("t", tenantDir, bucket, new ShipperMetrics(new PrometheusRegistry()));
    assertEquals(0, restarted.sync());
    assertEquals(List.of(), bucket.ops(), "the state file alone says the block is shipped");
  }

  private static void copyDir(Path from, Path to) throws IOException {
    try (var walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path dst = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dst);
        } else {
          Files.copy(p, dst);
        }
      }
    }
  }
}
