package io.rwgateway.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Segment files of finished chunks: round trip, segment rolling and deletion, errors, wipe. */
class HeadChunksTest {
  /** Small segments so a few dozen chunks span several files. */
  private static final long SEGMENT = 4096;

  @TempDir Path tmp;

  private Path dir() {
    return tmp.resolve("chunks_head");
  }

  /** A chunk-like byte array: the length varies, including longer than one read-ahead. */
  private static byte[] chunk(Random r, int i) {
    byte[] b = new byte[i % 17 == 0 ? 1000 + r.nextInt(500) : 2 + r.nextInt(300)];
    r.nextBytes(b);
    return b;
  }

  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static int seq(long ref) {
    return (int) (ref >>> 32);
  }

  @Test
  void chunksReadBackAfterFlushAcrossSeveralSegments() throws IOException {
    Random r = new Random(1);
    List<byte[]> written = new ArrayList<>();
    List<Long> refs = new ArrayList<>();
    try (HeadChunks chunks = HeadChunks.open(dir(), SEGMENT)) {
      for (int i = 0; i < 200; i++) {
        byte[] c = chunk(r, i);
        // Unaligned source offset: only [off, off + len) is stored.
        byte[] padded = new byte[c.length + 7];
        System.arraycopy(c, 0, padded, 3, c.length);
        written.add(c);
        refs.add(chunks.append(padded, 3, c.length, 0L, 0L, HeadChunks.NO_CHUNK, Long.MIN_VALUE));
        if (i % 50 == 49) {
          chunks.flush();
        }
      }
      chunks.flush();
      for (int i = 0; i < written.size(); i++) {
        assertArrayEquals(written.get(i), chunks.read(refs.get(i)), "chunk " + i);
      }
      List<String> names = files(dir());
      assertTrue(names.size() > 5, "several segments: " + names);
      assertEquals("000001", names.get(0));
      for (int i = 0; i < names.size(); i++) {
        assertEquals(String.format("%06d", i + 1), names.get(i));
        assertTrue(
            Files.size(dir().resolve(names.get(i))) <= SEGMENT, "segments stay under their size");
      }
      long onDisk = 0;
      for (String n : names) {
        onDisk += Files.size(dir().resolve(n));
      }
      assertEquals(onDisk, chunks.diskBytes());
      long payload = written.stream().mapToLong(c -> c.length + HeadChunks.RECORD_HEADER).sum();
      assertEquals(payload, onDisk, "records are packed: length, checksum, bytes");
    }
    assertFalse(Files.exists(dir()), "removed at close");
  }

  @Test
  void aFullBufferIsWrittenWithoutAFlush() throws IOException {
    try (HeadChunks chunks = HeadChunks.open(dir())) {
      byte[] c = new byte[1000];
      long first = chunks.append(c, 0, c.length, 0L, 0L, HeadChunks.NO_CHUNK, Long.MIN_VALUE);
      for (int i = 0; i < 3 * HeadChunks.BUFFER_MAX / c.length; i++) {
        chunks.append(c, 0, c.length, 0L, 0L, HeadChunks.NO_CHUNK, Long.MIN_VALUE);
      }
      assertTrue(
          chunks.diskBytes() >= 2 * HeadChunks.BUFFER_MAX,
          "written a buffer at a time: " + chunks.diskBytes());
      assertArrayEquals(c, chunks.read(first));
      assertEquals(List.of("000001"), files(dir()));
    }
  }

