package io.rwgateway.tsdb.chunk;

import java.util.Arrays;

/**
 * Reads the samples of a histogram chunk (Prometheus' {@code EncHistogram}, encoding byte 2; see
 * docs/format/histogram-chunks.md). Reusable: {@link #reset} it onto another chunk. Every sample is
 * decoded into one {@link Histogram} owned by this iterator (see {@link #histogram()}); its arrays
 * grow at most when a chunk with more spans or buckets than any before is started, so iterating
 * allocates nothing per sample.
 */
public final class HistogramChunkIterator {
  /** Bytes before the bit stream: the 2-byte sample count and the counter-reset header byte. */
  static final int HEADER_BYTES = 3;

  private byte[] b;
  private int limitBits;
  private int pos;
  private int total;
  private int read;
  private int headerBits;

  private long t;
  private long tDelta;
  private long cnt;
  private long cntDelta;
  private long zCnt;
  private long zCntDelta;
  private long sumBits;
  private int leading;
  private int trailing;
  private long[] pVal = new long[0];
  private long[] pDelta = new long[0];
  private long[] nVal = new long[0];
  private long[] nDelta = new long[0];
  private int pBuckets;
  private int nBuckets;

  private final Histogram h = new Histogram();

  public HistogramChunkIterator() {}

  public HistogramChunkIterator(byte[] chunk) {
    reset(chunk, 0, chunk.length);
  }

  /** Points the iterator at the chunk in {@code chunk[offset, offset + length)}. */
  public HistogramChunkIterator reset(byte[] chunk, int offset, int length) {
    if (length < HEADER_BYTES) {
      throw new IllegalArgumentException("chunk shorter than its header");
    }
    b = chunk;
    limitBits = (offset + length) * 8;
    pos = (offset + HEADER_BYTES) * 8;
    total = ((chunk[offset] & 0xff) << 8) | (chunk[offset + 1] & 0xff);
    headerBits = chunk[offset + 2] & 0xc0;
    read = 0;
    t = 0;
    tDelta = 0;
    cnt = 0;
    cntDelta = 0;
    zCnt = 0;
    zCntDelta = 0;
    sumBits = 0;
    leading = 0;
    trailing = 0;
    pBuckets = 0;
    nBuckets = 0;
    h.clear();
    return this;
  }

  /** Sample count from the header. */
  public int count() {
    return total;
  }

  /** The counter-reset header: the top two bits of byte 2. */
  public HistogramChunkEncoder.Header header() {
    return HistogramChunkEncoder.Header.of(headerBits);
  }

