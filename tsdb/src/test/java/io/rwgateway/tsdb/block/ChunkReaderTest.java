package io.rwgateway.tsdb.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.tsdb.chunk.XorChunk;
import io.rwgateway.tsdb.chunk.XorIterator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkReaderTest {
  @TempDir Path dir;

  private static byte[] xor(long t0, int n) {
    XorChunk c = new XorChunk(64);
    for (int i = 0; i < n; i++) {
      c.append(t0 + 15_000L * i, i * 0.5);
    }
    return Arrays.copyOf(c.buffer(), c.length());
  }

  private Path chunks() {
    return dir.resolve("chunks");
  }

  @Test
  void readsBackEveryChunkAcrossSegments() throws IOException {
    List<byte[]> written = new ArrayList<>();
    List<Long> refs = new ArrayList<>();
    try (ChunkWriter w = new ChunkWriter(chunks(), 300)) {
      for (int k = 0; k < 40; k++) {
        byte[] c = xor(1000L * k, 1 + k % 30);
        written.add(c);
        refs.add(w.writeXor(c));
      }
      assertTrue(w.segments().size() > 2, "the small limit cut several segments");
    }
    // A file that is not a segment (its name is not a number) is ignored.
    Files.write(chunks().resolve("notes.txt"), new byte[] {1, 2, 3});
    try (ChunkReader r = ChunkReader.open(chunks())) {
      assertEquals(
          List.of(chunks().resolve("000001"), chunks().resolve("000002")),
          r.segmentFiles().subList(0, 2));
      for (int k = 0; k < written.size(); k++) {
        assertEquals(ChunkWriter.ENCODING_XOR, r.encoding(refs.get(k)));
        byte[] data = r.xorChunk(refs.get(k));
        assertArrayEquals(written.get(k), data, "chunk " + k);
        XorIterator it = new XorIterator(data, data.length);
        int n = 0;
        while (it.next()) {
          assertEquals(1000L * k + 15_000L * n, it.t());
          n++;
        }
        assertEquals(1 + k % 30, n);
      }
    }
  }

  @Test
  void aFlippedBitIsACrcMismatchNamingFileAndOffset() throws IOException {
    long ref;
    try (ChunkWriter w = new ChunkWriter(chunks())) {
      w.writeXor(xor(0, 3));
      ref = w.writeXor(xor(0, 10));
    }
    Path seg = chunks().resolve("000001");
    byte[] b = Files.readAllBytes(seg);
    int off = (int) ref;
    b[off + 5] ^= 0x10; // inside the second chunk's data
    Files.write(seg, b);
    try (ChunkReader r = ChunkReader.open(chunks())) {
      r.xorChunk(8); // the first chunk is untouched
      ChunkFormatException e = assertThrows(ChunkFormatException.class, () -> r.xorChunk(ref));
      assertEquals(seg, e.file());
      assertEquals(off, e.offset());
      assertTrue(
          e.getMessage().contains("CRC32C mismatch") && e.getMessage().contains(seg.toString()),
          e.getMessage());
    }
  }

  @Test
  void aDamagedChecksumOrEncodingByteIsCaughtToo() throws IOException {
    long ref;
    try (ChunkWriter w = new ChunkWriter(chunks())) {
      ref = w.writeXor(xor(0, 5));
    }
    Path seg = chunks().resolve("000001");
    byte[] good = Files.readAllBytes(seg);
    byte[] badCrc = good.clone();
    badCrc[badCrc.length - 1] ^= 1;
    Files.write(seg, badCrc);
    try (ChunkReader r = ChunkReader.open(chunks())) {
      assertThrows(ChunkFormatException.class, () -> r.xorChunk(ref));
    }
    byte[] badEncoding = good.clone();
    badEncoding[9] = 2; // the encoding byte is covered by the CRC: corruption, not "unsupported"
    Files.write(seg, badEncoding);
    try (ChunkReader r = ChunkReader.open(chunks())) {
      ChunkFormatException e = assertThrows(ChunkFormatException.class, () -> r.xorChunk(ref));
      assertTrue(e.getMessage().contains("CRC32C"), e.getMessage());
    }
  }

  @Test
  void badMagicOrVersionFailsOpenNamingTheFile() throws IOException {
    try (ChunkWriter w = new ChunkWriter(chunks())) {
      w.writeXor(xor(0, 2));
    }
    Path seg = chunks().resolve("000001");
    byte[] good = Files.readAllBytes(seg);
    byte[] magic = good.clone();
    magic[0] = 0x00;
    Files.write(seg, magic);
    ChunkFormatException e =
        assertThrows(ChunkFormatException.class, () -> ChunkReader.open(chunks()));
    assertEquals(seg, e.file());
    assertEquals(0, e.offset());
    assertTrue(e.getMessage().contains("bad magic 0x00bd40dd"), e.getMessage());

    byte[] version = good.clone();
    version[4] = 2;
    Files.write(seg, version);
    e = assertThrows(ChunkFormatException.class, () -> ChunkReader.open(chunks()));
    assertEquals(4, e.offset());
    assertTrue(e.getMessage().contains("version 2"), e.getMessage());

    Files.write(seg, Arrays.copyOf(good, 6));
    e = assertThrows(ChunkFormatException.class, () -> ChunkReader.open(chunks()));
    assertTrue(e.getMessage().contains("too short"), e.getMessage());
  }

  @Test
  void refsOutsideTheSegmentsAreRejectedWithFileAndOffset() throws IOException {
    long ref;
    try (ChunkWriter w = new ChunkWriter(chunks())) {
      ref = w.writeXor(xor(0, 4));
    }
    Path seg = chunks().resolve("000001");
    long size = Files.size(seg);
    try (ChunkReader r = ChunkReader.open(chunks())) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> r.xorChunk(ChunkWriter.ref(1, 8)));
      assertTrue(
          e.getMessage().contains("segment index 1") && e.getMessage().contains("000002"),
          e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> r.xorChunk(ChunkWriter.ref(0, size)));
      assertTrue(
          e.getMessage().contains("offset " + size) && e.getMessage().contains(seg.toString()),
          e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> r.xorChunk(ChunkWriter.ref(0, 3)));
      assertTrue(e.getMessage().contains("offset 3"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> r.encoding(-1L));
      // A ref into the middle of a record reads garbage as a length: it must not run past the file.
      ChunkFormatException f =
          assertThrows(ChunkFormatException.class, () -> r.xorChunk(ChunkWriter.ref(0, size - 2)));
      assertEquals(size - 2, f.offset());
      r.xorChunk(ref);
    }
  }

  @Test
  void aTruncatedLastRecordIsAFormatError() throws IOException {
    long ref;
    try (ChunkWriter w = new ChunkWriter(chunks())) {
      ref = w.writeXor(xor(0, 50));
    }
    Path seg = chunks().resolve("000001");
    byte[] b = Files.readAllBytes(seg);
    Files.write(seg, Arrays.copyOf(b, b.length - 3));
    try (ChunkReader r = ChunkReader.open(chunks())) {
      ChunkFormatException e = assertThrows(ChunkFormatException.class, () -> r.xorChunk(ref));
      assertTrue(e.getMessage().contains("runs past the end"), e.getMessage());
    }
  }

  @Test
  void nonXorChunksAreReportedWithTheirEncoding() throws IOException {
    long xor;
    long hist;
    long floatHist;
    try (ChunkWriter w = new ChunkWriter(chunks())) {
      xor = w.writeXor(xor(0, 3));
      hist = w.write((byte) ChunkReader.ENCODING_HISTOGRAM, new byte[] {0, 1, 2, 3, 4});
      floatHist = w.write((byte) ChunkReader.ENCODING_FLOAT_HISTOGRAM, new byte[] {0, 1});
    }
    try (ChunkReader r = ChunkReader.open(chunks())) {
      assertEquals(1, r.encoding(xor));
      assertEquals(2, r.encoding(hist));
      assertEquals(3, r.encoding(floatHist));
      UnsupportedChunkEncodingException e =
          assertThrows(UnsupportedChunkEncodingException.class, () -> r.xorChunk(hist));
      assertEquals(2, e.encoding());
      assertEquals(hist, e.offset());
      assertTrue(e.getMessage().contains("encoding 2 (native histogram)"), e.getMessage());
      assertEquals(
          3,
          assertThrows(UnsupportedChunkEncodingException.class, () -> r.xorChunk(floatHist))
              .encoding());
      r.xorChunk(xor);
    }
  }

  @Test
  void anEmptyChunksDirectoryHasNoSegments() throws IOException {
    Files.createDirectories(chunks());
    try (ChunkReader r = ChunkReader.open(chunks())) {
      assertEquals(List.of(), r.segmentFiles());
      assertThrows(IllegalArgumentException.class, () -> r.xorChunk(8));
    }
  }
}
