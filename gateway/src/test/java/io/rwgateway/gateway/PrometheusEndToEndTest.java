package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.tsdb.layout.BlockMeta;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's 2.42) scrapes itself and remote-writes to the gateway; the gateway's
 * /api/v1/series then lists Prometheus' own series.
 *
 * <p>NOTE: Debian's 2.42 build accepts remote_write `headers:` in its config but does not send them
 * (checked with a capturing server), so this test cannot set THANOS-TENANT; its data lands in the
 * default tenant. Tenant routing is covered by RemoteWriteHttpTest.
 */
class PrometheusEndToEndTest {
  @TempDir Path dir;

  @Test
  @SuppressWarnings(
      "try") // the gateway is closed inside the block to test what its shutdown leaves
  void prometheusRemoteWritesItsOwnSeries() throws Exception {
    String prometheus = ExternalProcess.requireBinary("prometheus");
    try (InProcessGateway gw = InProcessGateway.start(dir.resolve("gateway"))) {
      int promPort = ExternalProcess.freePort();
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(
          config,
          String.join(
              "\n",
              "global:",
              "  scrape_interval: 1s",
              "  external_labels: {cluster: e2e}",
              "scrape_configs:",
              "  - job_name: prometheus",
              "    static_configs: [{targets: ['127.0.0.1:" + promPort + "']}]",
              "remote_write:",
              "  - url: http://127.0.0.1:" + gw.remoteWritePort() + "/api/v1/receive",
              "    send_exemplars: true",
              "    metadata_config: {send_interval: 2s}",
              "    queue_config: {batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s}",
              ""));
      Path log = dir.resolve("prometheus.log");
      Process p =
          new ProcessBuilder(
                  prometheus,
                  "--config.file=" + config,
                  "--web.listen-address=127.0.0.1:" + promPort,
                  "--storage.tsdb.path=" + dir.resolve("prom-data"))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      try {
        long deadline = System.currentTimeMillis() + 90_000;
        String body = "";
        while (System.currentTimeMillis() < deadline) {
          HttpResponse<String> r =
              gw.client.get("/api/v1/series?match[]=" + enc("{job=\"prometheus\"}"), Map.of());
          body = r.body();
          if (r.statusCode() == 200
              && body.contains("\"__name__\":\"up\"")
              && body.contains("prometheus_build_info")
              && body.contains("\"cluster\":\"e2e\"")) {
            break;
          }
          Thread.sleep(500);
        }
        for (String expected :
            List.of(
                "\"__name__\":\"up\"",
                "prometheus_build_info",
                "\"instance\":\"127.0.0.1:" + promPort + "\"",
                "\"cluster\":\"e2e\"")) {
          assertTrue(
              body.contains(expected),
              "series should contain "
                  + expected
                  + "; got "
                  + body
                  + "\nprometheus log:\n"
                  + Files.readString(log));
        }
        HttpResponse<String> values = gw.client.get("/api/v1/label/job/values", Map.of());
        assertTrue(values.body().contains("\"prometheus\""), values.body());
        HttpResponse<String> other =
            gw.client.get("/api/v1/label/job/values", Map.of("THANOS-TENANT", "someone-else"));
        assertTrue(
            !other.body().contains("\"prometheus\""),
            "another tenant must not see the default tenant's data: " + other.body());
      } finally {
        p.destroy();
        p.waitFor();
      }
      // A clean stop flushes the head into blocks; promtool reads them and dumps every sample.
      gw.close();
      Path tenantDir = dir.resolve("gateway").resolve("default-tenant");
      List<Path> blocks;
      try (var entries = Files.list(tenantDir)) {
        blocks = entries.filter(b -> Files.exists(b.resolve("meta.json"))).toList();
      }
      assertTrue(!blocks.isEmpty(), "the shutdown flush wrote a block");
      String promtool = ExternalProcess.requireBinary("promtool");
      long samples = 0;
      for (Path b : blocks) {
        Process analyze =
            new ProcessBuilder(
                    promtool, "tsdb", "analyze", tenantDir.toString(), b.getFileName().toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(analyze.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, analyze.waitFor(), out);
        assertTrue(out.contains("Block ID: " + b.getFileName()), out);
        samples += BlockMeta.read(b).numSamples();
      }
      Process dump =
          new ProcessBuilder(promtool, "tsdb", "dump", tenantDir.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, dump.waitFor(), out);
      long lines = out.lines().filter(l -> l.startsWith("{")).count();
      assertEquals(samples, lines, "promtool dump prints every sample of the blocks");
      assertTrue(
          out.contains("__name__=\"prometheus_build_info\""),
          "dump shows the remote-written series");
    }
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
