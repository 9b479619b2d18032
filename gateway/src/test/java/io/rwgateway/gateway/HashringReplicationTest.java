package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.proto.prompb.QueryResult;
import io.rwgateway.proto.prompb.TimeSeries;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three gateways in their own JVMs share one hashring with replication factor 3 and a sender writes
 * to the first. Every series lands on all three; with one killed writes still answer 2xx (quorum 2
 * of 3); with two killed they answer 503, and the sender's retries succeed once the nodes are back.
 * In the end every acknowledged sample is on at least a quorum of the nodes.
 */
class HashringReplicationTest {
  static final int SERIES = 30;

  @TempDir Path dir;

  private final int[] rw = new int[3];
  private final int[] http = new int[3];
  private final int[] grpc = new int[3];
  private final Process[] nodes = new Process[3];
  private String ring;

  private String[] args(int n) {
    return new String[] {
      "receive",
      "--remote-write.address",
      "127.0.0.1:" + rw[n],
      "--http-address",
      "127.0.0.1:" + http[n],
      "--grpc-address",
      "127.0.0.1:" + grpc[n],
      "--tsdb.path",
      dir.resolve("node" + n).toString(),
      "--http.workers",
      "1",
      "--receive.hashrings",
      ring,
      "--receive.local-endpoint",
      "127.0.0.1:" + grpc[n],
      "--receive.replication-factor",
      "3",
      "--receive-forward-timeout",
      "2s"
    };
  }

  private void start(int n) throws Exception {
    Path log = dir.resolve("node" + n + ".log");
    nodes[n] = ExternalProcess.startGateway(log, args(n));
    ExternalProcess.waitReady(new RemoteWriteClient(rw[n], http[n]), nodes[n], log, 60_000);
  }

  private void kill(int n) throws Exception {
    nodes[n].destroyForcibly();
    assertTrue(nodes[n].waitFor(30, TimeUnit.SECONDS));
  }

  /** Sends sample j (time t) of every series until it is acknowledged; returns the codes seen. */
  private static List<Integer> sendUntilAcked(RemoteWriteClient c, long t, int j, long giveUpMillis)
      throws Exception {
    List<Integer> codes = new ArrayList<>();
    long deadline = System.currentTimeMillis() + giveUpMillis;
    while (true) {
      int code;
      try {
        HttpResponse<String> r = c.write(RemoteWriteClient.request("hr", 0, SERIES, t, j));
        code = r.statusCode();
        assertTrue(
            code == 204 || code == 503, "only 204 or 503 expected, got " + code + ": " + r.body());
      } catch (IOException e) {
        code = -1;
      }
      codes.add(code);
      if (code == 204 || System.currentTimeMillis() > deadline) {
        return codes;
      }
      Thread.sleep(100);
    }
  }

  /** Timestamps per series on node n, read through its remote read. */
  private Map<String, List<Long>> stored(int n) throws Exception {
    QueryResult res =
        new RemoteWriteClient(rw[n], http[n]).read("hr", 0, Long.MAX_VALUE, Map.of()).getResults(0);
    Map<String, List<Long>> out = new HashMap<>();
    for (TimeSeries ts : res.getTimeseriesList()) {
      List<Long> t = new ArrayList<>();
      ts.getSamplesList().forEach(s -> t.add(s.getTimestamp()));
      out.put(ts.getLabels(1).getValue(), t);
    }
    return out;
  }

