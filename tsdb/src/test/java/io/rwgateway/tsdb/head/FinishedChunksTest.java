package io.rwgateway.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chain of a series' finished chunks: each record links to the one before, walks select by time
 * exactly, and never read a chunk wholly before the range or dropped by truncation (proved by
 * corrupting such chunks: reading one would throw).
 */
class FinishedChunksTest {
  @TempDir Path tmp;

  /** Chunk i holds samples from 100 * i to 100 * i + 50; its bytes are i + 1 repeated. */
  private static byte[] chunk(int i) {
    byte[] c = new byte[20 + i];
    Arrays.fill(c, (byte) (i + 1));
    return c;
  }

  private static final int CHUNKS = 10;

  /** Writes a chain of CHUNKS chunks, interleaved with another series' chunks; returns the refs. */
  private static List<Long> writeChain(HeadChunks chunks) {
    List<Long> refs = new ArrayList<>();
    long prev = HeadChunks.NO_CHUNK;
    long prevMax = Long.MIN_VALUE;
    for (int i = 0; i < CHUNKS; i++) {
      byte[] c = chunk(i);
      prev = chunks.append(c, 0, c.length, 100L * i, 100L * i + 50, prev, prevMax);
      prevMax = 100L * i + 50;
      refs.add(prev);
      byte[] other = {9, 9, 9};
      chunks.append(other, 0, other.length, 7, 7, HeadChunks.NO_CHUNK, Long.MIN_VALUE);
    }
    chunks.flush();
    return refs;
  }

  private static MemSeries.Snapshot snap(List<Long> refs, long liveFrom) {
    return new MemSeries.Snapshot(
        refs.get(refs.size() - 1),
        100L * (refs.size() - 1) + 50,
        liveFrom,
        null,
        Long.MIN_VALUE,
        HeadChunks.NO_CHUNK,
        Long.MIN_VALUE,
        null,
        0,
        0,
        0,
        false,
        null,
        null);
  }

  /** The chunk numbers loaded, oldest first, after checking each one's bytes and times. */
  private static List<Integer> loaded(FinishedChunks f, int n) {
    List<Integer> got = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      int i = (int) (f.minTime(k) / 100);
      assertEquals(100L * i, f.minTime(k));
      assertEquals(100L * i + 50, f.maxTime(k));
      byte[] b = Arrays.copyOfRange(f.bytes(), f.offset(k), f.offset(k) + f.length(k));
      assertArrayEquals(chunk(i), b, "chunk " + i);
      got.add(i);
    }
    return got;
  }

  private static void corrupt(Path dir, long ref) throws IOException {
    try (FileChannel ch = FileChannel.open(dir.resolve("000001"), StandardOpenOption.WRITE)) {
      long at = (ref & 0xFFFF_FFFFL) + HeadChunks.RECORD_HEADER + 1;
      ch.write(ByteBuffer.wrap(new byte[] {(byte) 0x55}), at);
    }
  }

  @Test
  void walksSelectTheChunksOfARangeOldestFirst() throws IOException {
    try (HeadChunks chunks = HeadChunks.open(tmp.resolve("c"))) {
      List<Long> refs = writeChain(chunks);
      FinishedChunks f = new FinishedChunks(chunks);
      MemSeries.Snapshot s = snap(refs, Long.MIN_VALUE);
      assertEquals(
          List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9),
          loaded(f, f.load(s, Long.MIN_VALUE, Long.MAX_VALUE)));
      assertEquals(
          List.of(2, 3, 4), loaded(f, f.load(s, 250, 400)), "250 is in chunk 2, 400 starts 4");
      assertEquals(List.of(3), loaded(f, f.load(s, 251, 399)), "251 is after chunk 2 ends");
      assertEquals(List.of(), loaded(f, f.load(s, 60, 99)), "between two chunks");
      assertEquals(List.of(9), loaded(f, f.load(s, 950, 2000)));
      assertEquals(List.of(), loaded(f, f.load(s, 951, 2000)));
      assertEquals(List.of(0), loaded(f, f.load(s, Long.MIN_VALUE, 0)));
    }
  }

  @Test
  void chunksBeforeTheRangeOrDroppedAreNotRead() throws IOException {
    Path dir = tmp.resolve("c");
    try (HeadChunks chunks = HeadChunks.open(dir)) {
      List<Long> refs = writeChain(chunks);
      for (int i = 0; i < 5; i++) {
        corrupt(dir, refs.get(i));
      }
      FinishedChunks f = new FinishedChunks(chunks);
      MemSeries.Snapshot s = snap(refs, Long.MIN_VALUE);
      assertEquals(List.of(5, 6, 7, 8, 9), loaded(f, f.load(s, 451, Long.MAX_VALUE)));
      assertThrows(
          UncheckedIOException.class, () -> f.load(s, 450, Long.MAX_VALUE), "chunk 4 read");

      // Truncation at 451 drops chunks 0..4 for snapshots taken after it.
      chunks.dropBefore(451);
      assertEquals(451, chunks.liveFrom());
      assertEquals(
          List.of(5, 6, 7, 8, 9),
          loaded(f, f.load(snap(refs, chunks.liveFrom()), Long.MIN_VALUE, Long.MAX_VALUE)));
      // A snapshot from before it still walks further (and here finds the corruption).
      assertThrows(UncheckedIOException.class, () -> f.load(s, Long.MIN_VALUE, Long.MAX_VALUE));
    }
  }
}
