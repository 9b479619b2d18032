package io.rwgateway.tsdb.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rwgateway.model.Labels;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads the index of a block written by the real Prometheus 2.42 (promtool create-blocks-from
 * openmetrics; see golden/prometheus-2.42/README.txt for the input), and checks that our writer,
 * given the same series and chunk metas, produces the very same bytes.
 */
class IndexGoldenTest {
  @TempDir Path dir;

  private static final long T0 = 1_700_000_000_000L;
  private static final long STEP = 15_000L;

  static Path goldenIndex() throws IOException, URISyntaxException {
    Path root = Path.of(IndexGoldenTest.class.getResource("/golden/prometheus-2.42").toURI());
    try (Stream<Path> s = Files.list(root)) {
      Path block = s.filter(Files::isDirectory).findFirst().orElseThrow();
      return block.resolve("index");
    }
  }

  @Test
  void readsSeriesPostingsAndChunkMetasOfAPrometheusIndex() throws Exception {
    try (IndexReader r = IndexReader.open(goldenIndex())) {
      assertEquals(List.of("__name__", "instance", "job", "room"), r.labelNames());
      assertEquals(List.of("temp", "up"), r.labelValues("__name__"));
      assertEquals(List.of("a", "b", "\u00e9t\u00e9"), r.labelValues("room"));
      assertEquals(List.of("localhost:9090"), r.labelValues("instance"));

      long[] all = r.postings("", "");
      assertEquals(4, all.length);
      List<Labels> labels = new ArrayList<>();
      for (long ref : all) {
        labels.add(r.seriesLabels(ref));
      }
      assertEquals(
          List.of(
              Labels.of("__name__", "temp", "room", "a"),
              Labels.of("__name__", "temp", "room", "b"),
              Labels.of("__name__", "temp", "room", "\u00e9t\u00e9"),
              Labels.of("__name__", "up", "instance", "localhost:9090", "job", "prometheus")),
          labels);
      long[] temp = r.postings("__name__", "temp");
      assertArrayEquals(new long[] {all[0], all[1], all[2]}, temp);
      assertArrayEquals(new long[] {all[2]}, r.postings("room", "\u00e9t\u00e9"));
      assertArrayEquals(new long[] {all[3]}, r.postings("job", "prometheus"));

      // room="a" has 150 samples. Prometheus 2.42 does not cut at exactly 120: it spreads a
      // series' samples evenly over the chunks it expects before the range ends (143 + 7 here).
      assertEquals(
          List.of(
              new ChunkMeta(8, T0, T0 + 142 * STEP),
              new ChunkMeta(143, T0 + 143 * STEP, T0 + 149 * STEP)),
          r.seriesChunks(all[0]));
      long[] refs = {173, 215, 257};
      for (int i = 1; i < 4; i++) {
        assertEquals(
            List.of(new ChunkMeta(refs[i - 1], T0, T0 + 19 * STEP)), r.seriesChunks(all[i]));
      }
      // The empty string is a symbol in Prometheus-written indexes (from the all-postings key).
      assertEquals("", r.symbols().get(0));
    }
  }

  @Test
  void ourWriterReproducesThePrometheusIndexByteForByte() throws Exception {
    Path golden = goldenIndex();
    Path ours = dir.resolve("index");
    try (IndexReader r = IndexReader.open(golden);
        IndexWriter w = new IndexWriter(ours)) {
      w.addSymbols(new TreeSet<>(r.symbols()));
      for (long ref : r.postings("", "")) {
        w.addSeries(r.seriesLabels(ref), r.seriesChunks(ref));
      }
    }
    assertArrayEquals(Files.readAllBytes(golden), Files.readAllBytes(ours));
  }
}