  @Test
  void aSegmentIsDeletedOnceAllItsChunksAreDroppedAndNotBefore() throws IOException {
    try (HeadChunks chunks = HeadChunks.open(dir(), SEGMENT)) {
      byte[] c = new byte[980];
      List<Long> refs = new ArrayList<>();
      for (int i = 0; i < 10; i++) { // 4 per segment: 000001..000003, the last one written to
        // Chunk i's last sample is at time i.
        refs.add(chunks.append(c, 0, c.length, i, i, HeadChunks.NO_CHUNK, Long.MIN_VALUE));
      }
      chunks.flush();
      assertEquals(List.of("000001", "000002", "000003"), files(dir()));
      assertEquals(
          List.of(1, 1, 1, 1, 2, 2, 2, 2, 3, 3), refs.stream().map(HeadChunksTest::seq).toList());

      chunks.dropBefore(3); // chunks 0..2
      chunks.deleteUnused();
      assertEquals(
          List.of("000001", "000002", "000003"), files(dir()), "one chunk of 000001 is still live");

      chunks.dropBefore(4); // and chunk 3, the last of 000001
      long before = chunks.diskBytes();
      chunks.deleteUnused();
      assertEquals(List.of("000002", "000003"), files(dir()));
      assertEquals(before - 4 * (c.length + HeadChunks.RECORD_HEADER), chunks.diskBytes());

      // Released refs of the deleted segment still read until the deferred close.
      assertArrayEquals(c, chunks.read(refs.get(0)));
      assertArrayEquals(c, chunks.read(refs.get(3)));
      chunks.deleteUnused();
      UncheckedIOException e =
          assertThrows(UncheckedIOException.class, () -> chunks.read(refs.get(0)));
      assertTrue(
          e.getMessage().contains("000001") && e.getMessage().contains("offset=0"), e.getMessage());
      assertArrayEquals(c, chunks.read(refs.get(4)), "other segments are untouched");
      assertEquals(2, chunks.segmentCount());

      chunks.dropBefore(100); // every chunk
      chunks.deleteUnused();
      assertEquals(List.of("000003"), files(dir()), "000003 is still being written");
    }
  }

  @Test
  void aDeletedSegmentNobodyReadYetStaysReadableUntilTheDeferredClose() throws IOException {
    try (HeadChunks chunks = HeadChunks.open(dir(), SEGMENT)) {
      byte[] c = {0, 1, 2, 3};
      long ref = chunks.append(c, 0, c.length, 0L, 0L, HeadChunks.NO_CHUNK, Long.MIN_VALUE);
      chunks.append(
          new byte[4085],
          0,
          4085,
          0L,
          0L,
          HeadChunks.NO_CHUNK,
          Long.MIN_VALUE); // does not fit: starts 000002
      chunks.flush();
      chunks.dropBefore(1);
      chunks.deleteUnused(); // opens 000001 for readers before deleting it
      assertEquals(List.of("000002"), files(dir()));
      assertArrayEquals(c, chunks.read(ref));
    }
  }

