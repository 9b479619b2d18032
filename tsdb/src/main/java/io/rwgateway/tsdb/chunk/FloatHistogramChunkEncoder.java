package io.rwgateway.tsdb.chunk;

import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Header;
import java.util.Arrays;

/**
 * Builds one float histogram chunk (Prometheus' {@code EncFloatHistogram}, encoding byte 3) as
 * Prometheus 2.42's {@code FloatHistogramAppender} and head do (docs/format/histogram-chunks.md):
 * the same header and layout as the integer chunk; sample 0 stores its time as a varbit int and
 * count, zero count, sum and every bucket's absolute count as raw 64-bit doubles; every later
 * sample its time as a delta of delta and each of those fields as an XOR value against the same
 * field of the previous sample, each field with its own window (empty at the start of a chunk).
 *
 * <p>The cut and re-encode rules are the integer chunk's on doubles ({@link
 * HistogramChunkEncoder}), including 2.42's trailing empty byte. Not thread-safe.
 */
public final class FloatHistogramChunkEncoder extends HistogramChunkWriter<FloatHistogram> {
  private static final int CNT = 0;
  private static final int ZCNT = 1;
  private static final int SUM = 2;
  private static final int FIRST_BUCKET = 3;

  /**
   * The last sample's fields as raw bits: count, zero count, sum, then the positive and the
   * negative buckets; with each field's XOR window (leading, trailing; {@link #NO_WINDOW} = none).
   */
  private long[] last = new long[FIRST_BUCKET];

  private int[] leading = new int[FIRST_BUCKET];
  private int[] trailing = new int[FIRST_BUCKET];

  private final FloatHistogram widened = new FloatHistogram();
  private double[] overScratch = new double[0];

  public FloatHistogramChunkEncoder(Header header) {
    super(header);
  }

  @Override
  long scratchHeapBytes() {
    // The object itself (JDK 17, compressed references), the last values and XOR windows per
    // field, and the widening scratch.
    return 112
        + arrayBytes(last.length, 8)
        + arrayBytes(leading.length, 4)
        + arrayBytes(trailing.length, 4)
        + arrayBytes(overScratch.length, 8)
        + widened.heapBytes();
  }

  /** The header 2.42's head gives the first chunk of a series whose first sample is {@code h}. */
  public static Header firstChunkHeader(FloatHistogram h) {
    return headerFor(h.resetHint());
  }

  @Override
  boolean lastStale() {
    return last[SUM] == Histogram.STALE_NAN_BITS;
  }

  @Override
  boolean countFell(FloatHistogram h) {
    return h.count() < Double.longBitsToDouble(last[CNT]);
  }

  @Override
  boolean zeroCountFell(FloatHistogram h) {
    return h.zeroCount() < Double.longBitsToDouble(last[ZCNT]);
  }

  @Override
  boolean bucketFell(FloatHistogram h) {
    return decreased(pLayout, FIRST_BUCKET, pNew, h.positive())
        || decreased(nLayout, FIRST_BUCKET + pLayout.n, nNew, h.negative());
  }

  @Override
  FloatHistogram widen(FloatHistogram h) {
    widen(h, pUnion, nUnion);
    return widened;
  }

  @Override
  void recode(FloatHistogram target) {
    recode(target.positive(), target.negative());
  }

  /** Whether a bucket of the old layout has a lower count in the new sample (Go's {@code <}). */
  private boolean decreased(Indices old, int at, Indices now, FloatHistogram.Side nowCounts) {
    int j = 0;
    for (int i = 0; i < old.n; i++) {
      while (now.idx[j] != old.idx[i]) {
        j++;
      }
      if (nowCounts.count(j++) < Double.longBitsToDouble(last[at + i])) {
        return true;
      }
    }
    return false;
  }

  /** {@link #widened} = {@code h} over the indices {@code p}/{@code n}, canonical spans. */
  private void widen(FloatHistogram h, Indices p, Indices n) {
    widened.copyFrom(h);
    widened.positive().setAbsolute(p.idx, over(h.positive(), pNew, p), p.n);
    widened.negative().setAbsolute(n.idx, over(h.negative(), nNew, n), n.n);
  }

  /** The counts of {@code in} (at indices {@code from}) at every index of {@code to}, else 0. */
  private double[] over(FloatHistogram.Side in, Indices from, Indices to) {
    if (overScratch.length < to.n) {
      overScratch = new double[to.n];
    }
    int j = 0;
    for (int i = 0; i < to.n; i++) {
      double v = 0;
      if (j < from.n && from.idx[j] == to.idx[i]) {
        v = in.count(j++);
      }
      overScratch[i] = v;
    }
    return overScratch;
  }

