package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.CrashPoints;
import io.rwgateway.model.Matcher;
import io.rwgateway.proto.prompb.BucketSpan;
import io.rwgateway.proto.prompb.Histogram;
import io.rwgateway.proto.prompb.Label;
import io.rwgateway.proto.prompb.QueryResult;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.proto.prompb.WriteRequest;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.block.Block;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gateway dies (as by SIGKILL) at each step of cutting a block and truncating the WAL, under
 * write load; after a restart every acknowledged sample is there, and after a clean stop the blocks
 * on disk hold each sample exactly once. One more writer sends native histograms (integer and float
 * counts, one series each of {@value #HIST_SERIES}), which are held to the same rules.
 *
 * <p>Blocks of one second and WAL cycles of one second (a WAL clock running 3600 times fast) make
 * every step happen within seconds of real time.
 */
class BlockCrashTest {
  static final int WRITERS = 3;
  static final int SERIES = 50;
  static final int HIST_SERIES = 10;

  /** Series {bc_h, i=k}: histogram j of an integer (k even) or float (k odd) counter. */
  static WriteRequest histograms(long t, int j) {
    WriteRequest.Builder b = WriteRequest.newBuilder();
    for (int k = 0; k < HIST_SERIES; k++) {
      Histogram.Builder h =
          Histogram.newBuilder()
              .setTimestamp(t)
              .setSum(j * 1.5)
              .addPositiveSpans(BucketSpan.newBuilder().setOffset(k).setLength(1));
      if (k % 2 == 0) {
        h.setCountInt(2L * j + 1).setZeroCountInt(j + 1).addPositiveDeltas(j);
      } else {
        h.setCountFloat(2.0 * j + 1).setZeroCountFloat(j + 1).addPositiveCounts(j);
      }
      b.addTimeseries(
          TimeSeries.newBuilder()
              .addLabels(Label.newBuilder().setName("__name__").setValue("bc_h"))
              .addLabels(Label.newBuilder().setName("i").setValue(Integer.toString(k)))
              .addHistograms(h));
    }
    return b.build();
  }

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "block-chunks-written",
        "block-before-rename",
        "compact-before-head-truncation",
        "wal-checkpoint-written",
        "wal-cycle-deleted"
      })
  void noAcknowledgedSampleIsLostOrDuplicated(String crashPoint) throws Exception {
    int rwPort = ExternalProcess.freePort();
    int httpPort = ExternalProcess.freePort();
    Path data = dir.resolve("data");
    String[] args = {
      "receive",
      "--remote-write.address",
      "127.0.0.1:" + rwPort,
      "--http-address",
      "127.0.0.1:" + httpPort,
      "--grpc-address",
      "127.0.0.1:" + ExternalProcess.freePort(),
      "--tsdb.path",
      data.toString(),
      "--http.workers",
      "2",
      "--tsdb.min-block-duration",
      "1s",
      "--tsdb.max-block-duration",
      "1s",
      "--tsdb.compaction-interval",
      "100ms",
      "--tsdb.retention",
      "0",
      "--tsdb.wal.test-clock",
      "3600@" + System.currentTimeMillis()
    };
    Path log = dir.resolve("gateway.log");
    RemoteWriteClient client = new RemoteWriteClient(rwPort, httpPort);
    Process gw =
        ExternalProcess.startGateway(
            log, List.of("-D" + CrashPoints.PROPERTY + "=" + crashPoint), args);
    // NOTE: writer WRITERS (the last) sends histograms.
    long[][] times = new long[WRITERS + 1][200_000];
    AtomicIntegerArray acked = new AtomicIntegerArray(WRITERS + 1);
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> writers = new ArrayList<>();
    try {
      ExternalProcess.waitReady(client, gw, log, 60_000);
      for (int w = 0; w <= WRITERS; w++) {
        int writer = w;
        acked.set(w, -1);
        Thread t =
            new Thread(
                () -> {
                  long last = 0;
                  for (int j = 0; !stop.get() && j < times[writer].length; j++) {
                    long ts = Math.max(last + 1, System.currentTimeMillis());
                    last = ts;
                    times[writer][j] = ts;
                    try {
                      HttpResponse<String> r =
                          client.write(
                              writer == WRITERS
                                  ? histograms(ts, j)
                                  : RemoteWriteClient.request("bc_w" + writer, 0, SERIES, ts, j));
                      if (r.statusCode() != 204) {
                        throw new AssertionError(
                            "writer " + writer + " got " + r.statusCode() + ": " + r.body());
                      }
                      acked.set(writer, j);
                    } catch (AssertionError e) {
                      throw e;
                    } catch (Exception e) {
                      return; // the gateway is gone
                    }
                  }
                });
        t.start();
        writers.add(t);
      }
      assertTrue(
          gw.waitFor(60, TimeUnit.SECONDS),
          "crash point " + crashPoint + " not reached:\n" + Files.readString(log));
      assertEquals(137, gw.exitValue(), Files.readString(log));
      stop.set(true);
      for (Thread t : writers) {
        t.join(30_000);
      }

      gw = ExternalProcess.startGateway(log, args);
      ExternalProcess.waitReady(client, gw, log, 120_000);
      int[] stored = new int[WRITERS];
      int total = 0;
      for (int w = 0; w <= WRITERS; w++) {
        total += acked.get(w) + 1;
      }
      assertTrue(total > 20, "too few acknowledged writes before the crash: " + total);
      for (int w = 0; w < WRITERS; w++) {
        QueryResult res = client.read("bc_w" + w, 0, Long.MAX_VALUE, Map.of()).getResults(0);
        assertEquals(SERIES, res.getTimeseriesCount(), "series of writer " + w);
        int last = acked.get(w);
        // NOTE: each writer needs some acknowledged samples for its check to mean anything; how
        // many it got before the crash point fired depends on the machine's load (under a load
        // of 6-7 on 2 cores one writer had 10), so the run as a whole must have many.
        assertTrue(last >= 2, "writer " + w + " got too few acknowledgements: " + last);
        for (TimeSeries ts : res.getTimeseriesList()) {
          int n = ts.getSamplesCount();
          // Samples 0..last were acknowledged; one more may have been written but not answered.
          if (n != last + 1 && n != last + 2) {
            throw new AssertionError(
                crashPoint
                    + ": writer "
                    + w
                    + " series "
                    + ts.getLabels(1).getValue()
                    + " has "
                    + n
                    + " samples, acknowledged "
                    + (last + 1)
                    + "; missing: "
                    + missing(ts, times[w], last)
                    + "\n"
                    + Files.readString(log));
          }
          for (int j = 0; j < n; j++) {
            assertEquals(times[w][j], ts.getSamples(j).getTimestamp());
            assertEquals(j, ts.getSamples(j).getValue());
          }
          stored[w] = n;
        }
      }
      int histStored = checkHistograms(client, times[WRITERS], acked.get(WRITERS), crashPoint, log);
      gw.destroy(); // SIGTERM: clean shutdown, the head is flushed into blocks
      assertTrue(gw.waitFor(60, TimeUnit.SECONDS));

      // On disk: every sample in exactly one block.
      Map<String, List<Long>> onDisk = new HashMap<>();
      Map<String, List<Long>> histOnDisk = new HashMap<>();
      try (DirectoryStream<Path> blocks =
          Files.newDirectoryStream(
              data.resolve("default-tenant"), p -> Files.exists(p.resolve("meta.json")))) {
        for (Path b : blocks) {
          try (Block block = Block.open(b)) {
            for (SeriesData d :
                block.querier().select(new Matcher[0], Long.MIN_VALUE, Long.MAX_VALUE)) {
              List<Long> ts = onDisk.computeIfAbsent(d.labels().toString(), k -> new ArrayList<>());
              for (long t : d.sampleT()) {
                ts.add(t);
              }
              if (d.histT().length > 0) {
                List<Long> ht =
                    histOnDisk.computeIfAbsent(d.labels().toString(), k -> new ArrayList<>());
                for (long t : d.histT()) {
                  ht.add(t);
                }
              }
            }
          }
        }
      }
      assertEquals(WRITERS * SERIES + HIST_SERIES, onDisk.size());
      assertEquals(HIST_SERIES, histOnDisk.size());
      for (Map.Entry<String, List<Long>> e : histOnDisk.entrySet()) {
        List<Long> ts = e.getValue();
        ts.sort(null);
        assertEquals(
            histStored,
            ts.size(),
            crashPoint + ": histograms of " + e.getKey() + " in blocks (a duplicate or a loss)");
        for (int j = 0; j < ts.size(); j++) {
          assertEquals(times[WRITERS][j], ts.get(j));
        }
      }
      for (Map.Entry<String, List<Long>> e : onDisk.entrySet()) {
        if (histOnDisk.containsKey(e.getKey())) {
          assertEquals(0, e.getValue().size());
          continue;
        }
        List<Long> ts = e.getValue();
        int w = e.getKey().charAt(e.getKey().indexOf("bc_w") + 4) - '0';
        ts.sort(null);
        assertEquals(
            stored[w],
            ts.size(),
            crashPoint + ": samples of " + e.getKey() + " in blocks (a duplicate or a loss)");
        for (int j = 0; j < ts.size(); j++) {
          assertEquals(times[w][j], ts.get(j));
        }
      }
    } finally {
      stop.set(true);
      gw.destroyForcibly();
      gw.waitFor();
    }
  }

  /**
   * After the restart: every acknowledged histogram of every histogram series is there, with its
   * values; returns how many each series holds (the acknowledged ones, or one more).
   */
  private static int checkHistograms(
      RemoteWriteClient client, long[] times, int last, String crashPoint, Path log)
      throws Exception {
    QueryResult res = client.read("bc_h", 0, Long.MAX_VALUE, Map.of()).getResults(0);
    assertEquals(HIST_SERIES, res.getTimeseriesCount(), "histogram series");
    assertTrue(last >= 2, "the histogram writer got too few acknowledgements: " + last);
    int stored = -1;
    for (TimeSeries ts : res.getTimeseriesList()) {
      int n = ts.getHistogramsCount();
      if (n != last + 1 && n != last + 2) {
        throw new AssertionError(
            crashPoint
                + ": histogram series "
                + ts.getLabels(1).getValue()
                + " has "
                + n
                + " histograms, acknowledged "
                + (last + 1)
                + "\n"
                + Files.readString(log));
      }
      boolean isFloat = Integer.parseInt(ts.getLabels(1).getValue()) % 2 == 1;
      for (int j = 0; j < n; j++) {
        Histogram h = ts.getHistograms(j);
        assertEquals(times[j], h.getTimestamp());
        assertEquals(j * 1.5, h.getSum());
        if (isFloat) {
          assertEquals(2.0 * j + 1, h.getCountFloat());
        } else {
          assertEquals(2L * j + 1, h.getCountInt());
        }
      }
      assertTrue(stored < 0 || stored == n, "histogram series differ in length");
      stored = n;
    }
    return stored;
  }

  /** The acknowledged samples (by index) that {@code ts} lacks, as ranges: "1-119, 300". */
  private static String missing(TimeSeries ts, long[] times, int last) {
    Set<Long> have = new HashSet<>();
    for (int j = 0; j < ts.getSamplesCount(); j++) {
      have.add(ts.getSamples(j).getTimestamp());
    }
    StringBuilder sb = new StringBuilder();
    for (int j = 0; j <= last; j++) {
      if (have.contains(times[j])) {
        continue;
      }
      int from = j;
      while (j + 1 <= last && !have.contains(times[j + 1])) {
        j++;
      }
      sb.append(sb.length() > 0 ? ", " : "").append(from).append(from == j ? "" : "-" + j);
    }
    return sb.toString();
  }
}
