package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.proto.prompb.QueryResult;
import io.rwgateway.proto.prompb.TimeSeries;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every sample acknowledged before a SIGKILL is there after the restart's WAL replay. Writers send
 * to a gateway in its own JVM; it is killed mid-load, restarted on the same directory, and every
 * acknowledged sample is read back exactly through remote read.
 */
class CrashRecoveryTest {
  static final int WRITERS = 4;
  static final int SERIES_PER_WRITER = 200;

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"batch", "interval"})
  void acknowledgedSamplesSurviveSigkill(String syncMode) throws Exception {
    int rwPort = ExternalProcess.freePort();
    int httpPort = ExternalProcess.freePort();
    String[] args = {
      "receive",
      "--remote-write.address",
      "127.0.0.1:" + rwPort,
      "--http-address",
      "127.0.0.1:" + httpPort,
      "--grpc-address",
      "127.0.0.1:" + ExternalProcess.freePort(),
      "--tsdb.path",
      dir.resolve("data").toString(),
      "--tsdb.wal.sync",
      syncMode,
      "--http.workers",
      "2"
    };
    Path log = dir.resolve("gateway.log");
    RemoteWriteClient client = new RemoteWriteClient(rwPort, httpPort);
    Process gw = ExternalProcess.startGateway(log, args);
    long base = System.currentTimeMillis() - 60_000;
    AtomicIntegerArray acked = new AtomicIntegerArray(WRITERS);
    for (int w = 0; w < WRITERS; w++) {
      acked.set(w, -1);
    }
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> writers = new ArrayList<>();
    try {
      ExternalProcess.waitReady(client, gw, log, 60_000);
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        Thread t =
            new Thread(
                () -> {
                  for (int j = 0; !stop.get() && j < 100_000; j++) {
                    try {
                      HttpResponse<String> r =
                          client.write(
                              RemoteWriteClient.request(
                                  "crash_w" + writer, 0, SERIES_PER_WRITER, base + j, j));
                      if (r.statusCode() != 204) {
                        return;
                      }
                      acked.set(writer, j);
                    } catch (Exception e) {
                      return; // the gateway is gone
                    }
                  }
                });
        t.start();
        writers.add(t);
      }
      Thread.sleep(3000);
      gw.destroyForcibly(); // SIGKILL
      gw.waitFor();
      stop.set(true);
      for (Thread t : writers) {
        t.join(30_000);
      }
      for (int w = 0; w < WRITERS; w++) {
        assertTrue(
            acked.get(w) > 5,
            "writer " + w + " got too few acknowledgements before the kill: " + acked.get(w));
      }

      gw = ExternalProcess.startGateway(log, args);
      ExternalProcess.waitReady(client, gw, log, 120_000);
      for (int w = 0; w < WRITERS; w++) {
        QueryResult res = client.read("crash_w" + w, base, base + 100_000, Map.of()).getResults(0);
        assertEquals(SERIES_PER_WRITER, res.getTimeseriesCount(), "series of writer " + w);
        int last = acked.get(w);
        for (TimeSeries ts : res.getTimeseriesList()) {
          // Samples 0..last were acknowledged; one more may have been written but not answered.
          assertTrue(
              ts.getSamplesCount() == last + 1 || ts.getSamplesCount() == last + 2,
              "writer "
                  + w
                  + " series "
                  + ts.getLabels(1).getValue()
                  + " has "
                  + ts.getSamplesCount()
                  + " samples, acknowledged "
                  + (last + 1));
          for (int j = 0; j < ts.getSamplesCount(); j++) {
            assertEquals(base + j, ts.getSamples(j).getTimestamp());
            assertEquals(j, ts.getSamples(j).getValue());
          }
        }
      }
      String logText = Files.readString(log);
      assertTrue(logText.contains("replay"), "the restart should log its WAL replay:\n" + logText);
    } finally {
      stop.set(true);
      gw.destroy();
      gw.waitFor();
    }
  }
}
