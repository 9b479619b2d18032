package io.rwgateway.perf.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a local receiver's CPU time and memory from /proc at the exact start and end of the timed
 * run ({@code --receiver-pid}), so warm-up before and verification after do not count.
 */
final class ReceiverProbe {
  /**
   * USER_HZ, the unit of utime/stime in /proc/PID/stat: 100 on every Linux/x86-64 and arm64 kernel.
   */
  private static final double TICKS_PER_SECOND = 100;

  private final int pid;

  ReceiverProbe(int pid) {
    this.pid = pid;
  }

  /** utime + stime of the process, all threads, in seconds. */
  double cpuSeconds() throws IOException {
    String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
    // The command name may hold spaces; the fields after it are space-separated.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
  }

  /** A /proc/PID/status field in bytes (VmHWM: peak resident set; VmRSS: current). */
  long statusBytes(String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status"))) {
      if (line.startsWith(field + ":")) {
        String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
        return Long.parseLong(parts[0]) * 1024;
      }
    }
    throw new IOException("no " + field + " in /proc/" + pid + "/status");
  }
}
