package io.rwgateway.tsdb.head;

import java.util.Arrays;

/**
 * One reader's view of a series snapshot's histogram chunks (integer and float) in a time range,
 * oldest first: the finished ones read from the head's {@link HeadChunks} ({@link FinishedChunks})
 * and then the open one (the snapshot's copy). Reused from series to series; not thread-safe.
 */
final class HistogramChunkList {
  private final FinishedChunks finished;
  private MemSeries.Snapshot snap;
  private int k;
  private boolean open;

  HistogramChunkList(HeadChunks chunks) {
    this.finished = new FinishedChunks(chunks);
  }

  /**
   * Loads the chunks of {@code s} with samples in [mint, maxt]; returns how many.
   *
   * @throws java.io.UncheckedIOException when a chunk cannot be read (see {@link HeadChunks#read})
   */
  int load(MemSeries.Snapshot s, long mint, long maxt) {
    snap = s;
    k = s.histLastRef() == HeadChunks.NO_CHUNK ? 0 : finished.loadHistograms(s, mint, maxt);
    open = s.histOpenIn(mint, maxt);
    return count();
  }

  int count() {
    return k + (open ? 1 : 0);
  }

  /** Chunk {@code i} is {@code array(i)[offset(i), offset(i) + length(i))}. */
  byte[] array(int i) {
    return i < k ? finished.bytes() : snap.histOpen();
  }

  int offset(int i) {
    return i < k ? finished.offset(i) : 0;
  }

  int length(int i) {
    return i < k ? finished.length(i) : snap.histOpen().length;
  }

  /** Chunk {@code i}'s bytes in a new array. */
  byte[] copy(int i) {
    int off = offset(i);
    return Arrays.copyOfRange(array(i), off, off + length(i));
  }

  int encoding(int i) {
    return i < k ? finished.encoding(i) : snap.histOpenEncoding();
  }

  long minTime(int i) {
    return i < k ? finished.minTime(i) : snap.histOpenMinT();
  }

  long maxTime(int i) {
    return i < k ? finished.maxTime(i) : snap.histOpenMaxT();
  }

  /** Whether chunk {@code i} starts a run (docs/format/head-chunks.md). */
  boolean runStart(int i) {
    return i < k ? finished.runStart(i) : snap.histOpenRunStart();
  }

  /** Whether chunk {@code i} was cut early under memory pressure (the open one never is). */
  boolean earlyCut(int i) {
    return i < k && finished.earlyCut(i);
  }
}
