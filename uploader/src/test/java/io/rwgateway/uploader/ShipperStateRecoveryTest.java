package io.rwgateway.uploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state file that is missing, corrupt, unreadable or unwritable never stops shipping: the list is
 * rebuilt from the bucket (or kept in memory), the problem is logged once and counted.
 */
class ShipperStateRecoveryTest {
  @TempDir Path tmp;
  private Path tenantDir;
  private Path stateFile;
  private FilesystemBucket fs;
  private ShipFaultyBucket faulty;
  private ShipRecordingBucket bucket;
  private PrometheusRegistry registry;
  private Shipper shipper;
  private ShipLogCapture log;

  /** Shipped by an earlier run: in the bucket with its meta.json. */
  private String inBucket;

  /** Not shipped yet. */
  private String fresh;

  @BeforeEach
  void setUp() throws IOException {
    tenantDir = Files.createDirectories(tmp.resolve("tsdb/t"));
    stateFile = tenantDir.resolve(ShippedState.FILENAME);
    fs = new FilesystemBucket(tmp.resolve("bucket"));
    faulty = new ShipFaultyBucket(fs);
    bucket = new ShipRecordingBucket(faulty);
    registry = new PrometheusRegistry();
    shipper = new Shipper("t", tenantDir, bucket, new ShipperMetrics(registry));
    Path a = ShipTestBlocks.write(tenantDir, 0);
    inBucket = ShipTestBlocks.ulid(a);
    for (String f : ShipTestBlocks.shippedFiles(a)) {
      fs.upload(inBucket + "/" + f, a.resolve(f));
    }
    fresh = ShipTestBlocks.ulid(ShipTestBlocks.write(tenantDir, 2 * ShipTestBlocks.HOUR));
    log = new ShipLogCapture(Shipper.class);
  }

  @AfterEach
  void tearDown() throws IOException {
    log.close();
    // Leave the temporary directory deletable.
    Files.setPosixFilePermissions(tenantDir, PosixFilePermissions.fromString("rwx------"));
    if (Files.isRegularFile(stateFile)) {
      Files.setPosixFilePermissions(stateFile, PosixFilePermissions.fromString("rw-------"));
    }
  }

  /** Three syncs: the first ships, the others find nothing to do and must not log again. */
  private void syncThrice() throws IOException {
    assertEquals(1, shipper.sync());
    assertEquals(0, shipper.sync());
    assertEquals(0, shipper.sync());
  }

  private void assertShippedWithoutReupload() {
    assertTrue(shipper.isShipped(inBucket), "rebuilt from the bucket");
    assertTrue(shipper.isShipped(fresh));
    assertTrue(
        bucket.uploads().stream().noneMatch(k -> k.startsWith(inBucket)),
        bucket.uploads().toString());
    assertTrue(bucket.uploads().contains(fresh + "/meta.json"));
  }

  /** The rebuild found the block (one exists call), and the sync trusted it (no second check). */
  private void assertRebuiltFromTheBucket() {
    assertEquals(
        1,
        Collections.frequency(bucket.ops(), "exists " + inBucket + "/meta.json"),
        bucket.ops().toString());
    assertTrue(bucket.ops().contains("list "), "rebuilt from a listing of the bucket");
  }

  private double stateErrors(String reason) {
    return ShipMetricValues.value(
        registry, "rwgateway_shipper_state_file_errors", "tenant", "t", "reason", reason);
  }

  @Test
  void missingIsRebuiltFromTheBucketAndLoggedAtInfoWithoutCountingAnError() throws IOException {
    syncThrice();
    assertShippedWithoutReupload();
    assertRebuiltFromTheBucket();
    List<String> info = log.lines(Level.INFO, "no shipper state file yet");
    assertEquals(1, info.size(), info.toString());
    assertTrue(
        info.get(0).contains(stateFile.toString()) && info.get(0).contains("1 of 2"), info.get(0));
    assertEquals(List.of(), log.problems());
    for (String reason :
        List.of("permission_denied", "unreadable", "corrupt", "unwritable", "missing")) {
      assertEquals(0, stateErrors(reason), reason);
    }
    assertEquals(List.of(inBucket, fresh), ShippedState.read(tenantDir).uploaded());
  }

