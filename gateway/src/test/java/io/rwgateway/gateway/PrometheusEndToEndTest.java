package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's 2.42) scrapes itself and remote-writes to the gateway; the
 * gateway's /api/v1/series then lists Prometheus' own series.
 * <p>
 * NOTE: Debian's 2.42 build accepts remote_write `headers:` in its config but does not send them
 * (checked with a capturing server), so this test cannot set THANOS-TENANT; its data lands in
 * the default tenant. Tenant routing is covered by RemoteWriteHttpTest.
 */
class PrometheusEndToEndTest {
  @TempDir
  Path dir;

  @Test
  void prometheusRemoteWritesItsOwnSeries() throws Exception {
    String prometheus = ExternalProcess.requireBinary("prometheus");
    try (InProcessGateway gw = InProcessGateway.start(dir.resolve("gateway"))) {
      int promPort = ExternalProcess.freePort();
      Path config = dir.resolve("prometheus.yml");
      Files.writeString(config, String.join("\n",
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
      Process p = new ProcessBuilder(prometheus, "--config.file=" + config,
          "--web.listen-address=127.0.0.1:" + promPort, "--storage.tsdb.path=" + dir.resolve("prom-data"))
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        long deadline = System.currentTimeMillis() + 90_000;
        String body = "";
        while (System.currentTimeMillis() < deadline) {
          HttpResponse<String> r = gw.client.get("/api/v1/series?match[]=" + enc("{job=\"prometheus\"}"),
              Map.of());
          body = r.body();
          if (r.statusCode() == 200 && body.contains("\"__name__\":\"up\"")
              && body.contains("prometheus_build_info") && body.contains("\"cluster\":\"e2e\"")) {
            break;
          }
          Thread.sleep(500);
        }
        for (String expected : List.of("\"__name__\":\"up\"", "prometheus_build_info", "\"instance\":\"127.0.0.1:" + promPort + "\"",
            "\"cluster\":\"e2e\"")) {
          assertTrue(body.contains(expected), "series should contain " + expected + "; got " + body
              + "\nprometheus log:\n" + Files.readString(log));
        }
        HttpResponse<String> values = gw.client.get("/api/v1/label/job/values", Map.of());
        assertTrue(values.body().contains("\"prometheus\""), values.body());
        HttpResponse<String> other = gw.client.get("/api/v1/label/job/values", Map.of("THANOS-TENANT", "someone-else"));
        assertTrue(!other.body().contains("\"prometheus\""), "another tenant must not see the default tenant's data: " + other.body());
      } finally {
        p.destroy();
        p.waitFor();
      }
    }
  }

  static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
  }
}
