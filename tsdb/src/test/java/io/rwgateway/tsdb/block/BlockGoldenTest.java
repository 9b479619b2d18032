package io.rwgateway.tsdb.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.Querier;
import io.rwgateway.tsdb.SeriesData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens the block written by the real Prometheus 2.42 (golden/prometheus-2.42/README.txt) with
 * {@link Block} and reads every series and sample: against what the README's generator wrote, and
 * against {@code promtool tsdb dump} of the same block.
 */
class BlockGoldenTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final long STEP = 15_000L;
  private static final long MIN = Long.MIN_VALUE;
  private static final long MAX = Long.MAX_VALUE;
  private static final Labels ROOM_A = Labels.of("__name__", "temp", "room", "a");
  private static final Labels ROOM_B = Labels.of("__name__", "temp", "room", "b");
  private static final Labels ROOM_ETE = Labels.of("__name__", "temp", "room", "\u00e9t\u00e9");
  private static final Labels UP =
      Labels.of("__name__", "up", "instance", "localhost:9090", "job", "prometheus");
  private static final Matcher ROOM_A_MATCHER = Matcher.eq("room", "a");

  @TempDir Path dir;

  private static Path goldenBlock() throws Exception {
    return IndexGoldenTest.goldenIndex().getParent();
  }

  /**
   * The README's gen.py: temp rooms a (150), b (20), été (20) at 20 + (i % 7) * 0.5; up = 1 (20).
   */
  private static List<String> generated() {
    List<String> out = new ArrayList<>();
    for (Labels room : List.of(ROOM_A, ROOM_B, ROOM_ETE)) {
      int n = room == ROOM_A ? 150 : 20;
      for (int i = 0; i < n; i++) {
        out.add(room + " " + (20 + (i % 7) * 0.5) + " " + (T0 + STEP * i));
      }
    }
    for (int i = 0; i < 20; i++) {
      out.add(UP + " " + 1.0 + " " + (T0 + STEP * i));
    }
    return out;
  }

  private static List<String> lines(List<SeriesData> data) {
    List<String> out = new ArrayList<>();
    for (SeriesData d : data) {
      for (int i = 0; i < d.sampleCount(); i++) {
        out.add(d.labels() + " " + d.sampleV()[i] + " " + d.sampleT()[i]);
      }
    }
    return out;
  }

  private static List<Matcher[]> sel(Matcher... m) {
    return List.<Matcher[]>of(m);
  }

  @Test
  void readsEverySeriesAndSampleThatPrometheusWrote() throws Exception {
    try (Block block = Block.open(goldenBlock())) {
      assertEquals("01M87SMJPT7VGRSG54W3XHVP81", block.ulid());
      assertEquals(T0, block.minTime());
      assertEquals(T0 + 149 * STEP + 1, block.maxTime());
      assertEquals(210, block.meta().numSamples());
      Querier q = block.querier();

      List<String> all = lines(q.select(new Matcher[0], MIN, MAX));
      assertEquals(210, all.size());
      BlockTestData.assertSameSamples(generated(), all, "golden block");
      assertEquals(List.of(ROOM_A, ROOM_B, ROOM_ETE, UP), q.series(List.of(), MIN, MAX));
      assertEquals(
          List.of("__name__", "instance", "job", "room"), q.labelNames(List.of(), MIN, MAX));
      assertEquals(List.of("a", "b", "\u00e9t\u00e9"), q.labelValues("room", List.of(), MIN, MAX));
      assertEquals(0, block.skippedChunks());
    }
  }

  @Test
  void matchersAndTimeRangesOnThePrometheusBlock() throws Exception {
    try (Block block = Block.open(goldenBlock())) {
      Querier q = block.querier();
      assertEquals(
          List.of(ROOM_ETE),
          q.series(sel(new Matcher(Matcher.Type.RE, "room", "\u00e9.*")), MIN, MAX));
      assertEquals(
          List.of(UP), q.series(sel(new Matcher(Matcher.Type.NEQ, "__name__", "temp")), MIN, MAX));
      assertEquals(
          List.of(UP),
          q.series(sel(Matcher.eq("room", "")), MIN, MAX),
          "no room label matches room=\"\"");
      assertEquals(
          List.of(ROOM_B, ROOM_ETE, UP),
          q.series(sel(new Matcher(Matcher.Type.NRE, "room", "a")), MIN, MAX));
      assertEquals(
          List.of("__name__", "instance", "job"),
          q.labelNames(sel(Matcher.eq("job", "prometheus")), MIN, MAX));

      // room="a": chunk 1 holds samples 0..142, chunk 2 holds 143..149; a range across the cut.
      List<SeriesData> d =
          q.select(new Matcher[] {ROOM_A_MATCHER}, T0 + 141 * STEP, T0 + 144 * STEP);
      assertEquals(1, d.size());
      assertEquals(
          List.of(T0 + 141 * STEP, T0 + 142 * STEP, T0 + 143 * STEP, T0 + 144 * STEP),
          Arrays.stream(d.get(0).sampleT()).boxed().toList());
      // After the other series end (sample 19), only room="a" is left.
      assertEquals(List.of(ROOM_A), q.series(List.of(), T0 + 20 * STEP, MAX));
      assertEquals(List.of("a"), q.labelValues("room", List.of(), T0 + 20 * STEP, MAX));
      // maxTime is exclusive; the last sample sits at maxTime - 1.
      assertEquals(List.of(), q.select(new Matcher[0], block.maxTime(), MAX));
      assertEquals(List.of(), q.series(List.of(), MIN, T0 - 1));
      assertEquals(List.of(), q.labelNames(List.of(), block.maxTime(), MAX));
      assertEquals(1, q.select(new Matcher[0], block.maxTime() - 1, MAX).get(0).sampleCount());
      assertEquals(4, q.select(new Matcher[0], T0, T0).size());
      assertEquals(
          List.of(), q.select(new Matcher[0], T0 + 1, T0 + STEP - 1), "between two samples");
    }
  }

  @Test
  void agreesWithPromtoolDumpOfTheSameBlock() throws Exception {
    Path promtool = ExternalTools.find("promtool");
    // promtool opens the directory as a database and may create files in it: work on a copy.
    Path db = dir.resolve("db");
    Path copy = db.resolve(goldenBlock().getFileName());
    try (Stream<Path> files = Files.walk(goldenBlock())) {
      for (Path p : files.toList()) {
        Path dst = copy.resolve(goldenBlock().relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dst);
        } else {
          Files.copy(p, dst);
        }
      }
    }
    Files.createDirectories(
        db.resolve("wal")); // promtool 2.42 insists on a WAL directory, even empty
    ExternalTools.Result dump =
        ExternalTools.run(dir, 120, promtool.toString(), "tsdb", "dump", db.toString());
    assertEquals(0, dump.exit(), dump.out());
    List<String> expected = new ArrayList<>();
    for (String line : dump.out().split("\n")) {
      if (line.startsWith("{")) {
        int ts = line.lastIndexOf(' ');
        int val = line.lastIndexOf(' ', ts - 1);
        expected.add(
            line.substring(0, val)
                + " "
                + Double.parseDouble(line.substring(val + 1, ts))
                + " "
                + line.substring(ts + 1));
      }
    }
    assertEquals(210, expected.size(), dump.out());
    try (Block block = Block.open(copy)) {
      List<String> ours = lines(block.querier().select(new Matcher[0], MIN, MAX));
      BlockTestData.assertSameSamples(expected, ours, "promtool tsdb dump vs Block");
      assertTrue(ours.get(0).startsWith("{__name__=\"temp\", room=\"a\"} 20.0 " + T0), ours.get(0));
    }
  }
}
