package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.proto.prompb.QueryResult;
import io.rwgateway.proto.prompb.TimeSeries;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thread the write path needs that dies takes the process with it: no gateway that looks alive
 * but acknowledges nothing. The WAL writer is made to throw an Error (the hidden test flag {@code
 * --test.wal-writer-error-after}), as it did when it ran out of heap.
 */
class ThreadDeathTest {
  private static final int SERIES = 50;

  @TempDir Path dir;

  private String[] args(int rw, int http, int grpc, String... extra) {
    String[] base = {
      "receive",
      "--remote-write.address",
      "127.0.0.1:" + rw,
      "--http-address",
      "127.0.0.1:" + http,
      "--grpc-address",
      "127.0.0.1:" + grpc,
      "--tsdb.path",
      dir.resolve("data").toString(),
      "--http.workers",
      "2"
    };
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return all;
  }

  @Test
  void anErrorInTheWalWriterEndsTheProcessAndTheRestartHasEveryAcknowledgedSample()
      throws Exception {
    int rw = ExternalProcess.freePort();
    int http = ExternalProcess.freePort();
    int grpc = ExternalProcess.freePort();
    Path log = dir.resolve("gateway.log");
    RemoteWriteClient client = new RemoteWriteClient(rw, http);
    Process gw =
        ExternalProcess.startGateway(
            log, args(rw, http, grpc, "--test.wal-writer-error-after", "20"));
    try {
      ExternalProcess.waitReady(client, gw, log, 60_000);
      long base = System.currentTimeMillis() - 60_000;
      int acked = -1;
      for (int j = 0; j < 100; j++) {
        try {
          HttpResponse<String> r =
              client.write(RemoteWriteClient.request("death", 0, SERIES, base + j, j));
          if (r.statusCode() != 204) {
            break;
          }
          acked = j;
        } catch (java.io.IOException e) {
          break; // the process went away under the request
        }
      }
      long failedAt = System.nanoTime();
      assertEquals(19, acked, "requests 0..19 are the 20 batches before the Error");
      assertTrue(gw.waitFor(10, TimeUnit.SECONDS), "the process must end within 10 s");
      assertTrue(System.nanoTime() - failedAt < TimeUnit.SECONDS.toNanos(10));
      assertEquals(FatalErrors.EXIT_STATUS, gw.exitValue());
      List<String> lines = Files.readAllLines(log);
      String last = lines.get(lines.size() - 1);
      assertTrue(
          last.contains("exiting: thread wal-writer died") && last.contains("InjectedError"),
          "the last log line says why: " + last);

      gw = ExternalProcess.startGateway(log, args(rw, http, grpc));
      ExternalProcess.waitReady(client, gw, log, 120_000);
      QueryResult res = client.read("death", base, base + 100_000, Map.of()).getResults(0);
      assertEquals(SERIES, res.getTimeseriesCount());
      for (TimeSeries ts : res.getTimeseriesList()) {
        assertEquals(acked + 1, ts.getSamplesCount(), "every acknowledged sample, no other");
        for (int j = 0; j <= acked; j++) {
          assertEquals(base + j, ts.getSamples(j).getTimestamp());
        }
      }
    } finally {
      gw.destroy();
      gw.waitFor();
    }
  }

  @Test
  void embeddedWithoutTheHandlerHealthFailsAndWritesGet503() throws Exception {
    try (InProcessGateway gw =
        InProcessGateway.start(dir.resolve("data"), "--test.wal-writer-error-after", "0")) {
      assertEquals(200, gw.client.get("/-/healthy", Map.of()).statusCode());
      // The first batch kills the writer; its answer never comes, so nobody waits for it.
      Thread w =
          new Thread(
              () -> {
                try {
                  gw.client.write(RemoteWriteClient.request("death", 0, 1, 1_000, 1));
                } catch (Exception e) {
                  // the gateway closes under it
                }
              });
      w.setDaemon(true);
      w.start();
      HttpResponse<String> health = gw.client.get("/-/healthy", Map.of());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (health.statusCode() == 200 && System.nanoTime() < deadline) {
        Thread.sleep(20);
        health = gw.client.get("/-/healthy", Map.of());
      }
      assertEquals(503, health.statusCode());
      assertTrue(health.body().startsWith("unhealthy: wal-writer died"), health.body());
      HttpResponse<String> next =
          gw.client.write(RemoteWriteClient.request("death", 0, 1, 2_000, 2));
      assertEquals(503, next.statusCode());
      assertTrue(next.body().contains("cannot write: wal-writer died"), next.body());
    }
  }
}
