package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.proto.prompb.WriteRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * Thanos' limits file on a running gateway: each limit with Thanos' status code and a message
 * naming it and the tenant, per-tenant overrides, one tenant at its limit while another writes,
 * reload on change, a bad file keeping the last good limits.
 */
class WriteLimitsTest {
  @TempDir Path dir;

  private static final long T = System.currentTimeMillis() - 60_000;

  private static HttpResponse<String> write(InProcessGateway gw, String tenant, WriteRequest req)
      throws Exception {
    return gw.client.post(
        Snappy.compress(req.toByteArray()),
        RemoteWriteClient.V1_TYPE,
        Map.of("THANOS-TENANT", tenant));
  }

  /** One request of {@code series} series with {@code samples} samples each. */
  private static WriteRequest request(String name, int series, int samples, int round) {
    WriteRequest.Builder b = WriteRequest.newBuilder();
    for (int s = 0; s < series; s++) {
      var ts = b.addTimeseriesBuilder();
      ts.addLabelsBuilder().setName("__name__").setValue(name);
      ts.addLabelsBuilder().setName("i").setValue(Integer.toString(s));
      for (int k = 0; k < samples; k++) {
        ts.addSamplesBuilder().setTimestamp(T + round * 1000L + k).setValue(k);
      }
    }
    return b.build();
  }

  private void limits(Path f, String yaml) throws Exception {
    Path tmp = f.resolveSibling("limits.tmp");
    Files.writeString(tmp, yaml);
    Files.move(tmp, f, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  @Test
  void eachLimitPerTenantReloadedAndKeptOnABadFile() throws Exception {
    Path f = dir.resolve("limits.yaml");
    limits(
        f,
        String.join(
            "\n",
            "write:",
            "  default:",
            "    request:",
            "      size_bytes_limit: 4000",
            "      series_limit: 10",
            "      samples_limit: 30",
            "    head_series_limit: 25",
            "  tenants:",
            "    big:",
            "      request: {size_bytes_limit: 0, series_limit: 0, samples_limit: 0}",
            "      head_series_limit: 0",
            ""));
    try (InProcessGateway gw =
        InProcessGateway.start(
            dir.resolve("data"),
            "--receive.limits-config-file",
            f.toString(),
            "--receive.limits-config-reload-timer",
            "100ms")) {
      assertEquals(204, write(gw, "small", request("ok", 10, 3, 0)).statusCode());

      HttpResponse<String> r = write(gw, "small", request("m", 11, 1, 0));
      assertEquals(413, r.statusCode());
      assertEquals(
          "too many timeseries: 11 in one request, over tenant \"small\"'s series_limit of 10",
          r.body().trim());
      r = write(gw, "small", request("m", 8, 4, 0));
      assertEquals(413, r.statusCode());
      assertTrue(
          r.body()
              .startsWith(
                  "too many samples: 32 in one request, over tenant \"small\"'s samples_limit of 30"),
          r.body());
      // A compressible body passes the compressed check; the decompressed one is over.
      r = write(gw, "small", request("long_" + "x".repeat(400), 10, 3, 1));
      assertEquals(413, r.statusCode());
      assertTrue(
          r.body().startsWith("write request too large: ")
              && r.body().contains("size_bytes_limit of 4000"),
          r.body());
      // The tenant without limits writes what the others may not.
      assertEquals(204, write(gw, "big", request("m", 200, 5, 0)).statusCode());

      // Head series: 10 now; 25 is the limit; at or above it the tenant gets 429, others not.
      assertEquals(204, write(gw, "small", request("h", 10, 1, 0)).statusCode());
      assertEquals(204, write(gw, "small", request("h2", 10, 1, 0)).statusCode());
      r = write(gw, "small", request("h3", 1, 1, 0));
      assertEquals(429, r.statusCode());
      assertEquals(
          "tenant \"small\" is above its active series limit: 30 head series, head_series_limit 25",
          r.body().trim());
      assertEquals(204, write(gw, "other", request("h", 10, 1, 0)).statusCode());

      String metrics = gw.client.get("/metrics", Map.of()).body();
      assertTrue(
          metrics.contains(
              "rwgateway_receive_write_limits_hit_total{limit=\"series\",tenant=\"small\"} 1.0"),
          metrics);
      assertTrue(
          metrics.contains(
              "rwgateway_receive_write_limits_hit_total{limit=\"head_series\",tenant=\"small\"} 1.0"));

      // Reload: the head series limit goes; a bad file then keeps these limits.
      limits(f, "write:\n  default:\n    request:\n      series_limit: 10\n");
      awaitStatus(gw, "small", request("h3", 1, 1, 1), 204);
      limits(f, "write:\n  default:\n    request:\n      series_limit: [10]\n");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!gw.client
              .get("/metrics", Map.of())
              .body()
              .contains("rwgateway_receive_limits_config_reload_err_total 1.0")
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(
          gw.client
              .get("/metrics", Map.of())
              .body()
              .contains("rwgateway_receive_limits_config_reload_err_total 1.0"));
      assertEquals(413, write(gw, "small", request("m", 11, 1, 2)).statusCode());
    }
  }

  private static void awaitStatus(InProcessGateway gw, String tenant, WriteRequest req, int code)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int got;
    do {
      got = write(gw, tenant, req).statusCode();
      if (got == code) {
        return;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    assertEquals(code, got);
  }

  @Test
  void overTheConcurrencyLimitRequestsWaitAndAllSucceed() throws Exception {
    try (InProcessGateway gw =
        InProcessGateway.start(
            dir.resolve("data"),
            "--receive.limits-config",
            "write:\n  global:\n    max_concurrency: 1\n")) {
      List<CompletableFuture<Integer>> answers = new ArrayList<>();
      for (int c = 0; c < 8; c++) {
        int n = c;
        answers.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return write(gw, "t", request("c" + n, 500, 2, 0)).statusCode();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                }));
      }
      for (CompletableFuture<Integer> a : answers) {
        assertEquals(204, a.get(30, TimeUnit.SECONDS));
      }
      String metrics = gw.client.get("/metrics", Map.of()).body();
      assertTrue(metrics.contains("rwgateway_receive_write_concurrent_requests 0.0"), metrics);
      assertTrue(metrics.contains("rwgateway_receive_write_requests_waiting 0.0"));
    }
  }

  @Test
  void aBadLimitsFileStopsTheStart() throws Exception {
    Path f = dir.resolve("limits.yaml");
    Files.writeString(f, "write:\n  default:\n    request:\n      series: 1\n");
    java.io.IOException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            java.io.IOException.class,
            () ->
                InProcessGateway.start(
                    dir.resolve("data"), "--receive.limits-config-file", f.toString()));
    assertTrue(e.getMessage().contains("unknown key write.default.request.series"), e.getMessage());
  }
}
