package io.rwgateway.uploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ch.qos.logback.classic.Level;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.model.Labels;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar's staging directory: blocks are hard-linked there (copied when links fail), uploaded
 * from there and removed; a staging directory that cannot be made is one ERROR line, a metric, and
 * a retry at every sync.
 */
class ShipperSidecarStagingTest {
  private static final long H = ShipPromBlocks.HOUR;
  private static final long T0 = ShipPromBlocks.T0;

  @TempDir Path tmp;
  private Path dataDir;
  private FilesystemBucket fs;
  private PrometheusRegistry registry;
  private ShipperMetrics metrics;
  private ShipLogCapture log;
  private final List<String> notes = new ArrayList<>();

  @BeforeEach
  void setUp() throws IOException {
    dataDir = Files.createDirectories(tmp.resolve("prometheus"));
    fs = new FilesystemBucket(tmp.resolve("bucket"));
    registry = new PrometheusRegistry();
    metrics = new ShipperMetrics(registry);
    log = new ShipLogCapture(Shipper.class);
  }

  @AfterEach
  void tearDown() {
    log.close();
  }

  private ShipperOptions options() {
    return ShipperOptions.sidecar(() -> Labels.of("cluster", "eu1"));
  }

  private Shipper shipper(Bucket bucket, ShipperOptions options, ShipperStaging.Linker linker) {
    return new Shipper(
        "sidecar", dataDir, bucket, metrics, options, System::currentTimeMillis, linker);
  }

  private double metric(String name, String... labelPairs) {
    String[] all = new String[labelPairs.length + 2];
    all[0] = "tenant";
    all[1] = "sidecar";
    System.arraycopy(labelPairs, 0, all, 2, labelPairs.length);
    return ShipMetricValues.value(registry, name, all);
  }

  /**
   * A bucket that checks, at each upload, where the file comes from: the staging directory, and
   * whether it is the block's own file (a hard link: same inode) or a copy.
   */
  private final class StagingInspector implements Bucket {
    @Override
    public void upload(String key, Path file) throws IOException {
      String id = key.substring(0, key.indexOf('/'));
      String rel = key.substring(key.indexOf('/') + 1);
      Path staged = dataDir.resolve("thanos/upload").resolve(id);
      assertEquals(staged.resolve(rel), file, "uploaded from the staging directory");
      if (!rel.equals("meta.json")) {
        boolean linked = Files.isSameFile(file, dataDir.resolve(id).resolve(rel));
        notes.add(rel + (linked ? " linked" : " copied"));
      }
      fs.upload(key, file);
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
      return fs.describe();
    }
  }

