package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.tsdb.layout.BlockMeta;
import io.rwgateway.uploader.S3Bucket;
import io.rwgateway.uploader.S3ProxyServer;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * Remote write in, blocks out in a real S3-compatible server (S3Proxy on loopback): each block
 * lands with a meta.json carrying the external labels and tenant_id, promtool reads a block
 * downloaded back from the bucket, and an outage of the bucket only delays shipping. Blocks of one
 * second make the gateway cut them within seconds.
 */
class UploadEndToEndTest {
  @TempDir Path dir;

  private static String[] flags(S3ProxyServer s3) {
    return new String[] {
      "--tsdb.min-block-duration",
      "1s",
      "--tsdb.max-block-duration",
      "1s",
      "--tsdb.compaction-interval",
      "100ms",
      "--label",
      "replica=\"a\"",
      "--label",
      "cluster=\"eu1\"",
      "--objstore.config",
      s3.objstoreYaml()
    };
  }

  /**
   * Writes 20 series for about {@code millis}, one sample each per request, tenant {@code tenant}.
   */
  private static void write(InProcessGateway gw, String tenant, long millis) throws Exception {
    long end = System.currentTimeMillis() + millis;
    long last = 0;
    for (int j = 0; System.currentTimeMillis() < end; j++) {
      long t = Math.max(last + 1, System.currentTimeMillis());
      last = t;
      byte[] body =
          Snappy.compress(RemoteWriteClient.request("upload_e2e", 0, 20, t, j).toByteArray());
      HttpResponse<String> r =
          gw.client.post(body, RemoteWriteClient.V1_TYPE, Map.of("THANOS-TENANT", tenant));
      assertEquals(204, r.statusCode(), r.body());
      Thread.sleep(5);
    }
  }

  private static List<String> blockUlids(S3Bucket bucket) throws Exception {
    List<String> out = new ArrayList<>();
    for (String e : bucket.list("")) {
      if (e.endsWith("/")) {
        out.add(e.substring(0, e.length() - 1));
      }
    }
    return out;
  }

  private static TreeSet<String> localUlids(Path tenantDir) throws Exception {
    TreeSet<String> out = new TreeSet<>();
    for (Path p : BlockDirs.finished(tenantDir)) {
      out.add(p.getFileName().toString());
    }
    return out;
  }

  private static void awaitShipped(S3Bucket bucket, TreeSet<String> want) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      TreeSet<String> have = new TreeSet<>();
      for (String u : blockUlids(bucket)) {
        if (bucket.exists(u + "/meta.json")) {
          have.add(u);
        }
      }
      if (have.containsAll(want)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(
        "blocks not shipped within 60 s: want " + want + ", bucket has " + blockUlids(bucket));
  }

  @Test
  void blocksLandInS3WithThanosMetaAndPromtoolReadsThemBack() throws Exception {
    try (S3ProxyServer s3 = new S3ProxyServer(dir.resolve("s3"));
        S3Bucket bucket = s3.newBucket()) {
      Path data = dir.resolve("gw");
      TreeSet<String> local;
      try (InProcessGateway gw = InProcessGateway.start(data, flags(s3))) {
        write(gw, "team-a", 3000);
      } // clean stop: the head is flushed into blocks and a last upload is attempted
      local = localUlids(data.resolve("team-a"));
      assertTrue(local.size() >= 2, "blocks cut: " + local);
      awaitShipped(bucket, local);
      assertEquals(local, new TreeSet<>(blockUlids(bucket)), "exactly the local blocks, each once");

      String ulid = local.first();
      Path down = dir.resolve("download");
      Path blockDir = down.resolve(ulid);
      Files.createDirectories(blockDir.resolve("chunks"));
      Files.createDirectories(down.resolve("wal"));
      for (String key : List.of(ulid + "/meta.json", ulid + "/index")) {
        bucket.download(key, down.resolve(key));
      }
      for (String key : bucket.list(ulid + "/chunks/")) {
        bucket.download(key, down.resolve(key));
      }
      BlockMeta meta = BlockMeta.read(blockDir);
      assertEquals(ulid, meta.ulid());
      assertEquals(Map.of("replica", "a", "cluster", "eu1", "tenant_id", "team-a"), meta.labels());
      assertEquals("receive", meta.source());
      String metaText = Files.readString(blockDir.resolve("meta.json"));
      assertTrue(metaText.contains("\"downsample\": {\n\t\t\t\"resolution\": 0"), metaText);

      Process analyze =
          new ProcessBuilder(
                  ExternalProcess.requireBinary("promtool"),
                  "tsdb",
                  "analyze",
                  down.toString(),
                  ulid)
              .redirectErrorStream(true)
              .start();
      String out = new String(analyze.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, analyze.waitFor(), out);
      assertTrue(out.contains("Block ID: " + ulid), out);
      assertTrue(out.contains("Series: 20"), out);
      assertTrue(Files.exists(data.resolve("team-a").resolve("thanos.shipper.json")));
    }
  }

  @Test
  void aBucketOutageOnlyDelaysShippingNothingIsLostOrDuplicated() throws Exception {
    try (S3ProxyServer s3 = new S3ProxyServer(dir.resolve("s3"));
        S3Bucket bucket = s3.newBucket()) {
      Path data = dir.resolve("gw");
      try (InProcessGateway gw = InProcessGateway.start(data, flags(s3))) {
        s3.stop();
        write(gw, "team-b", 3000);
        TreeSet<String> cut = localUlids(data.resolve("team-b"));
        assertTrue(cut.size() >= 1, "blocks were cut during the outage: " + cut);
        String metrics = gw.client.get("/metrics", Map.of()).body();
        assertTrue(
            metrics.contains(
                "rwgateway_shipper_upload_failures_total{reason=\"network\",tenant=\"team-b\"}"),
            "the outage shows in /metrics");
        s3.start();
        awaitShipped(bucket, cut);
        write(gw, "team-b", 1500);
      }
      TreeSet<String> local = localUlids(data.resolve("team-b"));
      awaitShipped(bucket, local);
      List<String> inBucket = blockUlids(bucket);
      assertEquals(local, new TreeSet<>(inBucket), "every block once, none without meta.json");
      assertEquals(inBucket.size(), new TreeSet<>(inBucket).size());
    }
  }
}
