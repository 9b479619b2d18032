package io.rwgateway.tsdb.block;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real Prometheus tools our blocks must satisfy. Tests that use them fail (never skip) when
 * they are missing: a skipped check would let a format regression through unnoticed.
 */
final class ExternalTools {
  private static final String HINT =
      " not found on PATH; install Debian's prometheus package "
          + "(apt-get install -y prometheus), which provides promtool and prometheus 2.42";

  private ExternalTools() {}

  static Path find(String name) {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    for (String dir : List.of("/usr/bin", "/usr/local/bin", "/bin")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return fail(name + HINT);
  }

  record Result(int exit, String out) {}

  /** Runs a command to completion (stdout and stderr merged), killing it after {@code seconds}. */
  static Result run(Path workDir, long seconds, String... cmd)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(workDir, "cmd", ".out");
    Process p =
        new ProcessBuilder(cmd)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        fail("timed out after " + seconds + " s: " + String.join(" ", cmd) + "\n" + read(log));
      }
      return new Result(p.exitValue(), read(log));
    } finally {
      stop(p);
      Files.deleteIfExists(log);
    }
  }

  /** Stops a process we started: SIGTERM, then SIGKILL if it lingers. */
  static void stop(Process p) throws InterruptedException {
    if (!p.isAlive()) {
      return;
    }
    p.destroy();
    if (!p.waitFor(15, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(15, TimeUnit.SECONDS);
    }
  }

  static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }
}