  private List<String> staged(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (var entries = Files.list(root)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void filesAreHardLinkedIntoStagingAndTheCopyIsRemovedAfterUpload() throws IOException {
    ShipPromBlocks.promtool(dataDir, T0, T0 + 4 * H);
    assertEquals(2, shipper(new StagingInspector(), options(), ShipperStaging.HARD_LINK).sync());
    assertEquals(
        List.of("chunks/000001 linked", "index linked", "chunks/000001 linked", "index linked"),
        notes);
    assertEquals(List.of(), staged(dataDir.resolve("thanos/upload")));
    assertEquals(List.of(), log.lines(Level.INFO, "copying them instead"));
  }

  @Test
  void whenLinksFailFilesAreCopiedSaidOnceAtInfo() throws IOException {
    ShipPromBlocks.promtool(dataDir, T0, T0 + 4 * H);
    AtomicInteger attempts = new AtomicInteger();
    ShipperStaging.Linker refusing =
        (link, existing) -> {
          attempts.incrementAndGet();
          throw new FileSystemException(
              link.toString(), existing.toString(), "Invalid cross-device link");
        };
    assertEquals(2, shipper(new StagingInspector(), options(), refusing).sync());
    assertEquals(
        List.of("chunks/000001 copied", "index copied", "chunks/000001 copied", "index copied"),
        notes);
    assertEquals(1, attempts.get(), "links are not tried again once they failed");
    List<String> info = log.lines(Level.INFO, "copying them instead");
    assertEquals(1, info.size(), info.toString());
    assertTrue(info.get(0).contains("Invalid cross-device link"), info.get(0));
    assertEquals(List.of(), log.problems());
    assertEquals(List.of(), staged(dataDir.resolve("thanos/upload")));
    for (Path b : ShipPromBlocks.blocks(dataDir)) {
      String id = ShipPromBlocks.ulid(b);
      assertTrue(
          java.util.Arrays.equals(
              Files.readAllBytes(b.resolve("index")),
              Files.readAllBytes(fs.root().resolve(id + "/index"))));
    }
  }

  @Test
  void aStagingDirectoryOnAnotherFilesystemCopiesForReal() throws IOException {
    Path shm = Path.of("/dev/shm");
    assumeFalse(
        !Files.isDirectory(shm)
            || Files.getFileStore(shm).equals(Files.getFileStore(tmp))
            || !Files.isWritable(shm),
        "needs /dev/shm on another filesystem than the temporary directory");
    Path staging = Files.createTempDirectory(shm, "rwgateway-staging-");
    try {
      ShipPromBlocks.promtool(dataDir, T0, T0 + 2 * H);
      assertEquals(
          1, shipper(fs, options().withStagingDir(staging), ShipperStaging.HARD_LINK).sync());
      assertEquals(1, log.lines(Level.INFO, "copying them instead").size());
      assertEquals(List.of(), staged(staging));
    } finally {
      io.rwgateway.tsdb.layout.BlockFiles.deleteRecursively(staging);
    }
  }

  @Test
  void aStagingDirectoryThatCannotBeMadeIsOneErrorLineAMetricAndARetryAtEverySync()
      throws IOException {
    ShipPromBlocks.promtool(dataDir, T0, T0 + 6 * H);
    // A regular file where a directory of the staging path belongs: mkdir fails for any user.
    Path blocker = Files.writeString(tmp.resolve("blocker"), "x");
    Path staging = blocker.resolve("staging");
    Shipper shipper = shipper(fs, options().withStagingDir(staging), ShipperStaging.HARD_LINK);

    assertEquals(0, shipper.sync(), "no exception: nothing crashes, nothing is shipped");
    assertEquals(0, shipper.sync());
    List<String> problems = log.problems();
    assertEquals(1, problems.size(), problems.toString());
    assertTrue(
        problems.get(0).startsWith("ERROR cannot stage blocks")
            && problems.get(0).contains(staging.toString())
            && problems.get(0).contains("remove or move " + blocker),
        problems.get(0));
    assertEquals(2, metric("rwgateway_shipper_upload_failures", "reason", "staging"));
    assertEquals(3, metric("rwgateway_shipper_blocks_pending"));
    assertEquals(List.of(), fs.list(""));

    Files.delete(blocker); // the operator fixes it; no restart
    assertEquals(3, shipper.sync());
    assertEquals(1, log.lines(Level.INFO, "staging blocks works again").size());
    assertEquals(0, metric("rwgateway_shipper_blocks_pending"));
  }

  @Test
  void leftoversOfAnEarlierRunAreRemovedAtStartAndNothingElse() throws IOException {
    ShipPromBlocks.promtool(dataDir, T0, T0 + 2 * H);
    Path root = Files.createDirectories(dataDir.resolve("thanos/upload"));
    Files.createDirectories(root.resolve("01JDFK6C00QX2V4Y6Z8A0B1C2D/chunks"));
    Files.writeString(root.resolve("01JDFK6C00QX2V4Y6Z8A0B1C2D/chunks/000001"), "half");
    Files.createDirectories(root.resolve(".bucket-meta-123"));
    Files.createDirectories(root.resolve("not-ours"));
    assertEquals(1, shipper(fs, options(), ShipperStaging.HARD_LINK).sync());
    assertEquals(List.of("not-ours"), staged(root));
  }

  @Test
  void theFixSaysWhatToDoForEachCause() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("d"));
    String denied =
        ShipperStaging.fix(
            dir.resolve("x"), new AccessDeniedException(dir.resolve("x").toString()));
    assertTrue(denied.contains(dir + " must be writable by user"), denied);
    String other = ShipperStaging.fix(dir.resolve("x"), new IOException("No space left on device"));
    assertTrue(other.contains("free space"), other);
    Path file = Files.writeString(tmp.resolve("f"), "");
    String inTheWay = ShipperStaging.fix(file.resolve("a/b"), new FileSystemException("x"));
    assertTrue(inTheWay.contains("remove or move " + file), inTheWay);
    assertFalse(inTheWay.contains("read-only"));
  }
}