  @Test
  void replicationFactorThreeSurvivesOneNodeAndRecoversFromTwo() throws Exception {
    for (int n = 0; n < 3; n++) {
      rw[n] = ExternalProcess.freePort();
      http[n] = ExternalProcess.freePort();
      grpc[n] = ExternalProcess.freePort();
    }
    ring =
        "[{\"hashring\":\"default\",\"endpoints\":[\"127.0.0.1:"
            + grpc[0]
            + "\",\"127.0.0.1:"
            + grpc[1]
            + "\",\"127.0.0.1:"
            + grpc[2]
            + "\"]}]";
    List<Long> acked = new ArrayList<>();
    try {
      for (int n = 0; n < 3; n++) {
        start(n);
      }
      RemoteWriteClient sender = new RemoteWriteClient(rw[0], http[0]);
      long t = System.currentTimeMillis();
      int j = 0;
      // All three up: every write is acknowledged and lands everywhere. The first forward to a
      // freshly started peer opens its connection inside the short forward timeout this test sets
      // (2 s); on a loaded 2-core machine that may miss, and a sender retries the 503.
      List<Integer> first = sendUntilAcked(sender, t, j, 30_000);
      assertEquals(204, first.get(first.size() - 1), "first write, retried: " + first);
      acked.add(t);
      if (first.size() > 1) {
        // A peer that missed the deadline is closed for its backoff (at most 5 s): let it end.
        Thread.sleep(5_500);
      }
      for (j++, t += 10; j < 20; j++, t += 10) {
        assertEquals(List.of(204), sendUntilAcked(sender, t, j, 0));
        acked.add(t);
      }
      // Each write is acknowledged once a quorum (2) has it. A peer whose first forward missed
      // the deadline is backed off for a moment, and writes meanwhile reach the other two only
      // (seen on a loaded machine: the second write was on two nodes). So: every write on at
      // least two nodes, and the last ten, sent after any backoff, on all three.
      List<Map<String, List<Long>>> early = List.of(stored(0), stored(1), stored(2));
      for (int n = 0; n < 3; n++) {
        assertEquals(SERIES, early.get(n).size(), "series on node " + n);
      }
      List<Long> lastTen = acked.subList(acked.size() - 10, acked.size());
      for (int s = 0; s < SERIES; s++) {
        String key = Integer.toString(s);
        for (long at : acked) {
          int on = 0;
          for (Map<String, List<Long>> node : early) {
            List<Long> ts = node.get(key);
            if (ts.contains(at)) {
              on++;
            }
            assertEquals(ts.size(), new TreeSet<>(ts).size(), "no duplicates");
          }
          assertTrue(
              on == 3 || (on == 2 && !lastTen.contains(at)),
              "sample " + at + " of series " + key + " is on " + on + " nodes");
        }
      }

      // One node down: quorum is 2 of 3, writes keep answering 2xx.
      kill(2);
      for (int k = 0; k < 20; k++, j++, t += 10) {
        assertEquals(
            List.of(204), sendUntilAcked(sender, t, j, 0), "write " + j + " with one node down");
        acked.add(t);
      }

      // Two down: 503 (retryable), then the same request succeeds once they are back.
      kill(1);
      List<Integer> codes = sendUntilAcked(sender, t, j, 0);
      assertEquals(List.of(503), codes, "no quorum with two of three down");
      long tt = t;
      int jj = j;
      List<List<Integer>> retried = new CopyOnWriteArrayList<>();
      Thread retry =
          new Thread(
              () -> {
                try {
                  retried.add(sendUntilAcked(sender, tt, jj, 120_000));
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      retry.start();
      Thread.sleep(500);
      start(1);
      start(2);
      retry.join(150_000);
      List<Integer> got = retried.get(0);
      assertEquals(
          204, got.get(got.size() - 1), "the retries succeed once the nodes are back: " + got);
      assertTrue(got.contains(503), "the sender was told to retry meanwhile: " + got);
      acked.add(t);
      j++;
      t += 10;
      for (int k = 0; k < 5; k++, j++, t += 10) {
        assertEquals(List.of(204), sendUntilAcked(sender, t, j, 30_000).subList(0, 1));
        acked.add(t);
      }

      // Every acknowledged sample is on at least a quorum (2) of the nodes, never duplicated.
      List<Map<String, List<Long>>> all = List.of(stored(0), stored(1), stored(2));
      for (int s = 0; s < SERIES; s++) {
        String key = Integer.toString(s);
        for (long at : acked) {
          int on = 0;
          for (Map<String, List<Long>> node : all) {
            List<Long> ts = node.getOrDefault(key, List.of());
            if (ts.contains(at)) {
              on++;
            }
            assertEquals(ts.size(), new TreeSet<>(ts).size(), "no duplicates");
          }
          assertTrue(on >= 2, "sample " + at + " of series " + key + " is on " + on + " nodes");
        }
      }
    } catch (AssertionError | Exception e) {
      StringBuilder logs = new StringBuilder();
      for (int n = 0; n < 3; n++) {
        Path log = dir.resolve("node" + n + ".log");
        if (Files.exists(log)) {
          String text = Files.readString(log);
          logs.append("\n--- node ")
              .append(n)
              .append(" ---\n")
              .append(text, Math.max(0, text.length() - 3000), text.length());
        }
      }
      throw new AssertionError(e.getMessage() + logs, e);
    } finally {
      for (Process p : nodes) {
        if (p != null) {
          p.destroyForcibly();
          p.waitFor();
        }
      }
    }
  }
}
