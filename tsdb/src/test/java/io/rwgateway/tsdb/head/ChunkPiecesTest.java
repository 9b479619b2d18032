package io.rwgateway.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.tsdb.chunk.XorChunk;
import io.rwgateway.tsdb.chunk.XorIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.locks.StampedLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Open chunks kept in {@link ChunkPieces}: many series written interleaved (so their pieces mix in
 * the slabs) must produce, byte for byte, the chunks {@link XorChunk} builds in one array, across
 * cuts, piece boundaries and pieces reused after series are released.
 */
class ChunkPiecesTest {
  private final HeadChunks chunks = HeadChunks.temporary();
  private final ChunkPieces pieces = new ChunkPieces();
  private final StampedLock lock = new StampedLock();

  @AfterEach
  void close() {
    chunks.close();
  }

  /** One series and the chunks it should have: finished ones and the open one. */
  private static final class Expected {
    final MemSeries series;
    final List<byte[]> closed = new ArrayList<>();
    XorChunk open = new XorChunk(16);
    long t;

    Expected(MemSeries series, long t) {
      this.series = series;
      this.t = t;
    }
  }

  /** Values of several kinds, so samples take from 1 bit to the longest encodings. */
  private static double value(Random r, int kind, int i) {
    return switch (kind) {
      case 0 -> 42.0;
      case 1 -> i * 3.0;
      case 2 -> r.nextDouble() * 1e6;
      case 3 -> Double.longBitsToDouble(r.nextLong());
      default -> r.nextInt(3) == 0 ? Double.NaN : r.nextGaussian();
    };
  }

  /** Time steps: regular, jittered, and large jumps (the 64-bit delta-of-delta form). */
  private static long step(Random r, int kind) {
    return switch (kind) {
      case 0 -> 15_000;
      case 1 -> 1000 + r.nextInt(40);
      case 2 -> 1 + r.nextInt(600_000);
      default -> r.nextInt(8) == 0 ? 1L << 40 : 1 + r.nextInt(2_000_000);
    };
  }

  private void appendRandom(Random r, Expected e, int samples) {
    int vKind = r.nextInt(5);
    int tKind = r.nextInt(4);
    for (int i = 0; i < samples; i++) {
      e.t += step(r, tKind);
      double v = value(r, vKind, i);
      if (e.open.isFull() || e.open.length() >= MemSeries.CHUNK_MAX_BYTES) {
        e.closed.add(e.open.cut(16));
      }
      e.open.append(e.t, v);
      e.series.appendFloat(chunks, e.t, Double.doubleToRawLongBits(v));
    }
  }

  private void check(Expected e) {
    chunks.flush();
    MemSeries.Snapshot snap = e.series.snapshot(lock, chunks);
    FinishedChunks finished = new FinishedChunks(chunks);
    assertEquals(e.closed.size(), finished.load(snap, Long.MIN_VALUE, Long.MAX_VALUE));
    for (int c = 0; c < e.closed.size(); c++) {
      byte[] want = e.closed.get(c);
      int off = finished.offset(c);
      byte[] got = Arrays.copyOfRange(finished.bytes(), off, off + finished.length(c));
      assertArrayEquals(
          want,
          Arrays.copyOf(got, want.length),
          "finished chunk " + c + " of series " + e.series.ref);
      assertEquals(XorIterator.firstTime(want), finished.minTime(c));
    }
    if (e.open.count() == 0) {
      assertNull(snap.open());
    } else {
      assertArrayEquals(
          Arrays.copyOf(e.open.buffer(), e.open.length()),
          snap.open(),
          "open chunk of " + e.series.ref);
      assertEquals(e.open.firstTime(), e.series.firstTime());
    }
  }

  @Test
  void interleavedSeriesMatchChunksBuiltInOneArray() {
    Random r = new Random(11);
    List<Expected> all = new ArrayList<>();
    for (int s = 0; s < 300; s++) {
      all.add(new Expected(new MemSeries(s + 1, new byte[0], pieces), r.nextInt(1_000_000)));
    }
    // Rounds of a few samples per series: the pieces of different series interleave in the slabs.
    for (int round = 0; round < 40; round++) {
      for (Expected e : all) {
        appendRandom(r, e, r.nextInt(12));
      }
    }
    for (Expected e : all) {
      check(e);
    }
  }

  @Test
  void piecesOfReleasedSeriesAreReusedWithoutDisturbingOthers() {
    Random r = new Random(5);
    List<Expected> all = new ArrayList<>();
    int next = 1;
    for (int s = 0; s < 200; s++) {
      all.add(new Expected(new MemSeries(next++, new byte[0], pieces), 0));
    }
    for (Expected e : all) {
      appendRandom(r, e, 1 + r.nextInt(200));
    }
    int held = pieces.piecesInUse();
    for (int cycle = 0; cycle < 5; cycle++) {
      // Release every other series (as head truncation does) and start as many new ones.
      List<Expected> kept = new ArrayList<>();
      for (int i = 0; i < all.size(); i++) {
        Expected e = all.get(i);
        if (i % 2 == cycle % 2) {
          e.series.releaseOpenChunk();
          assertEquals(0, e.series.count());
        } else {
          kept.add(e);
        }
      }
      while (kept.size() < 200) {
        Expected e = new Expected(new MemSeries(next++, new byte[0], pieces), 0);
        kept.add(e);
      }
      all = kept;
      for (Expected e : all) {
        appendRandom(r, e, 1 + r.nextInt(200));
      }
      for (Expected e : all) {
        check(e);
      }
    }
    assertTrue(
        pieces.piecesInUse() < 3 * held,
        "freed pieces are counted out: " + pieces.piecesInUse() + " vs " + held);
    long slabBytes = pieces.bytesHeld();
    assertTrue(
        slabBytes <= 2 * (256 * 1024 + 8 + 4 * 8192),
        "freed pieces are reused, not new slabs: " + slabBytes);
  }

  @Test
  void aSeriesWithoutSamplesHoldsNoPiece() {
    MemSeries s = new MemSeries(1, new byte[0], pieces);
    assertEquals(0, pieces.piecesInUse());
    s.appendFloat(chunks, 1000, Double.doubleToRawLongBits(1.0));
    assertEquals(1, pieces.piecesInUse());
    s.releaseOpenChunk();
    assertEquals(0, pieces.piecesInUse());
    assertNull(s.snapshot(lock, chunks).open());
    assertEquals(1000, s.lastTime(), "the last time stays for ordering checks");
  }
}
