package io.rwgateway.gateway;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus from PATH on a free loopback port with its own TSDB under {@code home}, with no
 * scrape jobs and the remote-write receiver on, so a test decides every sample it holds.
 */
final class LocalPrometheus implements AutoCloseable {
  final String base;
  private final Process process;
  private final Path log;

  private LocalPrometheus(Process process, int port, Path log) {
    this.process = process;
    this.base = "http://127.0.0.1:" + port;
    this.log = log;
  }

  /**
   * Writes Prometheus blocks of the OpenMetrics text {@code openMetrics} (ending in {@code # EOF})
   * into {@code data} with {@code promtool tsdb create-blocks-from openmetrics}, as a backfill
   * does; the text goes through {@code scratch}. Fails the test with promtool's output.
   */
  static void createBlocks(String openMetrics, Path scratch, Path data) throws Exception {
    Path file = scratch.resolve("backfill.om");
    Files.writeString(file, openMetrics);
    Files.createDirectories(data);
    Process p =
        new ProcessBuilder(
                ExternalProcess.requireBinary("promtool"),
                "tsdb",
                "create-blocks-from",
                "openmetrics",
                file.toString(),
                data.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new AssertionError("promtool create-blocks-from failed: " + out);
    }
  }

  /** Starts it without waiting; {@link #awaitReady} waits. Fails when prometheus is missing. */
  static LocalPrometheus start(Path home) throws IOException {
    return start(home, "global: {}\n");
  }

  /**
   * With this configuration file and extra flags; the data directory is {@code home/data}, which
   * the caller may fill with blocks first.
   */
  static LocalPrometheus start(Path home, String configYaml, String... flags) throws IOException {
    String binary = ExternalProcess.requireBinary("prometheus");
    Files.createDirectories(home);
    Path config = home.resolve("prometheus.yml");
    Files.writeString(config, configYaml);
    int port = ExternalProcess.freePort();
    Path log = home.resolve("prometheus.log");
    List<String> cmd = new ArrayList<>();
    cmd.add(binary);
    cmd.add("--config.file=" + config);
    cmd.add("--web.listen-address=127.0.0.1:" + port);
    cmd.add("--storage.tsdb.path=" + home.resolve("data"));
    cmd.add("--web.enable-remote-write-receiver");
    cmd.addAll(List.of(flags));
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new LocalPrometheus(p, port, log);
  }

  String writeUrl() {
    return base + "/api/v1/write";
  }

  void awaitReady(HttpClient http, long timeoutMs) throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "prometheus exited with " + process.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        HttpRequest r = HttpRequest.newBuilder(URI.create(base + "/-/ready")).build();
        if (http.send(r, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "prometheus not ready after " + timeoutMs + " ms:\n" + Files.readString(log));
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