  @Test
  void corruptionIsAnErrorNamingTheFileAndOffset() throws IOException {
    try (HeadChunks chunks = HeadChunks.open(dir())) {
      byte[] c = new byte[100];
      new Random(2).nextBytes(c);
      chunks.append(c, 0, c.length, 0L, 0L, HeadChunks.NO_CHUNK, Long.MIN_VALUE);
      long ref = chunks.append(c, 0, c.length, 0L, 0L, HeadChunks.NO_CHUNK, Long.MIN_VALUE);
      chunks.flush();
      long off = ref & 0xFFFF_FFFFL;
      try (FileChannel ch = FileChannel.open(dir().resolve("000001"), StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(new byte[] {(byte) ~c[50]}), off + HeadChunks.RECORD_HEADER + 50);
      }
      UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> chunks.read(ref));
      assertInstanceOf(HeadChunks.CorruptChunkException.class, e.getCause());
      assertTrue(
          e.getMessage().contains("000001")
              && e.getMessage().contains("offset=" + off)
              && e.getMessage().contains("checksum"),
          e.getMessage());

      long unwritten = ref + 1000;
      e = assertThrows(UncheckedIOException.class, () -> chunks.read(unwritten));
      assertInstanceOf(HeadChunks.CorruptChunkException.class, e.getCause());
      assertThrows(UncheckedIOException.class, () -> chunks.read(7L << 32), "no such segment");
    }
  }

  @Test
  void anInterruptedReaderDoesNotBreakReadsForOthers() throws IOException {
    try (HeadChunks chunks = HeadChunks.open(dir())) {
      byte[] c = {9, 8, 7};
      long ref = chunks.append(c, 0, c.length, 0L, 0L, HeadChunks.NO_CHUNK, Long.MIN_VALUE);
      chunks.flush();
      assertArrayEquals(c, chunks.read(ref));
      Thread.currentThread().interrupt(); // the channel is closed for everyone by this read
      try {
        assertThrows(UncheckedIOException.class, () -> chunks.read(ref));
      } finally {
        assertTrue(Thread.interrupted());
      }
      assertArrayEquals(c, chunks.read(ref), "reopened");
      // The writer is not affected either.
      long next = chunks.append(c, 0, c.length, 0L, 0L, HeadChunks.NO_CHUNK, Long.MIN_VALUE);
      chunks.flush();
      assertArrayEquals(c, chunks.read(next));
    }
  }

  @Test
  void theDirectoryIsWipedAtOpen() throws IOException {
    Files.createDirectories(dir().resolve("sub"));
    Files.write(dir().resolve("000001"), new byte[] {1, 2, 3});
    Files.write(dir().resolve("sub").resolve("x"), new byte[] {1});
    try (HeadChunks chunks = HeadChunks.open(dir())) {
      assertEquals(List.of(), files(dir()));
      assertEquals(0, chunks.diskBytes());
      byte[] c = {1, 1};
      long ref = chunks.append(c, 0, 2, 0L, 0L, HeadChunks.NO_CHUNK, Long.MIN_VALUE);
      chunks.flush();
      assertArrayEquals(c, chunks.read(ref));
      assertEquals(List.of("000001"), files(dir()));
    }
  }

  @Test
  void temporaryChunksLiveInTheirOwnDirectoryRemovedAtClose() throws IOException {
    HeadChunks chunks = HeadChunks.temporary();
    Path d = chunks.dir();
    byte[] c = {4, 5, 6};
    long ref = chunks.append(c, 0, c.length, 0L, 0L, HeadChunks.NO_CHUNK, Long.MIN_VALUE);
    chunks.flush();
    assertArrayEquals(c, chunks.read(ref));
    assertTrue(Files.exists(d.resolve("000001")));
    chunks.close();
    assertFalse(Files.exists(d));
    assertThrows(UncheckedIOException.class, () -> chunks.read(ref));
  }

  @Test
  void aFailedWriteKeepsTheChunksAndTheNextFlushWritesThemAtTheSameOffsets() throws IOException {
    Random r = new Random(9);
    try (HeadChunks chunks = HeadChunks.open(dir(), 1 << 20)) {
      // A directory where the first segment file should be: opening it for writing fails, as on
      // a full or read-only disk (and unlike permissions, also when the tests run as root).
      Path blocker = dir().resolve(HeadChunkSegment.fileName(1));
      Files.createDirectory(blocker);
      byte[] a = chunk(r, 1);
      byte[] b = chunk(r, 2);
      long refA = chunks.append(a, 0, a.length, 0L, 0L, HeadChunks.NO_CHUNK, Long.MIN_VALUE);
      chunks.flush();
      assertTrue(chunks.failing());
      long refB =
          chunks.append(
              b,
              0,
              b.length,
              0L,
              0L,
              HeadChunks.NO_CHUNK,
              Long.MIN_VALUE); // appending goes on while writes fail
      chunks.flush();
      assertTrue(chunks.failing());

      Files.delete(blocker);
      chunks.flush();
      assertFalse(chunks.failing());
      assertArrayEquals(a, chunks.read(refA));
      assertArrayEquals(b, chunks.read(refB));
      assertEquals(Files.size(dir().resolve(HeadChunkSegment.fileName(1))), chunks.diskBytes());
    }
  }
}
