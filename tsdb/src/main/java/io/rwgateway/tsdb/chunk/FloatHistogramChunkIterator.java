package io.rwgateway.tsdb.chunk;

import java.util.Arrays;

/**
 * Reads the samples of a float histogram chunk (Prometheus' {@code EncFloatHistogram}, encoding
 * byte 3; see docs/format/histogram-chunks.md and {@link FloatHistogramChunkEncoder}). Reusable;
 * every sample is decoded into one {@link FloatHistogram} owned by this iterator, overwritten by
 * {@link #next}.
 */
public final class FloatHistogramChunkIterator extends HistogramChunkReader {
  private static final int FIRST_BUCKET = 3;

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

  public FloatHistogramChunkIterator() {
    super("float histogram chunk");
  }

  public FloatHistogramChunkIterator(byte[] chunk) {
    this();
    reset(chunk, 0, chunk.length);
  }

  /** Points the iterator at the chunk in {@code chunk[offset, offset + length)}. */
  public FloatHistogramChunkIterator reset(byte[] chunk, int offset, int length) {
    start(chunk, offset, length);
    h.clear();
    return this;
  }

  /**
   * The current sample (the same instance every time; copy what you keep). A stale marker comes
   * back with only its sum set, as from Prometheus.
   */
  public FloatHistogram histogram() {
    return h;
  }

  @Override
  public byte[] proto() {
    return HistogramProto.encode(t(), h);
  }

  @Override
  void readFirst() {
    zeroThreshold = readZeroThreshold();
    schema = (int) readVarbitInt();
    pLayout.clear();
    readSpans(pLayout.spans);
    nLayout.clear();
    readSpans(nLayout.spans);
    readCustomBounds(schema);
    pBuckets = bucketsOf(pLayout.spans);
    nBuckets = bucketsOf(nLayout.spans);
    int fields = FIRST_BUCKET + pBuckets + nBuckets;
    if (val.length < fields) {
      val = new long[fields];
      leading = new int[fields];
      trailing = new int[fields];
    }
    Arrays.fill(leading, 0, fields, 0);
    Arrays.fill(trailing, 0, fields, 0);
    readTime();
    for (int f = 0; f < fields; f++) {
      val[f] = readBits(64);
    }
  }

  @Override
  void readFollowing() {
    readTime();
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

  private void readXor(int f) {
    val[f] = readXor(val[f], leading, trailing, f);
  }

  @Override
  void publish() {
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
    h.customValues(bounds, boundCount);
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
}
