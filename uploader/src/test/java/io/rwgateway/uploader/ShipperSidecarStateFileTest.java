package io.rwgateway.uploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.layout.BlockFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar's state file under another name ({@code --shipper.meta-file-name}) in Prometheus'
 * data directory, and each way it can be bad, with real filesystem faults that work for root too:
 * shipping goes on, the list is rebuilt from the bucket, one line says what is wrong and how to fix
 * it, a metric counts it, and the file is written again as soon as it can be, without a restart.
 */
class ShipperSidecarStateFileTest {
  private static final String NAME = "thanos.shipper.sidecar.json";
  private static final long H = ShipPromBlocks.HOUR;

  @TempDir Path tmp;
  private Path dataDir;
  private Path stateFile;
  private FilesystemBucket fs;
  private ShipRecordingBucket bucket;
  private PrometheusRegistry registry;
  private Shipper shipper;
  private ShipLogCapture log;

  /** Shipped before (in the bucket), and not yet shipped. */
  private String inBucket;

  private String fresh;

  @BeforeEach
  void setUp() throws IOException {
    dataDir = Files.createDirectories(tmp.resolve("prometheus"));
    stateFile = dataDir.resolve(NAME);
    fs = new FilesystemBucket(tmp.resolve("bucket"));
    bucket = new ShipRecordingBucket(fs);
    registry = new PrometheusRegistry();
    List<Path> blocks =
        ShipPromBlocks.promtool(dataDir, ShipPromBlocks.T0, ShipPromBlocks.T0 + 4 * H);
    // The first block was shipped by an earlier run whose state is lost or unreadable.
    new Shipper(
            "earlier",
            dataDir,
            fs,
            new ShipperMetrics(new PrometheusRegistry()),
            options().withMetaFileName("earlier.json"))
        .sync();
    inBucket = ShipPromBlocks.ulid(blocks.get(0));
    fresh = ShipPromBlocks.ulid(blocks.get(1));
    fs.delete(fresh + "/meta.json"); // as if the earlier run stopped before finishing it
    Files.delete(dataDir.resolve("earlier.json"));
    shipper = new Shipper("sidecar", dataDir, bucket, new ShipperMetrics(registry), options());
    log = new ShipLogCapture(Shipper.class);
  }

  @AfterEach
  void tearDown() {
    log.close();
  }

  private static ShipperOptions options() {
    return ShipperOptions.sidecar(() -> Labels.of("cluster", "eu1")).withMetaFileName(NAME);
  }

  private double stateErrors(String reason) {
    return ShipMetricValues.value(
        registry, "rwgateway_shipper_state_file_errors", "tenant", "sidecar", "reason", reason);
  }

  private void assertShippedWithoutReupload() {
    assertTrue(shipper.isShipped(inBucket), "rebuilt from the bucket");
    assertTrue(shipper.isShipped(fresh));
    assertFalse(
        bucket.uploads().stream().anyMatch(k -> k.startsWith(inBucket)), bucket.ops().toString());
    assertTrue(bucket.uploads().contains(fresh + "/meta.json"));
  }

  @Test
  void theStateFileHasTheConfiguredNameInTheDataDirectory() throws IOException {
    assertEquals(1, shipper.sync());
    assertEquals(List.of(inBucket, fresh), ShippedState.readFile(stateFile).uploaded());
    assertFalse(Files.exists(dataDir.resolve(ShippedState.FILENAME)), "not the default name");
    assertEquals(List.of(), log.problems());
    assertEquals(1, log.lines(Level.INFO, "no shipper state file yet").size());
  }

  @Test
  void aNameWithALeadingSlashStaysInsideTheDataDirectoryAsInThanos() {
    ShipperOptions o = options().withMetaFileName("/meta/shipper.json");
    assertEquals(dataDir.resolve("meta/shipper.json"), o.stateFile(dataDir));
  }

  @Test
  void corruptIsRebuiltLoggedOnceCountedAndRewrittenAtOnce() throws IOException {
    Files.writeString(stateFile, "{\"version\":1,\"uploaded\":[\"" + inBucket);
    assertEquals(1, shipper.sync());
    assertEquals(0, shipper.sync());
    assertShippedWithoutReupload();
    List<String> problems = log.problems();
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(
        problems.get(0).contains("corrupt")
            && problems.get(0).contains(stateFile.toString())
            && problems.get(0).contains("rewritten"),
        problems.get(0));
    assertEquals(1, stateErrors("corrupt"));
    assertEquals(List.of(inBucket, fresh), ShippedState.readFile(stateFile).uploaded());
  }

  @Test
  void aDirectoryInPlaceOfTheFileKeepsShippingAndTheFileIsWrittenOnceItIsRemoved()
      throws IOException {
    Files.createDirectories(stateFile.resolve("x"));
    assertEquals(1, shipper.sync());
    assertEquals(0, shipper.sync());
    assertShippedWithoutReupload();
    List<String> problems = log.problems();
    // Reading and writing both fail; each is said once, with the fix.
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(problems.get(0).contains("rm -r " + stateFile), problems.get(0));
    assertTrue(problems.get(1).contains("cannot write shipper state file"), problems.get(1));
    assertEquals(1, stateErrors("unreadable"));
    assertTrue(stateErrors("unwritable") >= 1);

    BlockFiles.deleteRecursively(stateFile); // the operator's fix; no restart
    assertEquals(0, shipper.sync());
    assertEquals(List.of(inBucket, fresh), ShippedState.readFile(stateFile).uploaded());
    assertEquals(1, log.lines(Level.INFO, "written again").size());
    assertEquals(2, log.problems().size(), "nothing more to complain about");
  }

  @Test
  void unwritableKeepsShippingAndRecoversWithoutRestart() throws IOException {
    // A directory where the temporary file goes: the write fails for any user, root included.
    Path obstacle = Files.createDirectories(dataDir.resolve(NAME + ".tmp/x"));
    assertEquals(1, shipper.sync());
    assertTrue(shipper.isShipped(fresh));
    List<String> problems = log.problems();
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(
        problems.get(0).contains("cannot write shipper state file")
            && problems.get(0).contains("rm -r " + dataDir.resolve(NAME + ".tmp")),
        problems.get(0));
    assertTrue(stateErrors("unwritable") >= 1);

    BlockFiles.deleteRecursively(obstacle.getParent());
    assertEquals(0, shipper.sync());
    assertEquals(List.of(inBucket, fresh), ShippedState.readFile(stateFile).uploaded());
    assertEquals(1, log.lines(Level.INFO, "written again").size());
  }

  @Test
  void aStateFileInASubdirectoryThatIsAFileIsUnreadableAndUnwritableButHarmless()
      throws IOException {
    Files.writeString(dataDir.resolve("meta"), "not a directory");
    Shipper odd =
        new Shipper(
            "odd",
            dataDir,
            bucket,
            new ShipperMetrics(new PrometheusRegistry()),
            options().withMetaFileName("meta/shipper.json"));
    assertEquals(1, odd.sync());
    assertTrue(odd.isShipped(inBucket) && odd.isShipped(fresh));
    assertFalse(bucket.uploads().stream().anyMatch(k -> k.startsWith(inBucket)));
  }
}
