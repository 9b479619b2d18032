package io.rwgateway.sidecar;

import io.rwgateway.proto.prompb.WriteRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
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
import java.util.concurrent.TimeUnit;
import org.xerial.snappy.Snappy;

/**
 * A real Prometheus (the {@code prometheus} binary on PATH, Debian's 2.42) on a free loopback port
 * with its own TSDB, no scrape jobs, the remote-write receiver on and the external labels {@code
 * cluster="eu1", replica="a"}: the tests decide every sample it holds. A missing binary fails the
 * test (CI installs it); it is never skipped.
 */
final class LocalPrometheus implements AutoCloseable {
  static final String CONFIG =
      "global:\n  scrape_interval: 1h\n  external_labels:\n    cluster: eu1\n    replica: a\n";

  static final int FRAME_BYTES = 1;

  final String base;
  private final Process process;
  private final Path log;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private LocalPrometheus(Process process, int port, Path log) {
    this.process = process;
    this.base = "http://127.0.0.1:" + port;
    this.log = log;
  }

  /** Starts it and waits until {@code /-/ready} answers 200. */
  static LocalPrometheus start(Path home) throws Exception {
    String binary = requireBinary("prometheus");
    Path config = home.resolve("prometheus.yml");
    Files.writeString(config, CONFIG);
    int port = freePort();
    Path log = home.resolve("prometheus.log");
    List<String> cmd = new ArrayList<>();
    cmd.add(binary);
    cmd.add("--config.file=" + config);
    cmd.add("--web.listen-address=127.0.0.1:" + port);
    cmd.add("--storage.tsdb.path=" + home.resolve("data"));
    cmd.add("--storage.tsdb.min-block-duration=2h");
    // Unlike the 2h a sidecar wants, so a test can tell which flag was read.
    cmd.add("--storage.tsdb.max-block-duration=6h");
    cmd.add("--web.enable-remote-write-receiver");
    // Remote read frames of one chunk each (Prometheus cuts a frame once a chunk takes it past
    // this many bytes), so that every series with several chunks comes in several frames and the
    // reader must join them.
    cmd.add("--storage.remote.read-max-bytes-in-frame=" + FRAME_BYTES);
    Process p =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    LocalPrometheus prom = new LocalPrometheus(p, port, log);
    try {
      prom.awaitReady(60_000);
    } catch (Exception | AssertionError e) {
      prom.close();
      throw e;
    }
    return prom;
  }

  private void awaitReady(long timeoutMs) throws Exception {
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

  /** Remote-writes {@code req}; fails unless Prometheus answers 2xx. */
  void write(WriteRequest req) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(base + "/api/v1/write"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-protobuf")
            .header("Content-Encoding", "snappy")
            .header("X-Prometheus-Remote-Write-Version", "0.1.0")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(req.toByteArray())))
            .build();
    HttpResponse<String> resp = http.send(r, HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() / 100 != 2) {
      throw new AssertionError("remote write answered " + resp.statusCode() + ": " + resp.body());
    }
  }

  /** GET {@code path} (with its query) and the body; fails unless 200. */
  String get(String pathAndQuery) throws Exception {
    HttpRequest r =
        HttpRequest.newBuilder(URI.create(base + pathAndQuery))
            .timeout(Duration.ofSeconds(30))
            .build();
    HttpResponse<String> resp =
        http.send(r, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (resp.statusCode() != 200) {
      throw new AssertionError(
          pathAndQuery + " answered " + resp.statusCode() + ": " + resp.body());
    }
    return resp.body();
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

  static String requireBinary(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new AssertionError(
        name + " is not installed: `apt-get install -y prometheus` (.ci/run does this)");
  }

  /**
   * A loopback port free now, for a process started later. NOTE: chosen below the kernel's
   * ephemeral range: a port the kernel hands out for port 0 can be given again to an outgoing
   * connection before the child binds it.
   */
  static synchronized int freePort() throws IOException {
    int low = 32_768;
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
      low = Math.max(3_000, Integer.parseInt(range.split("\\s+")[0]));
    } catch (IOException | RuntimeException e) {
      // keep the usual start of the range
    }
    int from = Math.max(1024, Math.min(20_000, low - 2_000));
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int port = from + RANDOM.nextInt(low - from);
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException busy) {
        // taken; try another
      }
    }
    throw new IOException("no free loopback port in [" + from + ", " + low + ")");
  }

  private static final Random RANDOM = new Random();
}
