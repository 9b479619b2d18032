package io.rwgateway.tsdb.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexRoundTripTest {
  @TempDir Path dir;

  /** Writes the series (sorted here) with symbols in Java's natural order, as callers may. */
  static void write(Path file, Map<Labels, List<ChunkMeta>> series) throws IOException {
    TreeSet<String> symbols = new TreeSet<>();
    series
        .keySet()
        .forEach(
            l ->
                l.forEach(
                    (n, v) -> {
                      symbols.add(n);
                      symbols.add(v);
                    }));
    List<Labels> sorted = new ArrayList<>(series.keySet());
    sorted.sort(LabelOrder.LABELS);
    try (IndexWriter w = new IndexWriter(file)) {
      w.addSymbols(symbols);
      for (Labels l : sorted) {
        w.addSeries(l, series.get(l));
      }
    }
  }

  @Test
  void smallestIndexHasTheBytesTheFormatPageDescribes() throws IOException {
    Path f = dir.resolve("index");
    write(f, Map.of(Labels.of("a", "b"), List.of(new ChunkMeta(8, 1000, 2000))));
    byte[] b = Files.readAllBytes(f);
    HexFormat hex = HexFormat.of();
    assertEquals("baaad70002", hex.formatHex(b, 0, 5));
    // Symbol table at 5: len=8, #symbols=2, "a", "b", CRC over the 8 bytes.
    assertEquals("00000008" + "00000002" + "0161" + "0162", hex.formatHex(b, 5, 17));
    assertEquals(crc(b, 9, 8), ByteBuffer.wrap(b).getInt(17));
    // Padding to 32, then the series: len=9, 1 label (0,1), 1 chunk: zigzag(1000)=d00f, 1000=e807,
    // ref 8.
    assertEquals("00".repeat(11), hex.formatHex(b, 21, 32));
    assertEquals("09" + "01" + "0001" + "01" + "d00f" + "e807" + "08", hex.formatHex(b, 32, 42));
    assertEquals(crc(b, 33, 9), ByteBuffer.wrap(b).getInt(42));
    ByteBuffer toc = ByteBuffer.wrap(b, b.length - 52, 52);
    assertEquals(5, toc.getLong());
    assertEquals(21, toc.getLong(), "series section starts right after the symbols");
    assertEquals(crc(b, b.length - 52, 48), ByteBuffer.wrap(b).getInt(b.length - 4));

    try (IndexReader r = IndexReader.open(f)) {
      assertEquals(List.of("a", "b"), r.symbols());
      assertArrayEquals(new long[] {2}, r.postings("", ""), "series ref = offset 32 / 16");
      assertArrayEquals(new long[] {2}, r.postings("a", "b"));
      assertEquals(Labels.of("a", "b"), r.seriesLabels(2));
      assertEquals(List.of(new ChunkMeta(8, 1000, 2000)), r.seriesChunks(2));
    }
  }

  private static int crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return (int) c.getValue();
  }

  @Test
  void everythingWrittenIsReadBack() throws IOException {
    Random rnd = new Random(7);
    Map<Labels, List<ChunkMeta>> series = new TreeMap<>(LabelOrder.LABELS);
    String[] odd = {"\uFFFD", "\uD83D\uDE00", "é", "", "x y", "\u0000z"};
    long chunkRef = 0;
    for (int i = 0; i < 3000; i++) {
      Labels l =
          Labels.of(
              "__name__",
              "metric_" + (i % 17),
              "instance",
              "host-" + (i % 101),
              "job",
              i % 3 == 0 ? "api" : "db",
              "v",
              "v" + odd[i % odd.length] + i / 7);
      if (series.containsKey(l)) {
        continue;
      }
      List<ChunkMeta> chunks = new ArrayList<>();
      long t = -5_000 + rnd.nextInt(10_000); // negative times must survive the zig-zag varint
      for (int c = 0; c <= i % 4; c++) {
        long mint = t + 1 + rnd.nextInt(1000);
        long maxt = mint + rnd.nextInt(7_200_000);
        chunkRef += 1 + rnd.nextInt(200);
        if (i == 2001 && c == 1) {
          chunkRef = (1L << 32) + 8; // second segment file
        }
        chunks.add(new ChunkMeta(chunkRef, mint, maxt));
        t = maxt;
      }
      series.put(l, chunks);
    }
    Path f = dir.resolve("index");
    write(f, series);

    try (IndexReader r = IndexReader.open(f)) {
      long[] all = r.postings("", "");
      assertEquals(series.size(), all.length);
      assertArrayEquals(all, r.seriesRefs());
      List<Labels> expected = new ArrayList<>(series.keySet());
      Map<String, TreeMap<String, List<Long>>> pairs = new TreeMap<>(LabelOrder.UTF8);
      for (int i = 0; i < all.length; i++) {
        Labels l = r.seriesLabels(all[i]);
        assertEquals(expected.get(i), l, "series come back in index order");
        assertEquals(series.get(l), r.seriesChunks(all[i]));
        long ref = all[i];
        l.forEach(
            (n, v) ->
                pairs
                    .computeIfAbsent(n, k -> new TreeMap<>(LabelOrder.UTF8))
                    .computeIfAbsent(v, k -> new ArrayList<>())
                    .add(ref));
      }
      assertEquals(new ArrayList<>(pairs.keySet()), r.labelNames());
      for (var e : pairs.entrySet()) {
        assertEquals(new ArrayList<>(e.getValue().keySet()), r.labelValues(e.getKey()), e.getKey());
        for (var v : e.getValue().entrySet()) {
          long[] want = v.getValue().stream().mapToLong(Long::longValue).toArray();
          assertArrayEquals(
              want, r.postings(e.getKey(), v.getKey()), e.getKey() + "=" + v.getKey());
        }
      }
      List<String> symbols = r.symbols();
      for (int i = 1; i < symbols.size(); i++) {
        assertTrue(LabelOrder.compareUtf8(symbols.get(i - 1), symbols.get(i)) < 0);
      }
      assertEquals(0, r.postings("job", "nope").length);
      assertEquals(0, r.postings("nope", "x").length);
      assertEquals(List.of(), r.labelValues("nope"));
    }
  }

  @Test
  void sectionsLargerThanTheWriteBufferArePatchedInPlace() throws IOException {
    // ~2.4 MB of symbols: the symbol table's length field is flushed before it is known.
    Map<Labels, List<ChunkMeta>> series = new TreeMap<>(LabelOrder.LABELS);
    for (int i = 0; i < 60_000; i++) {
      series.put(
          Labels.of("__name__", "m", "id", String.format("%036d", i)),
          List.of(new ChunkMeta(8L + 100L * i, i, i + 10)));
    }
    Path f = dir.resolve("index");
    write(f, series);
    try (IndexReader r = IndexReader.open(f)) {
      assertEquals(60_003, r.symbols().size()); // __name__, id, m and 60000 ids
      long[] m = r.postings("__name__", "m");
      assertEquals(60_000, m.length);
      assertEquals(
          Labels.of("__name__", "m", "id", String.format("%036d", 59_999)),
          r.seriesLabels(m[59_999]));
      assertEquals(
          List.of(new ChunkMeta(8L + 100L * 59_999, 59_999, 60_009)), r.seriesChunks(m[59_999]));
    }
  }

  @Test
  void emptyIndexIsValid() throws IOException {
    Path f = dir.resolve("index");
    new IndexWriter(f).close();
    try (IndexReader r = IndexReader.open(f)) {
      assertEquals(List.of(), r.symbols());
      assertEquals(List.of(), r.labelNames());
      assertEquals(0, r.postings("", "").length);
    }
  }
}
