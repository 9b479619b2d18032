package io.rwgateway.tsdb.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Labels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writer refuses what would make an invalid index; the reader refuses damaged files. */
class IndexValidationTest {
  @TempDir Path dir;

  private static final List<ChunkMeta> ONE = List.of(new ChunkMeta(8, 0, 10));

  private IndexWriter writer() throws IOException {
    IndexWriter w = new IndexWriter(dir.resolve("index"));
    w.addSymbols(new TreeSet<>(List.of("a", "b", "c")));
    return w;
  }

  @Test
  void seriesOutOfOrderOrRepeatedIsRejected() throws IOException {
    try (IndexWriter w = writer()) {
      w.addSeries(Labels.of("a", "c"), ONE);
      assertThrows(IllegalArgumentException.class, () -> w.addSeries(Labels.of("a", "b"), ONE));
      assertThrows(IllegalArgumentException.class, () -> w.addSeries(Labels.of("a", "c"), ONE));
      w.addSeries(Labels.of("a", "c", "b", "a"), ONE); // longer set after its prefix: fine
    }
  }

  @Test
  void unknownSymbolIsRejected() throws IOException {
    try (IndexWriter w = writer()) {
      assertThrows(IllegalArgumentException.class, () -> w.addSeries(Labels.of("a", "zzz"), ONE));
    }
  }

  @Test
  void overlappingOrInvertedChunksAreRejected() throws IOException {
    try (IndexWriter w = writer()) {
      assertThrows(
          IllegalArgumentException.class,
          () ->
              w.addSeries(
                  Labels.of("a", "b"),
                  List.of(new ChunkMeta(8, 0, 10), new ChunkMeta(20, 10, 20))));
      assertThrows(
          IllegalArgumentException.class,
          () -> w.addSeries(Labels.of("a", "b"), List.of(new ChunkMeta(8, 10, 5))));
      assertThrows(
          IllegalArgumentException.class,
          () ->
              w.addSeries(
                  Labels.of("a", "b"),
                  List.of(new ChunkMeta(20, 0, 10), new ChunkMeta(8, 11, 20))));
    }
  }

  @Test
  void seriesBeforeSymbolsIsRejected() throws IOException {
    try (IndexWriter w = new IndexWriter(dir.resolve("index"))) {
      assertThrows(IllegalStateException.class, () -> w.addSeries(Labels.of("a", "b"), ONE));
    }
  }

  private Path validIndex() throws IOException {
    Path f = dir.resolve("good");
    IndexRoundTripTest.write(
        f,
        Map.of(
            Labels.of("__name__", "up", "job", "x"),
            ONE,
            Labels.of("__name__", "up", "job", "y"),
            List.of(new ChunkMeta(40, 0, 10))));
    return f;
  }

  @Test
  void everyFlippedByteIsDetectedOrHarmless() throws IOException {
    Path good = validIndex();
    byte[] b = Files.readAllBytes(good);
    int detected = 0;
    for (int i = 0; i < b.length; i++) {
      byte[] bad = b.clone();
      bad[i] ^= 0x01;
      Path f = dir.resolve("bad");
      Files.write(f, bad);
      try (IndexReader r = IndexReader.open(f)) {
        // Only padding bytes (zeros the format skips) may change without notice; the reader
        // must then still answer exactly as for the good file.
        assertEquals(0, b[i], "undetected change at offset " + i);
        assertEquals(2, r.postings("", "").length);
      } catch (IndexFormatException e) {
        assertEquals(f, e.file());
        assertTrue(e.offset() >= 0 && e.offset() <= b.length, e.getMessage());
        detected++;
      }
    }
    assertTrue(detected > b.length / 2, "detected " + detected + " of " + b.length);
  }

  @Test
  void truncatedAndForeignFilesAreRefused() throws IOException {
    byte[] b = Files.readAllBytes(validIndex());
    Path f = dir.resolve("bad");
    Files.write(f, Arrays.copyOf(b, b.length - 1));
    assertThrows(IndexFormatException.class, () -> IndexReader.open(f));
    Files.write(f, new byte[] {1, 2, 3});
    assertThrows(IndexFormatException.class, () -> IndexReader.open(f));
    byte[] v1 = b.clone();
    v1[4] = 1;
    Files.write(f, v1);
    IndexFormatException e = assertThrows(IndexFormatException.class, () -> IndexReader.open(f));
    assertTrue(e.getMessage().contains("version"), e.getMessage());
  }
}
