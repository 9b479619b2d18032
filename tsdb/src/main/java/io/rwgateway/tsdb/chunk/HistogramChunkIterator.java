package io.rwgateway.tsdb.chunk;

import java.util.Arrays;

/**
 * Reads the samples of a histogram chunk (Prometheus' {@code EncHistogram}, encoding byte 2; see
 * docs/format/histogram-chunks.md). Reusable: {@link #reset} it onto another chunk. Every sample is
 * decoded into one {@link Histogram} owned by this iterator (see {@link #histogram()}); its arrays
 * grow at most when a chunk with more spans or buckets than any before is started, so iterating
 * allocates nothing per sample.
 */
public final class HistogramChunkIterator extends HistogramChunkReader {
  private long cnt;
  private long cntDelta;
  private long zCnt;
  private long zCntDelta;
  private long sumBits;
  private final int[] leading = new int[1];
  private final int[] trailing = new int[1];
  private long[] pVal = new long[0];
  private long[] pDelta = new long[0];
  private long[] nVal = new long[0];
  private long[] nDelta = new long[0];
  private int pBuckets;
  private int nBuckets;

  private final Histogram h = new Histogram();

  public HistogramChunkIterator() {
    super("histogram chunk");
  }

  public HistogramChunkIterator(byte[] chunk) {
    this();
    reset(chunk, 0, chunk.length);
  }

  /** Points the iterator at the chunk in {@code chunk[offset, offset + length)}. */
  public HistogramChunkIterator reset(byte[] chunk, int offset, int length) {
    start(chunk, offset, length);
    cnt = 0;
    cntDelta = 0;
    zCnt = 0;
    zCntDelta = 0;
    sumBits = 0;
    leading[0] = 0;
    trailing[0] = 0;
    pBuckets = 0;
    nBuckets = 0;
    h.clear();
    return this;
  }

  /**
   * The current sample. NOTE: the same instance for every sample, overwritten by {@link #next}:
   * callers copy what they keep ({@link Histogram#copyFrom}) and must not modify it. A stale marker
   * comes back as Prometheus returns it: only the sum (the staleness NaN) set, everything else zero
   * and no spans.
   */
  public Histogram histogram() {
    return h;
  }

  @Override
  public byte[] proto() {
    return HistogramProto.encode(t(), h);
  }

  @Override
  void readFirst() {
    double zt = readZeroThreshold();
    h.zeroThreshold(zt).schema((int) readVarbitInt());
    readSpans(h.positive());
    readSpans(h.negative());
    readCustomBounds(h.schema());
    h.customValues(bounds, boundCount);
    pBuckets = bucketsOf(h.positive());
    nBuckets = bucketsOf(h.negative());
    if (pVal.length < pBuckets) {
      pVal = new long[pBuckets];
      pDelta = new long[pBuckets];
    }
    if (nVal.length < nBuckets) {
      nVal = new long[nBuckets];
      nDelta = new long[nBuckets];
    }
    Arrays.fill(pDelta, 0, pBuckets, 0);
    Arrays.fill(nDelta, 0, nBuckets, 0);
    readTime();
    cnt = readVarbitUint();
    zCnt = readVarbitUint();
    sumBits = readBits(64);
    for (int i = 0; i < pBuckets; i++) {
      pVal[i] = readVarbitInt();
    }
    for (int i = 0; i < nBuckets; i++) {
      nVal[i] = readVarbitInt();
    }
  }

  @Override
  void readFollowing() {
    readTime();
    cntDelta += readVarbitInt();
    cnt += cntDelta;
    zCntDelta += readVarbitInt();
    zCnt += zCntDelta;
    sumBits = readXor(sumBits, leading, trailing, 0);
    if (sumBits == Histogram.STALE_NAN_BITS) {
      return;
    }
    for (int i = 0; i < pBuckets; i++) {
      pDelta[i] += readVarbitInt();
      pVal[i] += pDelta[i];
    }
    for (int i = 0; i < nBuckets; i++) {
      nDelta[i] += readVarbitInt();
      nVal[i] += nDelta[i];
    }
  }

  /** Copies the decoder state into {@link #h}. Spans were set by the first sample. */
  @Override
  void publish() {
    double sum = Double.longBitsToDouble(sumBits);
    if (sumBits == Histogram.STALE_NAN_BITS) {
      h.clear().sum(sum);
    } else {
      h.count(cnt).zeroCount(zCnt).sum(sum);
      Histogram.Buckets p = h.positive();
      p.setBucketCount(pBuckets);
      for (int i = 0; i < pBuckets; i++) {
        p.setDelta(i, pVal[i]);
      }
      Histogram.Buckets n = h.negative();
      n.setBucketCount(nBuckets);
      for (int i = 0; i < nBuckets; i++) {
        n.setDelta(i, nVal[i]);
      }
    }
    h.resetHint(hint());
  }
}
