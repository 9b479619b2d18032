package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/heap-size}, which bin/gateway uses when no heap size is given: run inside real memory
 * cgroups (v1, where this machine has the controller writable) and outside any limit; and the JVM
 * flags bin/gateway then adds, read from a stand-in {@code java} that prints its arguments.
 */
class HeapSizingTest {
  private static final Path SCRIPT = Path.of("..", "bin", "heap-size").toAbsolutePath().normalize();
  private static final Path V1 = Path.of("/sys/fs/cgroup/memory");
  private static final Path GATEWAY = Path.of("..", "bin", "gateway").toAbsolutePath().normalize();

  @TempDir Path tmp;

  /** The JVM arguments bin/gateway passes, with {@code opts} as GATEWAY_JAVA_OPTS. */
  private List<String> gatewayJvmArgs(String opts) throws Exception {
    return gatewayJvmArgs("receive", opts);
  }

  private List<String> gatewayJvmArgs(String role, String opts) throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("jdk/bin"));
    Path java = bin.resolve("java");
    // Answers bin/gateway's version probes like a JDK 17, then prints what it was started with.
    Files.writeString(
        java,
        "#!/bin/sh\n"
            + "case \"$*\" in *-version*) echo 'java.specification.version = 17' >&2; exit 0;; esac\n"
            + "printf '%s\\n' \"$@\"\n");
    java.toFile().setExecutable(true);
    Path jar = Files.writeString(tmp.resolve("gateway.jar"), "");
    ProcessBuilder pb =
        new ProcessBuilder("bash", GATEWAY.toString(), role)
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("JAVA_HOME", tmp.resolve("jdk").toString());
    pb.environment().put("GATEWAY_JAR", jar.toString());
    pb.environment().put("GATEWAY_JAVA_OPTS", opts);
    Process p = pb.start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    return List.of(out.trim().split("\n"));
  }

  @Test
  void withoutAHeapSizeTheGatewayKeepsTheHeapNearWhatIsLive() throws Exception {
    List<String> args = gatewayJvmArgs("");
    String xmx = args.stream().filter(a -> a.startsWith("-Xmx")).findFirst().orElseThrow();
    long heap = Long.parseLong(xmx.replaceAll("\\D", ""));
    assertTrue(
        args.contains("-XX:MaxNewSize=" + Math.min(160, heap / 4) + "m")
            && args.contains("-XX:GCTimeRatio=1")
            && args.contains("-XX:MaxTenuringThreshold=1")
            && args.contains("-XX:MinHeapFreeRatio=10")
            && args.contains("-XX:MaxHeapFreeRatio=20")
            && args.contains("-XX:+ExitOnOutOfMemoryError")
            && args.contains("-XX:+UseG1GC"),
        args.toString());
    assertEquals(List.of("-jar", tmp.resolve("gateway.jar").toString(), "receive"), tail(args, 3));

    // The query role holds nothing for long: objects age as usual, marking starts at 20%.
    List<String> query = gatewayJvmArgs("query", "");
    assertTrue(
        query.contains("-XX:-G1UseAdaptiveIHOP")
            && query.contains("-XX:InitiatingHeapOccupancyPercent=20")
            && query.contains("-XX:GCTimeRatio=1")
            && !query.contains("-XX:MaxTenuringThreshold=1"),
        query.toString());
    assertTrue(
        !args.contains("-XX:-G1UseAdaptiveIHOP")
            && args.stream().noneMatch(a -> a.startsWith("-XX:InitiatingHeapOccupancyPercent")),
        args.toString());

    // A heap size of one's own: the gateway adds no sizing or collector tuning of its own.
    args = gatewayJvmArgs("-Xmx1g");
    assertTrue(args.contains("-Xmx1g"), args.toString());
    assertTrue(
        args.stream().noneMatch(a -> a.startsWith("-XX:MaxNewSize") || a.contains("HeapFreeRatio")),
        args.toString());
    assertEquals(1, args.stream().filter(a -> a.startsWith("-Xmx")).count(), args.toString());
  }

  private static List<String> tail(List<String> l, int n) {
    return l.subList(l.size() - n, l.size());
  }

  /** Output and log of the script, run by a shell that first joins {@code cgroup} (or none). */
  private static String[] run(Path cgroup) throws Exception {
    String join = cgroup == null ? "" : "echo $$ > " + cgroup.resolve("cgroup.procs") + "; ";
    Process p =
        new ProcessBuilder("bash", "-c", join + "exec " + SCRIPT)
            .redirectError(ProcessBuilder.Redirect.PIPE)
            .start();
    assertTrue(p.waitFor(30, TimeUnit.SECONDS));
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertEquals(0, p.exitValue(), err);
    return new String[] {out, err};
  }

  @Test
  void outsideALimitItTakesAtMostThreeQuartersOfRam() throws Exception {
    String[] r = run(null);
    Matcher m = Pattern.compile("-Xmx(\\d+)m").matcher(r[0]);
    assertTrue(m.matches(), r[0]);
    long ramMib = 0;
    for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
      if (line.startsWith("MemTotal:")) {
        ramMib = Long.parseLong(line.replaceAll("\\D", "")) / 1024;
      }
    }
    long heap = Long.parseLong(m.group(1));
    assertTrue(heap >= 128 && heap <= ramMib * 3 / 4, heap + " MiB of " + ramMib);
    assertTrue(r[1].contains("msg=\"heap sized from the memory limit\""), r[1]);
  }

  @Test
  void inACgroupItLeavesRoomBesideTheHeap() throws Exception {
    Assumptions.assumeTrue(
        Files.isDirectory(V1) && Files.isWritable(V1),
        "cgroup v1 memory controller not writable here (" + V1 + "): not checked");
    Path cg = V1.resolve("rwgateway-heap-test-" + ProcessHandle.current().pid());
    Files.createDirectories(cg);
    try {
      long[][] cases = {{1536, 1152}, {512, 312}, {300, 128}, {8192, 6144}};
      for (long[] c : cases) {
        Files.writeString(cg.resolve("memory.limit_in_bytes"), Long.toString(c[0] << 20));
        String[] r = run(cg);
        assertEquals("-Xmx" + c[1] + "m", r[0], "limit " + c[0] + " MiB: " + r[1]);
        assertTrue(
            r[1].contains("source=\"cgroup " + cg + "/memory.limit_in_bytes\"")
                && r[1].contains("limit_mib=" + c[0]),
            r[1]);
      }
    } finally {
      Files.deleteIfExists(cg);
    }
  }
}
