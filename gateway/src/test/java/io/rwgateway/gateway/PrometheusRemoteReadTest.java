package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rwgateway.proto.prompb.Label;
import io.rwgateway.proto.prompb.Sample;
import io.rwgateway.proto.prompb.TimeSeries;
import io.rwgateway.proto.prompb.WriteRequest;
import java.io.IOException;
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
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xerial.snappy.Snappy;

/**
 * A real Prometheus (Debian's 2.42) with only {@code remote_read} pointed at the gateway answers
 * PromQL exactly like a Prometheus that ingested the same samples itself: the same data is
 * remote-written to the gateway and to the reference, and every query's JSON is compared.
 */
class PrometheusRemoteReadTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long STEP = 15_000;
  private static final int POINTS = 120; // 30 minutes

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newHttpClient();

  /** 24 series: a counter and a gauge per (job, instance), samples every 15 s up to now. */
  private static WriteRequest data(long end) {
    Random r = new Random(17);
    WriteRequest.Builder b = WriteRequest.newBuilder();
    for (String job : List.of("api", "db")) {
      for (int i = 0; i < 6; i++) {
        for (String name : List.of("requests_total", "temperature")) {
          TimeSeries.Builder ts =
              TimeSeries.newBuilder()
                  .addLabels(Label.newBuilder().setName("__name__").setValue(name))
                  .addLabels(Label.newBuilder().setName("instance").setValue("i" + i))
                  .addLabels(Label.newBuilder().setName("job").setValue(job));
          double v = 0;
          for (int k = 0; k < POINTS; k++) {
            long t = end - (POINTS - 1 - k) * STEP;
            if (name.equals("requests_total")) {
              v = k == 70 && i == 2 ? 3 : v + r.nextInt(20); // a counter reset
            } else {
              v = 20 + r.nextGaussian() * 5;
            }
            ts.addSamples(Sample.newBuilder().setTimestamp(t).setValue(v));
          }
          b.addTimeseries(ts);
        }
      }
    }
    return b.build();
  }

  private int write(String url, WriteRequest req) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-protobuf")
            .header("Content-Encoding", "snappy")
            .header("X-Prometheus-Remote-Write-Version", "0.1.0")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(req.toByteArray())))
            .build();
    return http.send(r, HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private Process prometheus(String name, int port, String config, String... extra)
      throws Exception {
    Path cfg = dir.resolve(name + ".yml");
    Files.writeString(cfg, config);
    List<String> cmd = new ArrayList<>();
    cmd.add(ExternalProcess.requireBinary("prometheus"));
    cmd.add("--config.file=" + cfg);
    cmd.add("--web.listen-address=127.0.0.1:" + port);
    cmd.add("--storage.tsdb.path=" + dir.resolve(name + "-data"));
    cmd.addAll(List.of(extra));
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile())
        .start();
  }

  private void awaitReady(int port, String name) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError(name + " not ready:\n" + Files.readString(dir.resolve(name + ".log")));
  }

  private JsonNode query(int port, String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), path + ": " + r.body());
    JsonNode n = JSON.readTree(r.body());
    assertEquals("success", n.get("status").asText(), r.body());
    return n.get("data");
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void promqlOverRemoteReadEqualsPromqlOverTheSameDataIngested() throws Exception {
    long end = System.currentTimeMillis() / STEP * STEP;
    try (InProcessGateway gw = InProcessGateway.start(dir.resolve("gateway"))) {
      int readerPort = ExternalProcess.freePort();
      int refPort = ExternalProcess.freePort();
      Process reference =
          prometheus("reference", refPort, "global: {}\n", "--web.enable-remote-write-receiver");
      Process reader =
          prometheus(
              "reader",
              readerPort,
              String.join(
                  "\n",
                  "global: {}",
                  "remote_read:",
                  "  - url: http://127.0.0.1:" + gw.server.httpAddress().getPort() + "/api/v1/read",
                  "    read_recent: true",
                  ""));
      try {
        awaitReady(refPort, "reference");
        awaitReady(readerPort, "reader");
        WriteRequest req = data(end);
        assertEquals(204, gw.client.write(req).statusCode());
        int code = write("http://127.0.0.1:" + refPort + "/api/v1/write", req);
        assertTrue(code == 204 || code == 200, "reference took the samples: " + code);

        long start = end - (POINTS - 1) * STEP;
        List<String> queries =
            List.of(
                "temperature",
                "requests_total{job=\"api\"}",
                "rate(requests_total[2m])",
                "increase(requests_total[5m])",
                "sum by (job) (temperature)",
                "max_over_time(temperature[1m])",
                "count(temperature > 20)",
                "{__name__=~\"temp.*|requests_total\", instance=~\"i[12]\"}",
                "temperature offset 1m",
                "absent(nothing_here)");
        for (String q : queries) {
          String range =
              "/api/v1/query_range?query="
                  + enc(q)
                  + "&start="
                  + start / 1000
                  + "&end="
                  + end / 1000
                  + "&step=15";
          JsonNode want = query(refPort, range);
          JsonNode got = query(readerPort, range);
          assertTrue(want.get("result").size() > 0 || q.startsWith("absent"), q + ": " + want);
          assertEquals(want, got, q);
          String instant = "/api/v1/query?query=" + enc(q) + "&time=" + end / 1000;
          assertEquals(query(refPort, instant), query(readerPort, instant), q + " (instant)");
        }
      } finally {
        reader.destroy();
        reference.destroy();
        reader.waitFor();
        reference.waitFor();
      }
    }
  }
}
