package io.rwgateway.tsdb.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.layout.BlockLayout;
import io.rwgateway.tsdb.layout.BlockSeries;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real checker: promtool 2.42 must read a block whose index we wrote, with label values whose
 * UTF-8 order differs from Java's (Prometheus binary-searches symbols and postings by bytes).
 */
class IndexPromtoolTest {
  @TempDir Path dir;

  static final long T0 = 1_700_000_000_000L;

  static String promtool() {
    for (String p : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(p, "promtool");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    fail(
        "promtool not found on PATH: install Debian's prometheus package (apt-get install -y prometheus)");
    return null;
  }

  static String run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timeout: " + String.join(" ", cmd));
    String text = new String(out, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + text);
    return text;
  }

  /** Go's %g for the small values we write: integers without a point, others shortest. */
  private static String goFloat(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private static List<String> first(TreeSet<String> s) {
    return s.stream().limit(3).toList();
  }

  @Test
  void promtoolAnalyzesAndDumpsABlockWithOurIndex() throws Exception {
    String promtool = promtool();
    // Values in U+E000..U+FFFF and beyond U+FFFF sort differently in Java and in Go.
    String[] rooms = {"a", "b", "\u00e9t\u00e9", "\uFF21", "\uD83D\uDE00", "z z"};
    List<BlockSeries> series = new ArrayList<>();
    TreeSet<String> expected = new TreeSet<>();
    int perSeries = 250; // three chunks: 120 + 120 + 10
    // Metric names too: analyze looks up the postings of every __name__ value, which Prometheus
    // finds by comparing bytes, so a symbol table in Java order would make it miss some.
    for (String metric : new String[] {"temp", "up", "\uFF21", "\uD83D\uDE00"}) {
      for (String room : rooms) {
        Labels l = Labels.of("__name__", metric, "room", room, "job", "j");
        long[] t = new long[perSeries];
        long[] v = new long[perSeries];
        for (int i = 0; i < perSeries; i++) {
          t[i] = T0 + 15_000L * i;
          double x = (i % 40) * 0.5;
          v[i] = Double.doubleToRawLongBits(x);
          expected.add(l + " " + goFloat(x) + " " + t[i]);
        }
        series.add(BlockSeries.encode(l, t, v, perSeries));
      }
    }
    series.sort((x, y) -> LabelOrder.compareLabels(x.labels(), y.labels()));
    long blockMin = T0 - T0 % 7_200_000L;
    Path block =
        BlockWriter.write(dir, blockMin, blockMin + 7_200_000L, series, Labels.EMPTY, "t1");
    String ulid = block.getFileName().toString();

    String analyze = run(promtool, "tsdb", "analyze", dir.toString(), ulid);
    assertTrue(Pattern.compile("(?m)^(Total )?Series: 24$").matcher(analyze).find(), analyze);
    assertTrue(analyze.contains("Label names: 3"), analyze);
    // 4 names + 6 rooms + 1 job, and 24 series x 3 labels.
    assertTrue(analyze.contains("Postings (unique label pairs): 11"), analyze);
    assertTrue(analyze.contains("Postings entries (total label pairs): 72"), analyze);
    String names = analyze.substring(analyze.indexOf("Highest cardinality metric names:"));
    for (String metric : new String[] {"temp", "up", "\uFF21", "\uD83D\uDE00"}) {
      assertTrue(names.contains("\n6 " + metric + "\n") || names.endsWith("\n6 " + metric), names);
    }

    // promtool 2.42's dump opens the directory as a read-only DB, which insists on a wal/ dir.
    Files.createDirectories(dir.resolve("wal"));
    String dump =
        run(
            promtool,
            "tsdb",
            "dump",
            "--min-time=" + (T0 - 1),
            "--max-time=" + (T0 + 86_400_000L),
            dir.toString());
    TreeSet<String> got = new TreeSet<>();
    for (String line : dump.split("\n")) {
      if (line.startsWith("{")) {
        got.add(line);
      }
    }
    TreeSet<String> missing = new TreeSet<>(expected);
    missing.removeAll(got);
    TreeSet<String> extra = new TreeSet<>(got);
    extra.removeAll(expected);
    assertTrue(
        missing.isEmpty() && extra.isEmpty(),
        missing.size()
            + " samples missing from promtool dump, "
            + extra.size()
            + " unexpected; first missing: "
            + first(missing)
            + "; first unexpected: "
            + first(extra)
            + "\ndump output starts:\n"
            + dump.substring(0, Math.min(dump.length(), 2000)));

    try (IndexReader r = IndexReader.open(block.resolve(BlockLayout.INDEX_FILE))) {
      assertEquals(List.of("__name__", "job", "room"), r.labelNames());
      List<String> roomsInFile = r.labelValues("room");
      for (int i = 1; i < roomsInFile.size(); i++) {
        assertTrue(
            LabelOrder.compareUtf8(roomsInFile.get(i - 1), roomsInFile.get(i)) < 0,
            roomsInFile.toString());
      }
      long[] smile = r.postings("room", "\uD83D\uDE00");
      assertEquals(4, smile.length);
      assertEquals(3, r.seriesChunks(smile[0]).size());
      assertArrayEquals(r.postings("", ""), r.postings("job", "j"));
    }
  }
}
