package io.rwgateway.tsdb.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Varint;
import io.rwgateway.tsdb.chunk.XorChunk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkWriterTest {
  @TempDir Path dir;

  private static byte[] xor(long... tv) {
    XorChunk c = new XorChunk(64);
    for (int i = 0; i < tv.length; i += 2) {
      c.append(tv[i], (double) tv[i + 1]);
    }
    return Arrays.copyOf(c.buffer(), c.length());
  }

  @Test
  void tinySegmentByteForByte() throws IOException {
    Path chunks = dir.resolve("chunks");
    long ref;
    try (ChunkWriter w = new ChunkWriter(chunks)) {
      ref = w.writeXor(xor(1000, 1));
    }
    // Expected bytes worked out by hand in docs/format/chunks.md; the CRC-32C was computed with
    // an independent bitwise implementation (polynomial 0x82F63B78), not java.util.zip.
    byte[] expected = {
      (byte) 0x85,
      (byte) 0xbd,
      0x40,
      (byte) 0xdd,
      0x01,
      0x00,
      0x00,
      0x00,
      0x0c,
      0x01,
      0x00,
      0x01,
      (byte) 0xd0,
      0x0f,
      0x3f,
      (byte) 0xf0,
      0,
      0,
      0,
      0,
      0,
      0,
      (byte) 0xb1,
      (byte) 0x83,
      0x43,
      0x01
    };
    assertArrayEquals(expected, Files.readAllBytes(chunks.resolve("000001")));
    assertEquals(8L, ref);
    try (var files = Files.list(chunks)) {
      assertEquals(1, files.count(), "no other files in chunks/");
    }
  }

  @Test
  void refsPointAtRecordsAndSegmentsAreCutAtTheLimit() throws IOException {
    Path chunks = dir.resolve("chunks");
    List<byte[]> written = new ArrayList<>();
    List<Long> refs = new ArrayList<>();
    long limit = 200;
    try (ChunkWriter w = new ChunkWriter(chunks, limit)) {
      for (int k = 0; k < 20; k++) {
        long[] tv = new long[2 * (1 + k % 7)];
        for (int i = 0; i < tv.length; i += 2) {
          tv[i] = 1000L * (k * 10 + i);
          tv[i + 1] = k * 31L + i;
        }
        byte[] c = xor(tv);
        written.add(c);
        refs.add(w.writeXor(c));
      }
      assertTrue(w.segments().size() > 2, "expected several segments, got " + w.segments());
    }
    List<byte[]> files = new ArrayList<>();
    for (int s = 0; ; s++) {
      Path f = chunks.resolve(ChunkWriter.segmentName(s));
      if (!Files.exists(f)) {
        break;
      }
      files.add(Files.readAllBytes(f));
    }
    for (byte[] f : files) {
      assertTrue(f.length <= limit, "segment over the limit: " + f.length);
      assertEquals(
          0x85BD40DD,
          ((f[0] & 0xff) << 24) | ((f[1] & 0xff) << 16) | ((f[2] & 0xff) << 8) | (f[3] & 0xff));
      assertEquals(1, f[4]);
    }
    long lastRef = -1;
    for (int k = 0; k < written.size(); k++) {
      long ref = refs.get(k);
      assertTrue(ref > lastRef, "refs ascend");
      lastRef = ref;
      byte[] seg = files.get((int) (ref >>> 32));
      assertArrayEquals(written.get(k), readRecord(seg, (int) ref), "chunk " + k);
    }
    // The writer fills each segment: the first chunk of the next one would not have fitted.
    assertEquals(0L, refs.get(0) >>> 32);
    assertEquals(8L, refs.get(0) & 0xFFFFFFFFL);
  }

  /** A reader written from the spec: len, encoding, data, CRC-32C over encoding + data. */
  private static byte[] readRecord(byte[] seg, int off) {
    int[] pos = {off};
    int len = (int) Varint.get(seg, pos, seg.length);
    int p = pos[0];
    assertEquals(ChunkWriter.ENCODING_XOR, seg[p]);
    CRC32C crc = new CRC32C();
    crc.update(seg, p, 1 + len);
    int sum =
        ((seg[p + 1 + len] & 0xff) << 24)
            | ((seg[p + 2 + len] & 0xff) << 16)
            | ((seg[p + 3 + len] & 0xff) << 8)
            | (seg[p + 4 + len] & 0xff);
    assertEquals((int) crc.getValue(), sum, "checksum of the record at " + off);
    return Arrays.copyOfRange(seg, p + 1, p + 1 + len);
  }

  @Test
  void anOversizedChunkGetsItsOwnSegmentWithoutAnEmptyOneBefore() throws IOException {
    Path chunks = dir.resolve("chunks");
    long[] tv = new long[2 * 120];
    for (int i = 0; i < tv.length; i += 2) {
      tv[i] = i * 1_234_567L;
      tv[i + 1] = (long) (i * 1e12 + 7);
    }
    byte[] big = xor(tv);
    try (ChunkWriter w = new ChunkWriter(chunks, 64)) {
      assertEquals(8L, w.writeXor(big));
      assertEquals(ChunkWriter.ref(1, 8), w.writeXor(big));
      assertEquals(2, w.segments().size());
    }
  }

  @Test
  void segmentNamesAreSixDigitsFromOne() {
    assertEquals("000001", ChunkWriter.segmentName(0));
    assertEquals("000010", ChunkWriter.segmentName(9));
    assertEquals(0x0000000200001A2BL, ChunkWriter.ref(2, 0x1A2B));
  }
}