  /** Timestamp of the current sample. */
  public long t() {
    return t;
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

  public boolean next() {
    if (read == total) {
      return false;
    }
    if (read == 0) {
      readFirst();
    } else {
      readFollowing();
    }
    read++;
    h.resetHint(hint());
    return true;
  }

  /** What Prometheus 2.42 reports as the counter-reset hint of the sample just read. */
  private int hint() {
    if (headerBits == HistogramChunkEncoder.Header.GAUGE.bits) {
      return Histogram.HINT_GAUGE;
    }
    if (read > 1) {
      return Histogram.HINT_NOT_COUNTER_RESET;
    }
    return headerBits == HistogramChunkEncoder.Header.COUNTER_RESET.bits
        ? Histogram.HINT_COUNTER_RESET
        : Histogram.HINT_UNKNOWN;
  }

  private void readFirst() {
    double zt = readZeroThreshold();
    h.zeroThreshold(zt).schema((int) readVarbitInt());
    readSpans(h.positive());
    readSpans(h.negative());
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
    t = readVarbitInt();
    cnt = readVarbitUint();
    zCnt = readVarbitUint();
    sumBits = readBits(64);
    for (int i = 0; i < pBuckets; i++) {
      pVal[i] = readVarbitInt();
    }
    for (int i = 0; i < nBuckets; i++) {
      nVal[i] = readVarbitInt();
    }
    publish();
  }

  private void readFollowing() {
    tDelta += readVarbitInt();
    t += tDelta;
    cntDelta += readVarbitInt();
    cnt += cntDelta;
    zCntDelta += readVarbitInt();
    zCnt += zCntDelta;
    readSum();
    if (sumBits == Histogram.STALE_NAN_BITS) {
      publish();
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
    publish();
  }

  /** Copies the decoder state into {@link #h}. Spans were set by the first sample. */
  private void publish() {
    double sum = Double.longBitsToDouble(sumBits);
    if (sumBits == Histogram.STALE_NAN_BITS) {
      h.clear().sum(sum);
      return;
    }
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

  private int bucketsOf(Histogram.Buckets side) {
    long n = side.bucketsInSpans();
    if (n > (limitBits - pos)) { // every bucket takes at least one bit
      throw corrupt("spans cover " + n + " buckets");
    }
    return (int) n;
  }

  private void readSpans(Histogram.Buckets side) {
    long n = readVarbitUint();
    if (n < 0 || n > (limitBits - pos) / 2) { // a span takes at least two bits
      throw corrupt("span count " + n);
    }
    side.setSpanCount((int) n);
    for (int i = 0; i < n; i++) {
      int length = (int) readVarbitUint();
      int offset = (int) readVarbitInt();
      side.setSpan(i, offset, length);
    }
  }

  private double readZeroThreshold() {
    int code = (int) readBits(8);
    if (code == 0) {
      return 0;
    }
    if (code == 255) {
      return Double.longBitsToDouble(readBits(64));
    }
    return Math.scalb(1.0, code - HistogramChunkEncoder.ZERO_THRESHOLD_BIAS - 1);
  }

  private void readSum() {
    if (readBits(1) == 0) {
      return;
    }
    if (readBits(1) == 1) {
      leading = (int) readBits(5);
      int sig = (int) readBits(6);
      trailing = 64 - leading - (sig == 0 ? 64 : sig);
    }
    sumBits ^= readBits(64 - leading - trailing) << trailing;
  }

  /** Payload widths of the varbit buckets, by the number of leading 1 bits of the prefix. */
  private static final int[] VARBIT_WIDTH = {0, 3, 6, 9, 12, 18, 25, 56, 64};

  /** The prefix of a varbit number: how many 1 bits (0-8), consuming the terminating 0 if any. */
  private int readPrefix() {
    int p = pos;
    int top8 = (int) ((XorIterator.wordAt(b, p >>> 3) << (p & 7)) >>> 56);
    int ones = Integer.numberOfLeadingZeros(~top8 & 0xff) - 24;
    int used = ones < 8 ? ones + 1 : 8;
    if (p + used > limitBits) {
      throw corrupt("truncated");
    }
    pos = p + used;
    return ones;
  }

  private long readVarbitInt() {
    int w = VARBIT_WIDTH[readPrefix()];
    if (w == 0 || w == 64) {
      return w == 0 ? 0 : readBits(64);
    }
    long u = readBits(w);
    // NOTE: a w-bit bucket holds -(2^(w-1) - 1) .. 2^(w-1), so 2^(w-1) itself is positive.
    return u > (1L << (w - 1)) ? u - (1L << w) : u;
  }

  private long readVarbitUint() {
    int w = VARBIT_WIDTH[readPrefix()];
    return w == 0 ? 0 : readBits(w);
  }

  /** The next {@code n} bits (1..64), most significant first. */
  private long readBits(int n) {
    int p = pos;
    if (p + n > limitBits) {
      throw corrupt("truncated");
    }
    if (n > 56) {
      long high = readBits(32);
      return (high << (n - 32)) | readBits(n - 32);
    }
    pos = p + n;
    return (XorIterator.wordAt(b, p >>> 3) << (p & 7)) >>> (64 - n);
  }

  private IllegalStateException corrupt(String what) {
    return new IllegalStateException(
        "corrupt histogram chunk: " + what + " at bit " + pos + " (sample " + read + ")");
  }
}
