package io.rwgateway.tsdb.chunk;

import java.util.Arrays;

/**
 * Reads the samples of a float histogram chunk (Prometheus' {@code EncFloatHistogram}, encoding
 * byte 3; see docs/format/histogram-chunks.md and {@link FloatHistogramChunkEncoder}). Reusable;
 * every sample is decoded into one {@link FloatHistogram} owned by this iterator, overwritten by
 * {@link #next}.
 */
public final class FloatHistogramChunkIterator {
  private static final int FIRST_BUCKET = 3;

  private byte[] b;
  private int limitBits;
  private int pos;
  private int total;
  private int read;
  private int headerBits;

  private long t;
  private long tDelta;
  private double zeroThreshold;
  private int schema;
  private int pBuckets;
  private int nBuckets;
  private long[] val = new long[FIRST_BUCKET];
  private int[] leading = new int[FIRST_BUCKET];
  private int[] trailing = new int[FIRST_BUCKET];

  private final FloatHistogram h = new FloatHistogram();
  private final FloatHistogram.Side pLayout = new FloatHistogram.Side();
  private final FloatHistogram.Side nLayout = new FloatHistogram.Side();

  public FloatHistogramChunkIterator() {}

  public FloatHistogramChunkIterator(byte[] chunk) {
    reset(chunk, 0, chunk.length);
  }

  /** Points the iterator at the chunk in {@code chunk[offset, offset + length)}. */
  public FloatHistogramChunkIterator reset(byte[] chunk, int offset, int length) {
    if (length < HistogramChunkIterator.HEADER_BYTES) {
      throw new IllegalArgumentException("chunk shorter than its header");
    }
    b = chunk;
    limitBits = (offset + length) * 8;
    pos = (offset + HistogramChunkIterator.HEADER_BYTES) * 8;
    total = ((chunk[offset] & 0xff) << 8) | (chunk[offset + 1] & 0xff);
    headerBits = chunk[offset + 2] & 0xc0;
    read = 0;
    t = 0;
    tDelta = 0;
    h.clear();
    return this;
  }

  public int count() {
    return total;
  }

  public HistogramChunkEncoder.Header header() {
    return HistogramChunkEncoder.Header.of(headerBits);
  }

  public long t() {
    return t;
  }

  /**
   * The current sample (the same instance every time; copy what you keep). A stale marker comes
   * back with only its sum set, as from Prometheus.
   */
  public FloatHistogram histogram() {
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
    publish();
    return true;
  }

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
    zeroThreshold = readZeroThreshold();
    schema = (int) readVarbitInt();
    readSpans(pLayout);
    readSpans(nLayout);
    pBuckets = bucketsOf(pLayout);
    nBuckets = bucketsOf(nLayout);
    int fields = FIRST_BUCKET + pBuckets + nBuckets;
    if (val.length < fields) {
      val = new long[fields];
      leading = new int[fields];
      trailing = new int[fields];
    }
    Arrays.fill(leading, 0, fields, 0);
    Arrays.fill(trailing, 0, fields, 0);
    t = readVarbitInt();
    for (int f = 0; f < fields; f++) {
      val[f] = readBits(64);
    }
  }

  private void readFollowing() {
    tDelta += readVarbitInt();
    t += tDelta;
    readXor(0);
    readXor(1);
    readXor(2);
    if (val[2] == Histogram.STALE_NAN_BITS) {
      return;
    }
    for (int f = FIRST_BUCKET, end = FIRST_BUCKET + pBuckets + nBuckets; f < end; f++) {
      readXor(f);
    }
  }

  private void publish() {
    double sum = Double.longBitsToDouble(val[2]);
    if (val[2] == Histogram.STALE_NAN_BITS) {
      h.clear().sum(sum);
      return;
    }
    h.schema(schema)
        .zeroThreshold(zeroThreshold)
        .count(Double.longBitsToDouble(val[0]))
        .zeroCount(Double.longBitsToDouble(val[1]))
        .sum(sum)
        .resetHint(hint());
    h.positive().copyFrom(pLayout);
    h.positive().setBucketCount(pBuckets);
    for (int i = 0; i < pBuckets; i++) {
      h.positive().setCount(i, Double.longBitsToDouble(val[FIRST_BUCKET + i]));
    }
    h.negative().copyFrom(nLayout);
    h.negative().setBucketCount(nBuckets);
    for (int i = 0; i < nBuckets; i++) {
      h.negative().setCount(i, Double.longBitsToDouble(val[FIRST_BUCKET + pBuckets + i]));
    }
  }

  private int bucketsOf(FloatHistogram.Side side) {
    long n = side.bucketsInSpans();
    if (n > (limitBits - pos)) {
      throw corrupt("spans cover " + n + " buckets");
    }
    return (int) n;
  }

  private void readSpans(FloatHistogram.Side side) {
    long n = readVarbitUint();
    if (n < 0 || n > (limitBits - pos) / 2) {
      throw corrupt("span count " + n);
    }
    int[] offsets = new int[(int) n];
    int[] lengths = new int[(int) n];
    for (int i = 0; i < n; i++) {
      lengths[i] = (int) readVarbitUint();
      offsets[i] = (int) readVarbitInt();
    }
    side.clear();
    side.spans.set(offsets, lengths, new long[0]);
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

  private void readXor(int f) {
    if (readBits(1) == 0) {
      return;
    }
    if (readBits(1) == 1) {
      leading[f] = (int) readBits(5);
      int sig = (int) readBits(6);
      trailing[f] = 64 - leading[f] - (sig == 0 ? 64 : sig);
    }
    int sig = 64 - leading[f] - trailing[f];
    if (sig <= 0) {
      throw corrupt("XOR value without a window");
    }
    val[f] ^= readBits(sig) << trailing[f];
  }

  private static final int[] VARBIT_WIDTH = {0, 3, 6, 9, 12, 18, 25, 56, 64};

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
    return u > (1L << (w - 1)) ? u - (1L << w) : u;
  }

  private long readVarbitUint() {
    int w = VARBIT_WIDTH[readPrefix()];
    return w == 0 ? 0 : readBits(w);
  }

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
        "corrupt float histogram chunk: " + what + " at bit " + pos + " (sample " + read + ")");
  }
}
