package io.rwgateway.uploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.layout.BlockFiles;
import io.rwgateway.tsdb.layout.BlockMeta;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compacted blocks (level 2) and {@code --shipper.upload-compacted}, with a block a real Prometheus
 * 2.42 compacted from three promtool blocks (checked in with its three sources: see
 * src/test/resources/prometheus-2.42/README.md).
 */
class ShipperSidecarCompactedTest {
  @TempDir Path tmp;
  private Path dataDir;
  private FilesystemBucket fs;
  private ShipRecordingBucket bucket;
  private PrometheusRegistry registry;
  private ShipperMetrics metrics;
  private final AtomicReference<Labels> labels =
      new AtomicReference<>(Labels.of("cluster", "eu1", "replica", "a"));
  private ShipLogCapture log;

  @BeforeEach
  void setUp() throws IOException {
    dataDir = Files.createDirectories(tmp.resolve("prometheus"));
    fs = new FilesystemBucket(tmp.resolve("bucket"));
    bucket = new ShipRecordingBucket(fs);
    registry = new PrometheusRegistry();
    metrics = new ShipperMetrics(registry);
    log = new ShipLogCapture(Shipper.class);
  }

  @AfterEach
  void tearDown() {
    log.close();
  }

  private Shipper shipper(boolean uploadCompacted) {
    return new Shipper(
        "sidecar",
        dataDir,
        bucket,
        metrics,
        ShipperOptions.sidecar(labels::get).withUploadCompacted(uploadCompacted));
  }

  private double metric(String name, String... labelPairs) {
    String[] all = new String[labelPairs.length + 2];
    all[0] = "tenant";
    all[1] = "sidecar";
    System.arraycopy(labelPairs, 0, all, 2, labelPairs.length);
    return ShipMetricValues.value(registry, name, all);
  }

  @Test
  void theFixtureIsALevelTwoBlockMadeOfTheThreeSources() throws IOException {
    List<Path> sources = ShipPromBlocks.fixture("level1-sources", tmp.resolve("sources"));
    Path compacted = ShipPromBlocks.fixture("level2", dataDir).get(0);
    BlockMeta m = ShipPromBlocks.meta(compacted);
    assertEquals(2, m.level());
    assertEquals(
        sources.stream().map(ShipPromBlocks::ulid).sorted().toList(),
        m.sources().stream().sorted().toList());
    assertEquals(ShipPromBlocks.meta(sources.get(0)).minTime(), m.minTime());
    assertEquals(ShipPromBlocks.meta(sources.get(2)).maxTime(), m.maxTime());
    assertTrue(Files.readString(compacted.resolve("meta.json")).contains("\"parents\""));
  }

  @Test
  void aLevelTwoBlockIsShippedOnlyWithUploadCompacted() throws IOException {
    Path compacted = ShipPromBlocks.fixture("level2", dataDir).get(0);
    String id = ShipPromBlocks.ulid(compacted);
    String localMeta = Files.readString(compacted.resolve("meta.json"));

    Shipper without = shipper(false);
    assertEquals(0, without.sync());
    assertEquals(
        List.of("list "), bucket.ops(), "only the state file's rebuild looks at the bucket");
    assertFalse(without.isShipped(id));
    assertEquals(0, metric("rwgateway_shipper_blocks_pending"), "not pending: not to be shipped");

    Shipper with = shipper(true);
    assertEquals(1, with.sync());
    assertTrue(with.isShipped(id));
    assertEquals(
        List.of(id + "/chunks/000001", id + "/index", id + "/meta.json"), bucket.uploads());
    String uploaded = Files.readString(fs.root().resolve(id + "/meta.json"));
    assertTrue(
        uploaded.startsWith(localMeta.substring(0, localMeta.length() - 2) + ",\n\t\"thanos\": {"),
        "Prometheus' part (with its compaction parents) unchanged:\n" + uploaded);
    assertTrue(uploaded.contains("\"source\": \"sidecar\""), uploaded);
    assertEquals(localMeta, Files.readString(compacted.resolve("meta.json")));
    assertEquals(List.of(id), ShippedState.read(dataDir).uploaded());
  }

