package io.rwgateway.tsdb.head;

import io.rwgateway.tsdb.chunk.XorChunk;
import java.util.Arrays;

/**
 * The bytes of one head's open chunks, in pieces of {@value #PIECE_BYTES} bytes carved from 256 KiB
 * slabs. A series holds the index of the piece it writes in; each piece links to the one before it,
 * so an open chunk is a chain read backwards from its newest piece.
 *
 * <p>NOTE: why not one growing array per open chunk (as before). At 1M series each open chunk grew
 * by copying every ~40 bytes; a series gets about one sample a second, so every old copy had
 * outlived several young collections and died in the old generation, about 10 MB/s of old garbage
 * spread over every region. G1 then needed ~150 MB of headroom over the live set at 1M and still
 * ran full collections. Pieces never move and are never garbage; the cost is a 4-byte link per
 * piece and half a piece of slack per series, about what array headers and growth slack cost
 * before.
 *
 * <p>NOTE: the slabs are ordinary arrays (not humongous in G1 with regions of 1 MB or more), so
 * {@code -Xmx} still bounds everything. The memory is not given back when series go away: freed
 * pieces wait for the next series, like the pools of other TSDBs.
 *
 * <p>Concurrency: one head's writer (or replay, or truncation with the writer excluded) allocates,
 * writes and frees under the head's write lock; readers copy chains under the read lock.
 */
final class ChunkPieces {
  static final int PIECE_SHIFT = 5;
  static final int PIECE_BYTES = 1 << PIECE_SHIFT;
  static final int PIECE_BITS = PIECE_BYTES * 8;

  /** Heap per piece: its bytes and its link. */
  static final int PIECE_HEAP_BYTES = PIECE_BYTES + 4;

  private static final int SLAB_SHIFT = 13;
  private static final int SLAB_PIECES = 1 << SLAB_SHIFT;
  private static final int SLAB_MASK = SLAB_PIECES - 1;

  /**
   * A slab's bytes past its last piece: an 8-byte write that starts in the last piece may reach
   * past it (writing back zeros; see {@link XorChunk#orBits}).
   */
  private static final int SLAB_PAD = 8;

  static final int NONE = -1;

  private byte[][] slabs = new byte[4][];

  /** Per piece: the piece before it in its chain, or, for a free piece, the next free one. */
  private int[][] links = new int[4][];

  private int slabCount;

  /** Pieces below this were handed out at least once; those above are untouched (zero). */
  private int fresh;

  private int freeHead = NONE;
  private int inUse;

  /** The writer's buffer for a finished chunk on its way to {@link HeadChunks}. */
  private byte[] scratch = new byte[4096];

  /** A zeroed piece linked after {@code prev} ({@link #NONE} for a chain's first). */
  int alloc(int prev) {
    int p = freeHead;
    if (p != NONE) {
      freeHead = links[p >>> SLAB_SHIFT][p & SLAB_MASK];
      Arrays.fill(
          slabs[p >>> SLAB_SHIFT],
          (p & SLAB_MASK) << PIECE_SHIFT,
          ((p & SLAB_MASK) + 1) << PIECE_SHIFT,
          (byte) 0);
    } else {
      if (fresh == slabCount << SLAB_SHIFT) {
        addSlab();
      }
      p = fresh++;
    }
    links[p >>> SLAB_SHIFT][p & SLAB_MASK] = prev;
    inUse++;
    return p;
  }

  private void addSlab() {
    if (slabCount == slabs.length) {
      slabs = Arrays.copyOf(slabs, slabCount * 2);
      links = Arrays.copyOf(links, slabCount * 2);
    }
    slabs[slabCount] = new byte[(SLAB_PIECES << PIECE_SHIFT) + SLAB_PAD];
    links[slabCount] = new int[SLAB_PIECES];
    slabCount++;
  }

  /** The piece linked before {@code p}, or {@link #NONE}. */
  int prev(int p) {
    return links[p >>> SLAB_SHIFT][p & SLAB_MASK];
  }

  /** Makes {@code p} the first piece of its chain and zeroes it; frees the pieces before it. */
  void restartAt(int p) {
    freeBefore(p);
    links[p >>> SLAB_SHIFT][p & SLAB_MASK] = NONE;
    Arrays.fill(
        slabs[p >>> SLAB_SHIFT],
        (p & SLAB_MASK) << PIECE_SHIFT,
        ((p & SLAB_MASK) + 1) << PIECE_SHIFT,
        (byte) 0);
  }

  /** Frees the whole chain ending at {@code p} (nothing for {@link #NONE}). */
  void freeChain(int p) {
    if (p != NONE) {
      freeBefore(p);
      free(p);
    }
  }

  private void freeBefore(int p) {
    int q = prev(p);
    while (q != NONE) {
      int before = prev(q);
      free(q);
      q = before;
    }
  }

  private void free(int p) {
    links[p >>> SLAB_SHIFT][p & SLAB_MASK] = freeHead;
    freeHead = p;
    inUse--;
  }

  /**
   * ORs the low {@code n} bits of {@code v} into piece {@code p} at chunk bit {@code bitPos}; the
   * bits must end inside the piece ({@code bitPos % PIECE_BITS + n <= PIECE_BITS}).
   */
  void orBits(int p, int bitPos, long v, int n) {
    int idx = ((p & SLAB_MASK) << PIECE_SHIFT) + ((bitPos >>> 3) & (PIECE_BYTES - 1));
    XorChunk.orBits(slabs[p >>> SLAB_SHIFT], idx, bitPos & 7, v, n);
  }

  /**
   * Copies the first {@code len} bytes of the chain whose newest piece {@code last} holds chunk
   * byte {@code lastByte} (that piece may hold no byte below {@code len} yet) into {@code dst}.
   */
  void copy(int last, int lastByte, int len, byte[] dst) {
    int p = last;
    for (int k = lastByte >>> PIECE_SHIFT; k >= 0; k--) {
      int from = k << PIECE_SHIFT;
      int n = Math.min(PIECE_BYTES, len - from);
      if (n > 0) {
        System.arraycopy(slabs[p >>> SLAB_SHIFT], (p & SLAB_MASK) << PIECE_SHIFT, dst, from, n);
      }
      p = prev(p);
    }
  }

  /** The writer's scratch buffer, at least {@code len} bytes; valid until the next call. */
  byte[] scratch(int len) {
    if (scratch.length < len) {
      scratch = new byte[len];
    }
    return scratch;
  }

  /**
   * Bytes of slabs not in an open chunk (free or never handed out): memory the head holds but can
   * reuse before it needs a new slab. Any thread; a racy read is an estimate.
   */
  long reusableBytes() {
    return ((long) slabCount * SLAB_PIECES - inUse) * PIECE_BYTES;
  }

  /** Pieces in open chunks now. */
  int piecesInUse() {
    return inUse;
  }

  /** Bytes of slabs and links held (in use or free). */
  long bytesHeld() {
    return (long) slabCount * ((SLAB_PIECES << PIECE_SHIFT) + SLAB_PAD + 4L * SLAB_PIECES);
  }
}
