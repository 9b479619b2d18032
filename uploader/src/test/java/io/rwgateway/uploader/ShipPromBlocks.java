package io.rwgateway.uploader;

import io.rwgateway.tsdb.layout.BlockMeta;
import io.rwgateway.tsdb.layout.Ulid;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Real Prometheus 2.42 blocks for the sidecar's tests: promtool's backfill ({@code promtool tsdb
 * create-blocks-from openmetrics}, from the Debian {@code prometheus} package, which the build
 * machine installs; a test fails, not skips, without it), and the checked-in compacted block that a
 * real Prometheus made (src/test/resources/prometheus-2.42/README.md).
 */
final class ShipPromBlocks {
  static final long HOUR = 3_600_000L;

  /** 2023-11-14T18:00:00Z: aligned to 2 h and to 6 h, as Prometheus' block ranges are. */
  static final long T0 = 1_700_000_000_000L / (6 * HOUR) * (6 * HOUR);

  private ShipPromBlocks() {}

  /** Three gauge series with a sample every 60 s in [fromMs, toMs), as OpenMetrics text. */
  static String openMetrics(long fromMs, long toMs) {
    StringBuilder sb = new StringBuilder("# HELP sidecar_test A test gauge.\n");
    sb.append("# TYPE sidecar_test gauge\n");
    for (int s = 0; s < 3; s++) {
      for (long t = fromMs; t < toMs; t += 60_000L) {
        sb.append("sidecar_test{instance=\"i")
            .append(s)
            .append("\"} ")
            .append(s * 1000 + (t - fromMs) / 60_000L)
            .append(' ')
            .append(t / 1000)
            .append('.')
            .append(String.format("%03d", t % 1000))
            .append('\n');
      }
    }
    return sb.append("# EOF\n").toString();
  }

  /**
   * Backfills [fromMs, toMs) into {@code dataDir} with promtool (2 h blocks) and returns the blocks
   * it made, oldest first.
   */
  static List<Path> promtool(Path dataDir, long fromMs, long toMs) throws IOException {
    Files.createDirectories(dataDir);
    Set<Path> before = Set.copyOf(blocks(dataDir));
    Path input = Files.createTempFile(dataDir.getParent(), "openmetrics-", ".txt");
    Files.writeString(input, openMetrics(fromMs, toMs), StandardCharsets.UTF_8);
    List<String> cmd =
        List.of(
            "promtool",
            "tsdb",
            "create-blocks-from",
            "openmetrics",
            input.toString(),
            dataDir.toString());
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError(
          "promtool is needed to make real Prometheus blocks (Debian: apt-get install -y prometheus,"
              + " version 2.42): "
              + e,
          e);
    }
    String out;
    try {
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("promtool did not finish in 60 s: " + cmd);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new AssertionError("interrupted", e);
    }
    if (p.exitValue() != 0) {
      throw new AssertionError("promtool failed (" + p.exitValue() + "): " + cmd + "\n" + out);
    }
    Files.delete(input);
    List<Path> made = new ArrayList<>();
    for (Path b : blocks(dataDir)) {
      if (!before.contains(b)) {
        made.add(b);
      }
    }
    return made;
  }

  /** The finished blocks of {@code dataDir} (ULID directories with meta.json), oldest first. */
  static List<Path> blocks(Path dataDir) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(dataDir)) {
      return out;
    }
    try (Stream<Path> entries = Files.list(dataDir)) {
      entries
          .filter(d -> Ulid.isValid(d.getFileName().toString()))
          .filter(d -> Files.exists(d.resolve(BlockMeta.FILENAME)))
          .forEach(out::add);
    }
    out.sort(Comparator.comparingLong((Path d) -> meta(d).minTime()).thenComparing(Path::toString));
    return out;
  }

  static BlockMeta meta(Path blockDir) {
    try {
      return BlockMeta.read(blockDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String ulid(Path blockDir) {
    return blockDir.getFileName().toString();
  }

  /**
   * The checked-in fixture {@code prometheus-2.42/<name>} copied into {@code dataDir}: its block
   * directories become blocks of {@code dataDir}.
   */
  static List<Path> fixture(String name, Path dataDir) throws IOException {
    URL url = ShipPromBlocks.class.getResource("/prometheus-2.42/" + name);
    if (url == null) {
      throw new AssertionError("missing test resource prometheus-2.42/" + name);
    }
    Path from;
    try {
      from = Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new AssertionError(e);
    }
    Files.createDirectories(dataDir);
    List<Path> out = new ArrayList<>();
    try (Stream<Path> entries = Files.list(from)) {
      for (Path b : entries.sorted().toList()) {
        Path dst = dataDir.resolve(b.getFileName().toString());
        copyTree(b, dst);
        out.add(dst);
      }
    }
    out.sort(Comparator.comparingLong((Path d) -> meta(d).minTime()).thenComparing(Path::toString));
    return out;
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) {
        Path dst = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dst);
        } else {
          Files.copy(p, dst);
        }
      }
    }
  }

  /**
   * Every regular file under {@code dir} (relative path) with its size, modification time and
   * SHA-256, for "nothing of Prometheus' changed" assertions; {@code except} names top-level
   * entries left out (the shipper's own state file and staging directory).
   */
  static TreeMap<String, String> snapshot(Path dir, String... except) throws IOException {
    Set<String> skip = Set.of(except);
    TreeMap<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.toList()) {
        Path rel = dir.relativize(p);
        if (!Files.isRegularFile(p)
            || rel.getNameCount() == 0
            || skip.contains(rel.getName(0).toString())) {
          continue;
        }
        out.put(
            rel.toString(),
            Files.size(p)
                + " "
                + Files.getLastModifiedTime(p)
                + " "
                + sha256(Files.readAllBytes(p)));
      }
    }
    return out;
  }

  private static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