  @Test
  void corruptIsRebuiltLoggedOnceAndRewritten() throws IOException {
    Files.writeString(stateFile, "{\"version\":1,\"uploaded\":[\"" + inBucket);
    syncThrice();
    assertShippedWithoutReupload();
    assertRebuiltFromTheBucket();
    List<String> problems = log.problems();
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(
        problems.get(0).contains("corrupt")
            && problems.get(0).contains(stateFile.toString())
            && problems.get(0).contains("1 of 2"),
        problems.get(0));
    assertEquals(1, stateErrors("corrupt"));
    assertEquals(
        List.of(inBucket, fresh), ShippedState.read(tenantDir).uploaded(), "rewritten valid");
  }

  @Test
  void aRebuildThatFailsIsRetriedWithoutLoggingTheSameProblemAgain() throws IOException {
    Files.writeString(stateFile, "garbage");
    faulty.failKeys("", true); // the root listing fails
    for (int i = 0; i < 3; i++) {
      ShipperSyncException e = assertThrows(ShipperSyncException.class, shipper::sync);
      assertEquals("network", e.reason());
      assertFalse(shipper.isShipped(inBucket), "nothing is known until the rebuild worked");
    }
    List<String> problems = log.problems();
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(
        problems.get(0).contains("corrupt") && problems.get(0).contains("failed, will retry"),
        problems.get(0));
    assertEquals(1, stateErrors("corrupt"));
    assertEquals(
        3,
        ShipMetricValues.value(
            registry, "rwgateway_shipper_upload_failures", "tenant", "t", "reason", "network"));
    assertEquals(
        2, ShipMetricValues.value(registry, "rwgateway_shipper_blocks_pending", "tenant", "t"));

    faulty.heal();
    assertEquals(1, shipper.sync());
    assertShippedWithoutReupload();
    assertEquals(1, log.problems().size());
  }

  @Test
  void wrongVersionCountsAsCorrupt() throws IOException {
    Files.writeString(stateFile, "{\"version\":2,\"uploaded\":[]}");
    syncThrice();
    assertShippedWithoutReupload();
    assertEquals(1, stateErrors("corrupt"));
  }

  @Test
  void unreadableBecauseOfPermissionsSaysHowToFixIt() throws IOException {
    assumeTrue(
        ShippedStateTest.permissionsApply(tenantDir),
        "running with a user that reads any file (root); the directory case below covers unreadable");
    ShippedState.write(tenantDir, List.of(inBucket));
    Files.setPosixFilePermissions(stateFile, PosixFilePermissions.fromString("---------"));
    syncThrice();
    assertShippedWithoutReupload();
    assertRebuiltFromTheBucket();
    List<String> problems = log.problems();
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(
        problems.get(0).contains("chown " + System.getProperty("user.name") + " " + stateFile),
        problems.get(0));
    assertEquals(1, stateErrors("permission_denied"));
  }

  @Test
  void unreadableBecauseADirectoryStandsThereKeepsShipping() throws IOException {
    // Also unwritable: a file cannot be renamed over a directory. Each problem is logged once.
    Files.createDirectory(stateFile);
    syncThrice();
    assertShippedWithoutReupload();
    assertRebuiltFromTheBucket();
    List<String> problems = log.problems();
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(
        problems.get(0).contains("cannot read shipper state file")
            && problems.get(0).contains("rm -r " + stateFile),
        problems.get(0));
    assertTrue(problems.get(1).contains("cannot write shipper state file"), problems.get(1));
    assertEquals(1, stateErrors("unreadable"));
    assertTrue(stateErrors("unwritable") >= 1);
    assertTrue(Files.isDirectory(stateFile), "left for the operator");
  }

