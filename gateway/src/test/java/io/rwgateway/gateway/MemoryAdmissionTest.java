package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.proto.prompb.QueryResult;
import io.rwgateway.proto.prompb.TimeSeries;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway with a deliberately small heap, sent new series until its heap would run out: the
 * answers turn from 204 into 503 saying memory is nearly full, never anything else, and the process
 * never throws an OutOfMemoryError (it runs with -XX:+ExitOnOutOfMemoryError, as bin/gateway starts
 * it, so an OOM would end it). Samples of the series it holds are still written. Killed and
 * restarted, it holds every acknowledged sample and nothing of a refused request.
 */
class MemoryAdmissionTest {
  @TempDir Path dir;

  @Test
  void newSeriesGet503BeforeTheHeapRunsOutAndExistingOnesAreStillWritten() throws Exception {
    int rw = ExternalProcess.freePort();
    int http = ExternalProcess.freePort();
    Path log = dir.resolve("gateway.log");
    RemoteWriteClient client = new RemoteWriteClient(rw, http);
    String[] args = {
      "receive",
      "--remote-write.address",
      "127.0.0.1:" + rw,
      "--http-address",
      "127.0.0.1:" + http,
      "--grpc-address",
      "127.0.0.1:" + ExternalProcess.freePort(),
      "--tsdb.path",
      dir.resolve("data").toString(),
      "--http.workers",
      "2"
    };
    Process gw =
        ExternalProcess.startGateway(
            log, List.of("-Xmx160m", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseG1GC"), args);
    try {
      ExternalProcess.waitReady(client, gw, log, 60_000);
      long t = System.currentTimeMillis() - 60_000;
      Map<Integer, Integer> codes = new TreeMap<>();
      String refusal = null;
      int refusedInARow = 0;
      int batches = 0;
      List<Integer> acked = new ArrayList<>();
      // 2000 new series per request, until 50 requests in a row were refused (or 1M series).
      while (refusedInARow < 50 && batches < 500) {
        HttpResponse<String> r =
            client.write(
                RemoteWriteClient.request("mem", batches * 2000, (batches + 1) * 2000, t, 1));
        codes.merge(r.statusCode(), 1, Integer::sum);
        if (r.statusCode() == 503) {
          refusal = r.body();
          refusedInARow++;
        } else {
          assertEquals(204, r.statusCode(), r.body());
          refusedInARow = 0;
          acked.add(batches);
        }
        batches++;
        assertTrue(gw.isAlive(), "the gateway died; log:\n" + Files.readString(log));
      }
      assertTrue(codes.getOrDefault(503, 0) >= 50, "never refused: " + codes);
      assertTrue(codes.get(204) > 10, "refused too early: " + codes);
      assertTrue(refusal.startsWith("memory is"), refusal);
      // The series it holds still take samples (first ones written, a later timestamp).
      HttpResponse<String> r =
          client.write(RemoteWriteClient.request("mem", 0, 2000, t + 15_000, 2));
      assertEquals(204, r.statusCode(), r.body());
      String metrics = client.get("/metrics", Map.of()).body();
      assertTrue(metrics.contains("rwgateway_memory_state 1.0"), metrics);
      assertTrue(gw.isAlive());
      String text = Files.readString(log);
      assertFalse(text.contains("OutOfMemoryError"), text);
      assertTrue(text.contains("memory admission NORMAL -> NO_NEW_SERIES"), text);

      // Killed (SIGKILL) and restarted with room: every acknowledged sample is there, and no
      // series of a refused request.
      gw.destroyForcibly();
      gw.waitFor();
      gw = ExternalProcess.startGateway(log, List.of("-Xmx512m", "-XX:+UseG1GC"), args);
      ExternalProcess.waitReady(client, gw, log, 120_000);
      QueryResult res = client.read("mem", t - 1, t + 20_000, Map.of()).getResults(0);
      Set<Integer> ackedBatches = new HashSet<>(acked);
      assertEquals(acked.size() * 2000, res.getTimeseriesCount(), "series after the restart");
      for (TimeSeries ts : res.getTimeseriesList()) {
        int i = Integer.parseInt(ts.getLabels(1).getValue());
        assertTrue(ackedBatches.contains(i / 2000), "series " + i + " of a refused request");
        assertEquals(t, ts.getSamples(0).getTimestamp());
        assertEquals(1, ts.getSamples(0).getValue());
        assertEquals(i < 2000 ? 2 : 1, ts.getSamplesCount(), "samples of series " + i);
      }
      // And it takes new series again.
      r = client.write(RemoteWriteClient.request("mem_after", 0, 2000, t, 1));
      assertEquals(204, r.statusCode(), r.body());
    } finally {
      gw.destroy();
      gw.waitFor();
    }
  }
}