  @Test
  void aCompactedBlockWhoseSourcesWereShippedIsSkippedLoggedOnceAndCounted() throws IOException {
    List<Path> sources = ShipPromBlocks.fixture("level1-sources", dataDir);
    assertEquals(3, shipper(true).sync());
    // Prometheus compacts the three into one and deletes them.
    for (Path s : sources) {
      BlockFiles.deleteRecursively(s);
    }
    Path compacted = ShipPromBlocks.fixture("level2", dataDir).get(0);
    String id = ShipPromBlocks.ulid(compacted);
    bucket.clear();

    Shipper shipper = shipper(true);
    assertEquals(0, shipper.sync());
    assertEquals(0, shipper.sync());
    assertFalse(bucket.uploads().stream().anyMatch(k -> k.startsWith(id)), bucket.ops().toString());
    List<String> warns = log.lines(Level.WARN, id);
    assertEquals(1, warns.size(), log.problems().toString());
    assertTrue(
        warns.get(0).contains("compacted block not shipped")
            && warns.get(0).contains(ShipPromBlocks.meta(compacted).sources().get(0)),
        warns.get(0));
    assertEquals(1, metric("rwgateway_shipper_blocks_skipped", "reason", "compacted_overlap"));
    assertEquals(0, metric("rwgateway_shipper_blocks_pending"));
    assertFalse(shipper.isShipped(id));
    assertEquals(List.of(), ShippedState.read(dataDir).uploaded(), "skipped is not shipped");
  }

  @Test
  void theBucketAloneTellsThatTheSourcesAreShippedAfterARestart() throws IOException {
    // Shipped by an earlier sidecar whose state file is gone (a new volume).
    Path other = tmp.resolve("earlier");
    ShipPromBlocks.fixture("level1-sources", other);
    new Shipper(
            "earlier",
            other,
            fs,
            new ShipperMetrics(new PrometheusRegistry()),
            ShipperOptions.sidecar(labels::get))
        .sync();
    Path compacted = ShipPromBlocks.fixture("level2", dataDir).get(0);

    Shipper shipper = shipper(true);
    assertEquals(0, shipper.sync());
    assertFalse(shipper.isShipped(ShipPromBlocks.ulid(compacted)));
    List<String> warns = log.lines(Level.WARN, "compacted block not shipped");
    assertEquals(1, warns.size(), log.problems().toString());
    assertTrue(warns.get(0).contains("is in the bucket"), warns.get(0));
  }

  @Test
  void aCompactedBlockOverlappingABucketBlockWithTheSameLabelsIsSkipped() throws IOException {
    // Another Prometheus with the same external labels (a misconfiguration, or this one before its
    // data directory was replaced) shipped a block over the same hours, under other ULIDs.
    Path other = tmp.resolve("other");
    long minTime = ShipPromBlocks.meta(ShipPromBlocks.fixture("level2", dataDir).get(0)).minTime();
    ShipPromBlocks.promtool(other, minTime, minTime + ShipPromBlocks.HOUR);
    new Shipper(
            "other",
            other,
            fs,
            new ShipperMetrics(new PrometheusRegistry()),
            ShipperOptions.sidecar(labels::get))
        .sync();

    assertEquals(0, shipper(true).sync());
    List<String> warns = log.lines(Level.WARN, "compacted block not shipped");
    assertEquals(1, warns.size(), log.problems().toString());
    assertTrue(warns.get(0).contains("overlaps bucket block"), warns.get(0));

    // With other external labels the bucket block is another producer's: no overlap.
    labels.set(Labels.of("cluster", "eu1", "replica", "b"));
    assertEquals(1, shipper(true).sync());
  }

  @Test
  void anUnreadableBucketMetaFailsTheSyncUntilFixed() throws IOException {
    Path compacted = ShipPromBlocks.fixture("level2", dataDir).get(0);
    Path bad = Files.createDirectories(fs.root().resolve("01JDFK6C00QX2V4Y6Z8A0B1C2D"));
    Files.writeString(bad.resolve("meta.json"), "{not json");
    Shipper shipper = shipper(true);
    ShipperSyncException e = assertThrows(ShipperSyncException.class, shipper::sync);
    assertEquals("corrupt_meta", e.reason());
    assertTrue(e.retryable());
    assertFalse(shipper.isShipped(ShipPromBlocks.ulid(compacted)));

    Files.delete(bad.resolve("meta.json"));
    assertEquals(1, shipper.sync(), "a prefix without meta.json is an unfinished upload: ignored");
  }
}
