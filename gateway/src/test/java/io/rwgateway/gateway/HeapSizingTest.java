package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/heap-size}, which bin/gateway uses when no heap size is given: run inside real memory
 * cgroups (v1, where this machine has the controller writable) and outside any limit.
 */
class HeapSizingTest {
  private static final Path SCRIPT = Path.of("..", "bin", "heap-size").toAbsolutePath().normalize();
  private static final Path V1 = Path.of("/sys/fs/cgroup/memory");

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
