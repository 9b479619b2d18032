package io.rwgateway.uploader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.model.Labels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sidecar shipping real Prometheus blocks (promtool) to a real S3 implementation: S3Proxy on
 * loopback, signatures checked.
 */
class ShipperSidecarS3Test {
  private static final long H = ShipPromBlocks.HOUR;
  private static final long T0 = ShipPromBlocks.T0;

  @TempDir Path tmp;

  @Test
  void everyBlockReachesS3OnceAcrossARestartWithTheThanosSection() throws Exception {
    try (S3ProxyServer s3 = new S3ProxyServer(tmp.resolve("s3"));
        S3Bucket s3Bucket = s3.newBucket()) {
      Path dataDir = tmp.resolve("prometheus");
      ShipRecordingBucket bucket = new ShipRecordingBucket(s3Bucket);
      ShipperMetrics metrics = new ShipperMetrics(new PrometheusRegistry());
      ShipperOptions options =
          ShipperOptions.sidecar(() -> Labels.of("cluster", "eu1", "replica", "a"));
      List<Path> blocks = new ArrayList<>(ShipPromBlocks.promtool(dataDir, T0, T0 + 4 * H));
      Map<String, String> before = ShipPromBlocks.snapshot(dataDir);

      assertEquals(2, new Shipper("sidecar", dataDir, bucket, metrics, options).sync());
      blocks.addAll(ShipPromBlocks.promtool(dataDir, T0 + 4 * H, T0 + 6 * H));
      Shipper restarted = new Shipper("sidecar", dataDir, bucket, metrics, options);
      assertEquals(1, restarted.sync());
      assertEquals(0, restarted.sync());

      List<String> expectedRoot = new ArrayList<>();
      for (Path b : blocks) {
        String id = ShipPromBlocks.ulid(b);
        expectedRoot.add(id + "/");
        assertEquals(
            List.of(id + "/chunks/000001", id + "/index", id + "/meta.json"),
            bucket.uploads().stream().filter(k -> k.startsWith(id)).toList(),
            "once each, meta.json last");
        assertEquals(
            List.of(id + "/chunks/", id + "/index", id + "/meta.json"), s3Bucket.list(id + "/"));
        for (String f : List.of("chunks/000001", "index")) {
          Path back = tmp.resolve("back-" + id + "-" + f.replace('/', '-'));
          s3Bucket.download(id + "/" + f, back);
          assertArrayEquals(Files.readAllBytes(b.resolve(f)), Files.readAllBytes(back), f);
        }
        Path meta = tmp.resolve("back-" + id + "-meta.json");
        s3Bucket.download(id + "/meta.json", meta);
        String local = Files.readString(b.resolve("meta.json"), StandardCharsets.UTF_8);
        String uploaded = Files.readString(meta, StandardCharsets.UTF_8);
        assertTrue(
            uploaded.startsWith(local.substring(0, local.length() - 2) + ",\n\t\"thanos\": {\n"),
            uploaded);
        assertTrue(
            uploaded.contains(
                "\t\t\"labels\": {\n\t\t\t\"cluster\": \"eu1\",\n\t\t\t\"replica\": \"a\"\n\t\t},\n"
                    + "\t\t\"downsample\": {\n\t\t\t\"resolution\": 0\n\t\t},\n"
                    + "\t\t\"source\": \"sidecar\",\n"),
            uploaded);
      }
      Collections.sort(expectedRoot);
      assertEquals(expectedRoot, s3Bucket.list(""));
      assertEquals(3, bucket.uploads().stream().filter(k -> k.endsWith("/meta.json")).count());
      // Prometheus' files are as they were (the later blocks are new, the first ones untouched).
      Map<String, String> after = ShipPromBlocks.snapshot(dataDir, "thanos.shipper.json", "thanos");
      before.forEach((k, v) -> assertEquals(v, after.get(k), k));
    }
  }
}
