package io.rwgateway.uploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.model.Labels;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipper in sidecar mode over blocks a real Prometheus 2.42 wrote (promtool's backfill, which
 * writes level-1 blocks of at most 2 h, exactly as Prometheus' head compaction does), shipped to a
 * filesystem bucket.
 */
class ShipperSidecarTest {
  private static final long H = ShipPromBlocks.HOUR;
  private static final long T0 = ShipPromBlocks.T0;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;
  private Path dataDir;
  private FilesystemBucket fs;
  private ShipRecordingBucket bucket;
  private PrometheusRegistry registry;
  private ShipperMetrics metrics;
  private AtomicReference<Labels> labels;
  private ShipLogCapture log;

  @BeforeEach
  void setUp() throws IOException {
    dataDir = Files.createDirectories(tmp.resolve("prometheus"));
    fs = new FilesystemBucket(tmp.resolve("bucket"));
    bucket = new ShipRecordingBucket(fs);
    registry = new PrometheusRegistry();
    metrics = new ShipperMetrics(registry);
    labels = new AtomicReference<>(Labels.of("cluster", "eu1", "replica", "a"));
    log = new ShipLogCapture(Shipper.class);
  }

  @AfterEach
  void tearDown() {
    log.close();
  }

  private ShipperOptions options() {
    return ShipperOptions.sidecar(labels::get);
  }

  private Shipper shipper(ShipperOptions options) {
    return new Shipper("sidecar", dataDir, bucket, metrics, options);
  }

  private double metric(String name, String... labelPairs) {
    String[] all = new String[labelPairs.length + 2];
    all[0] = "tenant";
    all[1] = "sidecar";
    System.arraycopy(labelPairs, 0, all, 2, labelPairs.length);
    return ShipMetricValues.value(registry, name, all);
  }

  @Test
  void promtoolWritesLevelOneBlocksWithoutAThanosSection() throws IOException {
    List<Path> blocks = ShipPromBlocks.promtool(dataDir, T0, T0 + 6 * H);
    assertEquals(3, blocks.size(), "one block per 2 h");
    for (Path b : blocks) {
      assertEquals(1, ShipPromBlocks.meta(b).level());
      String text = Files.readString(b.resolve("meta.json"));
      assertFalse(text.contains("\"thanos\""), text);
      assertTrue(text.endsWith("\n}"), "Go's MarshalIndent, no final newline");
    }
  }

  @Test
  void everyBlockReachesTheBucketOnceAcrossARestartOldestFirstMetaJsonLast() throws IOException {
    List<Path> first = ShipPromBlocks.promtool(dataDir, T0, T0 + 6 * H);
    Shipper shipper = shipper(options());
    assertEquals(3, shipper.sync());
    assertEquals(0, shipper.sync(), "nothing new");

    // Prometheus writes more blocks; the sidecar restarts (a new Shipper over the same directory).
    List<Path> second = ShipPromBlocks.promtool(dataDir, T0 + 6 * H, T0 + 10 * H);
    assertEquals(2, second.size());
    Shipper restarted = shipper(options());
    assertEquals(2, restarted.sync());
    assertEquals(0, restarted.sync());

    List<Path> all = new ArrayList<>(first);
    all.addAll(second);
    List<String> expected = new ArrayList<>();
    for (Path b : all) {
      String id = ShipPromBlocks.ulid(b);
      try (var segs = Files.list(b.resolve("chunks"))) {
        segs.map(p -> id + "/chunks/" + p.getFileName()).sorted().forEach(expected::add);
      }
      expected.add(id + "/index");
      expected.add(id + "/meta.json");
    }
    assertEquals(expected, bucket.uploads(), "each block once, oldest first, meta.json last");
    List<String> inBucket = new ArrayList<>();
    all.forEach(b -> inBucket.add(ShipPromBlocks.ulid(b) + "/"));
    Collections.sort(inBucket);
    assertEquals(inBucket, fs.list(""), "the staging area and state file never reach the bucket");
    for (Path b : all) {
      String id = ShipPromBlocks.ulid(b);
      assertEquals(List.of(id + "/chunks/", id + "/index", id + "/meta.json"), fs.list(id + "/"));
      assertArrayEqualsFile(b.resolve("index"), fs.root().resolve(id + "/index"));
      assertArrayEqualsFile(b.resolve("chunks/000001"), fs.root().resolve(id + "/chunks/000001"));
      assertTrue(restarted.isShipped(id));
    }
    List<String> ids = all.stream().map(ShipPromBlocks::ulid).toList();
    assertEquals(
        ids, ShippedState.readFile(dataDir.resolve("thanos.shipper.json")).uploaded(), "in order");
    assertEquals(0, metric("rwgateway_shipper_blocks_pending"));
  }

  private static void assertArrayEqualsFile(Path expected, Path actual) throws IOException {
    assertTrue(
        java.util.Arrays.equals(Files.readAllBytes(expected), Files.readAllBytes(actual)),
        actual + " differs from " + expected);
  }

  @Test
  void uploadedMetaJsonIsPrometheusMetaPlusTheThanosSectionAndLocalFilesStayUntouched()
      throws IOException {
    List<Path> blocks = ShipPromBlocks.promtool(dataDir, T0, T0 + 4 * H);
    Map<String, String> before = ShipPromBlocks.snapshot(dataDir);
    labels.set(Labels.of("replica", "a", "cluster", "eu<1>&\"x\""));

    assertEquals(2, shipper(options()).sync());

    assertEquals(before, ShipPromBlocks.snapshot(dataDir, "thanos.shipper.json", "thanos"));
    assertEquals(List.of(), stagedLeftovers(), "staging copies are removed after upload");
    for (Path b : blocks) {
      String id = ShipPromBlocks.ulid(b);
      String local = Files.readString(b.resolve("meta.json"));
      String uploaded = Files.readString(fs.root().resolve(id + "/meta.json"));
      assertEquals(
          local.substring(0, local.length() - 2)
              + ",\n\t\"thanos\": {\n"
              + "\t\t\"labels\": {\n"
              + "\t\t\t\"cluster\": \"eu\\u003c1\\u003e\\u0026\\\"x\\\"\",\n"
              + "\t\t\t\"replica\": \"a\"\n"
              + "\t\t},\n"
              + "\t\t\"downsample\": {\n"
              + "\t\t\t\"resolution\": 0\n"
              + "\t\t},\n"
              + "\t\t\"source\": \"sidecar\",\n"
              + "\t\t\"segment_files\": [\n"
              + "\t\t\t\"000001\"\n"
              + "\t\t],\n"
              + "\t\t\"files\": [\n"
              + "\t\t\t{\n"
              + "\t\t\t\t\"rel_path\": \"chunks/000001\",\n"
              + "\t\t\t\t\"size_bytes\": "
              + Files.size(b.resolve("chunks/000001"))
              + "\n\t\t\t},\n"
              + "\t\t\t{\n"
              + "\t\t\t\t\"rel_path\": \"index\",\n"
              + "\t\t\t\t\"size_bytes\": "
              + Files.size(b.resolve("index"))
              + "\n\t\t\t},\n"
              + "\t\t\t{\n"
              + "\t\t\t\t\"rel_path\": \"meta.json\"\n"
              + "\t\t\t}\n"
              + "\t\t]\n"
              + "\t}\n"
              + "}\n",
          uploaded,
          "Prometheus' text unchanged, then Thanos' section as its sidecar writes it");
      // The same, as data: every Prometheus member is there with its value.
      ObjectNode parsed = (ObjectNode) JSON.readTree(uploaded);
      parsed.remove("thanos");
      assertEquals(JSON.readTree(local), parsed);
    }
  }

  @Test
  void externalLabelsAreReadAtUploadTimeAndNoneMeansNoUpload() throws IOException {
    List<Path> blocks = ShipPromBlocks.promtool(dataDir, T0, T0 + 2 * H);
    Shipper shipper = shipper(options());
    labels.set(Labels.EMPTY);
    ShipperSyncException e = assertThrows(ShipperSyncException.class, shipper::sync);
    assertEquals("no_external_labels", e.reason());
    assertTrue(e.retryable());
    assertTrue(e.getMessage().contains("external_labels"), e.getMessage());
    assertEquals(List.of(), bucket.uploads());
    assertEquals(1, metric("rwgateway_shipper_upload_failures", "reason", "no_external_labels"));
    assertEquals(1, metric("rwgateway_shipper_blocks_pending"));

    labels.set(Labels.of("cluster", "one"));
    assertEquals(1, shipper.sync());
    List<Path> later = ShipPromBlocks.promtool(dataDir, T0 + 2 * H, T0 + 4 * H);
    labels.set(Labels.of("cluster", "two")); // Prometheus reloaded its configuration
    assertEquals(1, shipper.sync());
    assertEquals("one", bucketLabels(blocks.get(0)).get("cluster"));
    assertEquals("two", bucketLabels(later.get(0)).get("cluster"));
  }

  private Map<String, String> bucketLabels(Path block) throws IOException {
    JsonNode meta =
        JSON.readTree(fs.root().resolve(ShipPromBlocks.ulid(block) + "/meta.json").toFile());
    Map<String, String> out = new TreeMap<>();
    meta.get("thanos")
        .get("labels")
        .properties()
        .forEach(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  @Test
  void blocksEndingAtOrBeforeMinTimeAreNotShipped() throws IOException {
    List<Path> blocks = ShipPromBlocks.promtool(dataDir, T0, T0 + 6 * H);
    long firstEnd = ShipPromBlocks.meta(blocks.get(0)).maxTime();
    Shipper shipper = shipper(options().withMinTime(() -> firstEnd));
    assertEquals(2, shipper.sync());
    assertFalse(shipper.isShipped(ShipPromBlocks.ulid(blocks.get(0))));
    assertFalse(
        bucket.uploads().stream().anyMatch(k -> k.startsWith(ShipPromBlocks.ulid(blocks.get(0)))));
    assertEquals(0, metric("rwgateway_shipper_blocks_pending"), "not pending: not to be shipped");

    // A --min-time one millisecond earlier takes the first block in: its last sample is after it.
    Shipper earlier = shipper(options().withMinTime(() -> firstEnd - 1));
    assertEquals(1, earlier.sync());
    assertTrue(earlier.isShipped(ShipPromBlocks.ulid(blocks.get(0))));
  }

  @Test
  void directoriesPrometheusIsStillWritingOrDeletingAreNotShipped() throws IOException {
    List<Path> blocks = ShipPromBlocks.promtool(dataDir, T0, T0 + 2 * H);
    List<Path> others = ShipPromBlocks.promtool(tmp.resolve("elsewhere"), T0 + 2 * H, T0 + 6 * H);
    String a = ShipPromBlocks.ulid(others.get(0));
    String b = ShipPromBlocks.ulid(others.get(1));
    ShipPromBlocks.copyTree(others.get(0), dataDir.resolve(a + ".tmp-for-creation"));
    ShipPromBlocks.copyTree(others.get(1), dataDir.resolve(b + ".tmp-for-deletion"));
    Files.createDirectories(dataDir.resolve("01JDFK6C00QX2V4Y6Z8A0B1C2D/chunks")); // no meta.json
    Files.createDirectories(dataDir.resolve("chunks_head"));
    Files.writeString(dataDir.resolve("chunks_head/000001"), "x");
    Files.createDirectories(dataDir.resolve("wal"));
    Files.writeString(dataDir.resolve("wal/00000000"), "x");
    Files.writeString(dataDir.resolve("lock"), "");

    assertEquals(1, shipper(options()).sync());
    String id = ShipPromBlocks.ulid(blocks.get(0));
    assertTrue(
        bucket.uploads().stream().allMatch(k -> k.startsWith(id + "/")),
        bucket.uploads().toString());
    assertEquals(List.of(id + "/"), fs.list(""));
  }

  private List<String> stagedLeftovers() throws IOException {
    Path root = dataDir.resolve("thanos/upload");
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (var entries = Files.list(root)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aMissingChunkFileIsABrokenBlockLoggedOnceAndOthersGoOn() throws IOException {
    List<Path> blocks = ShipPromBlocks.promtool(dataDir, T0, T0 + 4 * H);
    Files.delete(blocks.get(0).resolve("index"));
    Shipper shipper = shipper(options());
    assertEquals(1, shipper.sync());
    assertEquals(0, shipper.sync());
    List<String> errors = log.lines(Level.ERROR, ShipPromBlocks.ulid(blocks.get(0)));
    assertEquals(1, errors.size(), log.problems().toString());
    assertTrue(errors.get(0).contains("index is missing"), errors.get(0));
    assertEquals(1, metric("rwgateway_shipper_blocks_pending"));
    assertEquals(List.of(), stagedLeftovers());
    assertEquals(
        new String(
            Files.readAllBytes(fs.root().resolve(ShipPromBlocks.ulid(blocks.get(1)) + "/index")),
            StandardCharsets.ISO_8859_1),
        new String(
            Files.readAllBytes(blocks.get(1).resolve("index")), StandardCharsets.ISO_8859_1));
  }
}
