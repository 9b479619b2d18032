package io.rwgateway.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Starting real processes for tests: a gateway in its own JVM, Prometheus, free ports. */
final class ExternalProcess {
  private ExternalProcess() {}

  /**
   * A loopback port that is free now, for a process started later. NOTE: taken below the kernel's
   * ephemeral range, never from it: a port the kernel hands out for port 0 can be given again to
   * any outgoing connection before the child process binds it (seen in CI as "Address already in
   * use"); below the range only explicit binds compete, and this JVM never hands a port out twice.
   */
  static synchronized int freePort() {
    int low = ephemeralLow();
    int from = Math.max(1024, Math.min(20_000, low - 2_000));
    for (int attempt = 0; attempt < 1_000; attempt++) {
      int port = from + RANDOM.nextInt(low - from);
      if (!HANDED_OUT.add(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      } catch (IOException busy) {
        // taken by something else; try another
      }
    }
    throw new UncheckedIOException(
        new IOException("no free loopback port in [" + from + ", " + low + ")"));
  }

  private static final Random RANDOM = new Random();
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  /** Start of the kernel's ephemeral port range (32768 when it cannot be read). */
  private static int ephemeralLow() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
      int low = Integer.parseInt(range.split("\\s+")[0]);
      return low > 3_000 ? low : 32_768;
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }

  /** The path of a binary on PATH; fails the test with a hint when it is missing. */
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
   * A gateway in a new JVM with this JVM's classpath and Chronicle flags; output to {@code log}.
   */
  static Process startGateway(Path log, String... args) throws IOException {
    return startGateway(log, List.of(), args);
  }

  /** The same with extra JVM arguments (for example {@code -Drwgateway.crash-at=...}). */
  static Process startGateway(Path log, List<String> jvmArgs, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (a.startsWith("--add-opens")
          || a.startsWith("--add-exports")
          || a.startsWith("--enable-native-access")
          || a.startsWith("--sun-misc")
          || a.startsWith("-Dchronicle")) {
        cmd.add(a);
      }
    }
    cmd.add("-Xmx512m");
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
        .start();
  }

  static void waitReady(RemoteWriteClient client, Process p, Path log, long timeoutMs)
      throws Exception {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      if (!p.isAlive()) {
        throw new AssertionError(
            "gateway exited with " + p.exitValue() + ":\n" + Files.readString(log));
      }
      try {
        if (client.get("/-/ready", Map.of()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "gateway not ready after " + timeoutMs + " ms:\n" + Files.readString(log));
  }
}