  @Test
  void unwritableKeepsTheStateInMemoryLogsOnceAndRecovers() throws IOException {
    ShippedState.write(tenantDir, List.of(inBucket));
    // Something in the way of the temporary file (works for any user, root included).
    Path obstacle = Files.createDirectory(tenantDir.resolve(ShippedState.FILENAME + ".tmp"));
    Files.writeString(obstacle.resolve("x"), "x");
    syncThrice();
    assertTrue(shipper.isShipped(fresh), "shipped and known in memory");
    assertTrue(shipper.isShipped(inBucket));
    assertEquals(List.of(inBucket), ShippedState.read(tenantDir).uploaded(), "the old file stays");
    List<String> problems = log.problems();
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(
        problems.get(0).contains("cannot write shipper state file")
            && problems.get(0).contains("keeping the shipped list in memory"),
        problems.get(0));
    assertTrue(stateErrors("unwritable") >= 1);

    Files.delete(obstacle.resolve("x"));
    Files.delete(obstacle);
    assertEquals(0, shipper.sync());
    assertEquals(List.of(inBucket, fresh), ShippedState.read(tenantDir).uploaded());
    assertEquals(1, log.lines(Level.INFO, "written again").size());
  }

  @Test
  void aReadOnlyTenantDirectoryIsUnwritable() throws IOException {
    assumeTrue(
        ShippedStateTest.permissionsApply(tenantDir), "running as root, which writes anywhere");
    ShippedState.write(tenantDir, List.of(inBucket));
    Files.setPosixFilePermissions(tenantDir, PosixFilePermissions.fromString("r-x------"));
    syncThrice();
    assertTrue(shipper.isShipped(fresh));
    List<String> problems = log.problems();
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("chown"), problems.get(0));
    assertTrue(stateErrors("unwritable") >= 1);
  }

  @Test
  void anImmutableTenantDirectoryIsUnwritableEvenForRoot() throws Exception {
    // As root, permissions do not stop a write; an immutable directory (chattr +i, ext4) does,
    // as a read-only mount would: nothing can be created or renamed in it.
    assumeTrue(!ShippedStateTest.permissionsApply(tenantDir), "the permission test above runs");
    ShippedState.write(tenantDir, List.of(inBucket));
    assumeTrue(chattr("+i", tenantDir), "this file system has no immutable attribute");
    try {
      syncThrice();
      assertTrue(shipper.isShipped(fresh), "shipped and known in memory");
      assertEquals(List.of(inBucket), ShippedState.read(tenantDir).uploaded(), "the old file");
      List<String> problems = log.problems();
      assertEquals(1, problems.size(), problems.toString());
      assertTrue(problems.get(0).contains("cannot write shipper state file"), problems.get(0));
      assertTrue(stateErrors("unwritable") >= 1);
    } finally {
      chattr("-i", tenantDir);
    }
    assertEquals(0, shipper.sync(), "nothing uploaded again");
    assertEquals(List.of(inBucket, fresh), ShippedState.read(tenantDir).uploaded(), "repaired");
  }

  private static boolean chattr(String flag, Path p) throws Exception {
    try {
      Process c =
          new ProcessBuilder("chattr", flag, p.toString()).redirectErrorStream(true).start();
      c.getInputStream().readAllBytes();
      return c.waitFor() == 0;
    } catch (IOException e) {
      return false; // no chattr
    }
  }

  @Test
  void aStateFileLeftUnwrittenIsHarmlessAfterARestart() throws IOException {
    ShippedState.write(tenantDir, List.of(inBucket));
    Path obstacle = Files.createDirectory(tenantDir.resolve(ShippedState.FILENAME + ".tmp"));
    Files.writeString(obstacle.resolve("x"), "x");
    shipper.sync();
    bucket.clear();
    Shipper restarted =
        new Shipper("t", tenantDir, bucket, new ShipperMetrics(new PrometheusRegistry()));
    assertEquals(0, restarted.sync(), "skip-if-present: nothing uploaded again");
    assertTrue(restarted.isShipped(fresh));
    assertEquals(List.of("exists " + fresh + "/meta.json"), bucket.ops());
    assertFalse(bucket.uploads().contains(fresh + "/meta.json"));
  }
}