  /** Re-encodes every sample so far with the spans of {@code p}/{@code n}, new buckets at 0. */
  private void recode(FloatHistogram.Side p, FloatHistogram.Side n) {
    byte[] old = bytes();
    int samples = count;
    FloatHistogramChunkIterator it = new FloatHistogramChunkIterator(old);
    FloatHistogram w = new FloatHistogram();
    FloatHistogram.Side pSpans = new FloatHistogram.Side();
    FloatHistogram.Side nSpans = new FloatHistogram.Side();
    pSpans.copyFrom(p);
    nSpans.copyFrom(n);
    Indices pTo = new Indices();
    Indices nTo = new Indices();
    pTo.of(p.spans);
    nTo.of(n.spans);
    Indices pFrom = new Indices();
    Indices nFrom = new Indices();
    // The scratch array is shared by both sides: copy each side's widened counts out first.
    reset(header);
    for (int k = 0; k < samples && it.next(); k++) {
      FloatHistogram s = it.histogram();
      w.copyFrom(s);
      if (s.isStale()) {
        write(it.t(), w);
        continue;
      }
      pFrom.of(s.positive().spans);
      nFrom.of(s.negative().spans);
      w.positive().copyFrom(pSpans);
      w.positive().setCounts(over(s.positive(), pFrom, pTo), pTo.n);
      w.negative().copyFrom(nSpans);
      w.negative().setCounts(over(s.negative(), nFrom, nTo), nTo.n);
      write(it.t(), w);
    }
  }

  /** 2.42's {@code AppendFloatHistogram}: no checks, the sample as it is. */
  @Override
  void write(long ts, FloatHistogram in) {
    boolean stale = in.isStale();
    int pn = stale ? 0 : in.positive().bucketCount();
    int nn = stale ? 0 : in.negative().bucketCount();
    long cntBits = stale ? 0 : Double.doubleToRawLongBits(in.count());
    long zBits = stale ? 0 : Double.doubleToRawLongBits(in.zeroCount());
    long sumBits = Double.doubleToRawLongBits(in.sum());
    if (count == 0) {
      putLayout(in);
      int fields = FIRST_BUCKET + pLayout.n + nLayout.n;
      if (last.length < fields) {
        last = new long[fields];
        leading = new int[fields];
        trailing = new int[fields];
      }
      Arrays.fill(last, 0, fields, 0);
      Arrays.fill(leading, 0, fields, NO_WINDOW);
      Arrays.fill(trailing, 0, fields, 0);
      putTime(ts);
      put(cntBits, 64);
      put(zBits, 64);
      put(sumBits, 64);
      last[CNT] = cntBits;
      last[ZCNT] = zBits;
      last[SUM] = sumBits;
      for (int i = 0; i < pn; i++) {
        long b = Double.doubleToRawLongBits(in.positive().count(i));
        put(b, 64);
        last[FIRST_BUCKET + i] = b;
      }
      for (int i = 0; i < nn; i++) {
        long b = Double.doubleToRawLongBits(in.negative().count(i));
        put(b, 64);
        last[FIRST_BUCKET + pLayout.n + i] = b;
      }
    } else {
      putTime(ts);
      putXor(CNT, cntBits);
      putXor(ZCNT, zBits);
      putXor(SUM, sumBits);
      for (int i = 0; i < pn; i++) {
        putXor(FIRST_BUCKET + i, Double.doubleToRawLongBits(in.positive().count(i)));
      }
      for (int i = 0; i < nn; i++) {
        putXor(FIRST_BUCKET + pLayout.n + i, Double.doubleToRawLongBits(in.negative().count(i)));
      }
    }
    count++;
  }

  /** Field {@code f}, XOR-encoded against its last value exactly as an XOR chunk's values are. */
  private void putXor(int f, long bits) {
    long x = bits ^ last[f];
    last[f] = bits;
    putXor(x, leading, trailing, f);
  }

  @Override
  void validate(FloatHistogram h) {
    if (!h.isStale()) {
      FloatHistogram.Side p = h.positive();
      FloatHistogram.Side n = h.negative();
      checkSpans(p.spans, p.bucketCount(), n.spans, n.bucketCount(), "counts", h);
    }
  }
}
