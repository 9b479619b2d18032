package io.rwgateway.tsdb.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.db.TenantDb;
import io.rwgateway.tsdb.db.Tsdb;
import io.rwgateway.tsdb.db.TsdbOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Blocks written from a real tenant head, read back by the real promtool (Prometheus 2.42). */
class BlockPromtoolTest {
  private static final long BLOCK_MIN = 1_732_456_800_000L; // 2024-11-24T14:00Z, 2h aligned
  private static final long BLOCK_MAX = BLOCK_MIN + 2 * BlockTestData.HOUR;

  @TempDir Path dir;

  @Test
  void promtoolAnalyzesTheBlockAndDumpsExactlyTheWrittenSamples() throws Exception {
    Path promtool = ExternalTools.find("promtool");
    Path blocks = dir.resolve("blocks");
    Path block;
    BlockTestData data;
    try (Tsdb db =
        Tsdb.open(
            TsdbOptions.defaults(dir.resolve("data"))
                .withExternalLabels(Labels.of("cluster", "eu1")),
            null)) {
      TenantDb tenant = db.tenant("team-a");
      data = BlockTestData.mixed(tenant, BLOCK_MIN, BLOCK_MAX);
      block = BlockTestData.cutAndCopy(tenant, BLOCK_MIN, BLOCK_MAX, blocks);
    }
    String ulid = block.getFileName().toString();
    assertTrue(data.expected.size() >= 7, "test data covers regular, special and sparse series");

    ExternalTools.Result analyze =
        ExternalTools.run(
            dir, 120, promtool.toString(), "tsdb", "analyze", blocks.toString(), ulid);
    assertEquals(0, analyze.exit(), analyze.out());
    assertTrue(analyze.out().contains("Block ID: " + ulid), analyze.out());
    // Newer promtool versions say "Total Series"; 2.42 says "Series" (from meta.json).
    assertTrue(
        analyze.out().matches("(?s).*\n(Total )?Series: " + data.expected.size() + "\n.*"),
        analyze.out());
    assertTrue(analyze.out().contains("Duration: 2h0m0s"), analyze.out());
    // These come from the index: label names and the postings of __name__.
    TreeSet<String> names = new TreeSet<>();
    data.expected.keySet().forEach(l -> l.forEach((n, v) -> names.add(n)));
    assertTrue(analyze.out().contains("\nLabel names: " + names.size() + "\n"), analyze.out());
    assertTrue(analyze.out().contains("\n5 rw_block_test\n"), analyze.out());

    ExternalTools.Result dump =
        ExternalTools.run(
            dir,
            120,
            promtool.toString(),
            "tsdb",
            "dump",
            "--min-time=" + BLOCK_MIN,
            "--max-time=" + (BLOCK_MAX - 1),
            blocks.toString());
    assertEquals(0, dump.exit(), dump.out());
    List<String> actual = new ArrayList<>();
    for (String line : dump.out().split("\n")) {
      if (line.startsWith("{")) {
        actual.add(canonicalDumpLine(line));
      }
    }
    List<String> expected = new ArrayList<>();
    for (Map.Entry<Labels, List<BlockTestData.Sample>> e : data.expected.entrySet()) {
      for (BlockTestData.Sample s : e.getValue()) {
        expected.add(e.getKey() + " " + canonical(s.v()) + " " + s.t());
      }
    }
    assertEquals(data.expectedSamples(), expected.size());
    BlockTestData.assertSameSamples(expected, actual, "promtool tsdb dump");

    // The block directory is complete and nothing temporary is left beside it.
    try (var entries = Files.list(blocks)) {
      assertEquals(
          List.of(ulid),
          entries
              .map(p -> p.getFileName().toString())
              .filter(n -> !n.equals("wal") && !n.equals("chunks_head") && !n.equals("lock"))
              .toList());
    }
  }

  /** promtool prints {@code {labels} value timestamp}, the value with Go's %g. */
  private static String canonicalDumpLine(String line) {
    int ts = line.lastIndexOf(' ');
    int val = line.lastIndexOf(' ', ts - 1);
    String v = line.substring(val + 1, ts);
    double d;
    switch (v) {
      case "NaN":
        d = Double.NaN;
        break;
      case "+Inf":
        d = Double.POSITIVE_INFINITY;
        break;
      case "-Inf":
        d = Double.NEGATIVE_INFINITY;
        break;
      default:
        d = Double.parseDouble(v);
    }
    return line.substring(0, val) + " " + canonical(d) + " " + line.substring(ts + 1);
  }

  /** Every NaN alike: promtool prints the staleness marker and other NaNs all as NaN. */
  private static String canonical(double v) {
    return Double.isNaN(v) ? "NaN" : Double.toString(v);
  }
}
