package io.rwgateway.tsdb.head;

import java.util.Arrays;

/**
 * One reader's view of a series' finished chunks in a time range, oldest first, read by walking the
 * series' chain in the head's {@link HeadChunks} from its newest chunk back: each record names the
 * one before it and that one's last time, so the walk stops at the first chunk wholly before the
 * range (or dropped by truncation) without reading it. Reused from series to series; the bytes of
 * every chunk read stay here until the next {@link #load}, so no chunk is read twice.
 *
 * <p>Why a chain and not an array of refs on the series: a ref array costs 16 bytes of heap per
 * finished chunk for as long as the head keeps it, and a series that gets many samples, or whose
 * chunks are cut early to relieve memory, would grow it without bound. The chain costs the heap
 * nothing per chunk; the price is that chunks newer than the range are read to step past them,
 * which is cheap since the head holds a few hours at most.
 *
 * <p>Not thread-safe; any thread (the records a snapshot names are flushed and immutable).
 */
final class FinishedChunks {
  private final HeadChunks chunks;
  private final HeadChunks.ReadBuffer rb = new HeadChunks.ReadBuffer();

  /** The chunks' bytes, back to back, in walk order (newest first). */
  private byte[] arena = new byte[1024];

  private int arenaUsed;
  private int[] off = new int[8];
  private int[] len = new int[8];
  private long[] minT = new long[8];
  private long[] maxT = new long[8];
  private int[] kind = new int[8];

  /** Chunks loaded. */
  private int n;

  FinishedChunks(HeadChunks chunks) {
    this.chunks = chunks;
  }

  /**
   * Loads the finished chunks of {@code snap} that have samples in [mint, maxt]: every chunk whose
   * last sample is at or after {@code mint} (and not dropped) and whose first is at or before
   * {@code maxt}. Returns how many.
   *
   * @throws java.io.UncheckedIOException when a chunk cannot be read (see {@link HeadChunks#read})
   */
  int load(MemSeries.Snapshot snap, long mint, long maxt) {
    return load(snap.lastChunkRef(), snap.lastChunkMaxT(), snap.liveFrom(), mint, maxt);
  }

  /**
   * Loads the finished histogram chunks (integer and float) of {@code snap} that have samples in
   * [mint, maxt], as {@link #load(MemSeries.Snapshot, long, long)} does for its float chunks.
   */
  int loadHistograms(MemSeries.Snapshot snap, long mint, long maxt) {
    return load(snap.histLastRef(), snap.histLastMaxT(), snap.liveFrom(), mint, maxt);
  }

  /**
   * Loads the chunks with samples in [mint, maxt] of the chain whose newest chunk is {@code ref}
   * (ending at {@code last}), stopping before chunks that end before {@code liveFrom}.
   */
  int load(long ref, long last, long liveFrom, long mint, long maxt) {
    n = 0;
    arenaUsed = 0;
    long stop = Math.max(mint, liveFrom);
    while (ref != HeadChunks.NO_CHUNK && last >= stop) {
      chunks.read(ref, rb);
      if (rb.minTime <= maxt) {
        add();
      }
      ref = rb.prevRef;
      last = rb.prevMaxTime;
    }
    return n;
  }

  private void add() {
    if (n == off.length) {
      int c = n * 2;
      off = Arrays.copyOf(off, c);
      len = Arrays.copyOf(len, c);
      minT = Arrays.copyOf(minT, c);
      maxT = Arrays.copyOf(maxT, c);
      kind = Arrays.copyOf(kind, c);
    }
    int l = rb.length;
    if (arenaUsed + l > arena.length) {
      arena = Arrays.copyOf(arena, Math.max(arena.length * 2, arenaUsed + l));
    }
    System.arraycopy(rb.bytes, 0, arena, arenaUsed, l);
    off[n] = arenaUsed;
    len[n] = l;
    minT[n] = rb.minTime;
    maxT[n] = rb.maxTime;
    kind[n] = rb.kind;
    arenaUsed += l;
    n++;
  }

  /** Chunk {@code i} (0 is the oldest) is {@code bytes()[offset(i), offset(i) + length(i))}. */
  byte[] bytes() {
    return arena;
  }

  int offset(int i) {
    return off[n - 1 - i];
  }

  int length(int i) {
    return len[n - 1 - i];
  }

  long minTime(int i) {
    return minT[n - 1 - i];
  }

  long maxTime(int i) {
    return maxT[n - 1 - i];
  }

  /** Chunk {@code i}'s {@link io.rwgateway.tsdb.ChunkEncoding}. */
  int encoding(int i) {
    return kind[n - 1 - i] & ~HeadChunks.FLAGS;
  }

  /** Whether chunk {@code i} starts a run of histograms (docs/format/head-chunks.md). */
  boolean runStart(int i) {
    return (kind[n - 1 - i] & HeadChunks.RUN_START) != 0;
  }

  /** Whether chunk {@code i} was cut early under memory pressure. */
  boolean earlyCut(int i) {
    return (kind[n - 1 - i] & HeadChunks.EARLY_CUT) != 0;
  }
}
