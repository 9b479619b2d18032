package io.rwgateway.tsdb.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.db.TenantDb;
import io.rwgateway.tsdb.db.Tsdb;
import io.rwgateway.tsdb.db.TsdbOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real Prometheus 2.42 started on a directory holding our block answers queries over it. */
class BlockPrometheusTest {
  private static final Pattern POINT = Pattern.compile("\\[(-?[0-9.]+),\"([^\"]*)\"\\]");

  @TempDir Path dir;

  @Test
  void prometheusQueryRangeReturnsExactlyTheWrittenSamples() throws Exception {
    Path prometheus = ExternalTools.find("prometheus");
    long twoHours = 2 * BlockTestData.HOUR;
    // Six hours back, aligned: far enough that Prometheus' own (empty) head range cannot overlap.
    long blockMin =
        Math.floorDiv(System.currentTimeMillis() - 6 * BlockTestData.HOUR, twoHours) * twoHours;
    long blockMax = blockMin + twoHours;
    Path storage = dir.resolve("prometheus-data");
    BlockTestData data;
    try (Tsdb db = Tsdb.open(TsdbOptions.defaults(dir.resolve("data")), null)) {
      TenantDb tenant = db.tenant("team-a");
      data = BlockTestData.plain(tenant, blockMin, blockMax);
      BlockTestData.cutAndCopy(tenant, blockMin, blockMax, storage);
    }
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, "global:\n  scrape_interval: 1m\n");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path log = dir.resolve("prometheus.log");
    Process p =
        new ProcessBuilder(
                prometheus.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + storage,
                "--web.listen-address=127.0.0.1:" + port,
                "--storage.tsdb.retention.time=100y")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      String base = "http://127.0.0.1:" + port;
      awaitReady(http, base, p, log);
      for (Map.Entry<Labels, List<BlockTestData.Sample>> e : data.expected.entrySet()) {
        List<BlockTestData.Sample> want = e.getValue();
        String query = "rw_block_test{instance=\"" + e.getKey().get("instance") + "\"}";
        String url =
            base
                + "/api/v1/query_range?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8)
                + "&start="
                + blockMin / 1000
                + "&end="
                + (blockMax - BlockTestData.STEP) / 1000
                + "&step="
                + BlockTestData.STEP / 1000;
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"resultType\":\"matrix\""), r.body());
        assertEquals(1, r.body().split("\"metric\"", -1).length - 1, "one series: " + r.body());
        List<String> got = new ArrayList<>();
        Matcher m = POINT.matcher(r.body());
        while (m.find()) {
          long t = Math.round(Double.parseDouble(m.group(1)) * 1000);
          got.add(t + "=" + Double.parseDouble(m.group(2)));
        }
        List<String> expected = new ArrayList<>();
        for (BlockTestData.Sample s : want) {
          expected.add(s.t() + "=" + s.v());
        }
        assertEquals(480, expected.size(), "a 2h block of 15 s samples");
        BlockTestData.assertSameSamples(expected, got, "samples of " + e.getKey());
      }
    } finally {
      ExternalTools.stop(p);
    }
  }

  private static void awaitReady(HttpClient http, String base, Process p, Path log)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        fail("prometheus exited with " + p.exitValue() + ":\n" + ExternalTools.read(log));
      }
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/-/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    fail("prometheus not ready after 90 s:\n" + ExternalTools.read(log));
  }
}
