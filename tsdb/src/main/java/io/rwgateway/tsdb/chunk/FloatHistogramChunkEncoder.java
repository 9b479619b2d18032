package io.rwgateway.tsdb.chunk;

import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Header;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Indices;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Verdict;
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
public final class FloatHistogramChunkEncoder {
  private static final int HEADER_BITS = HistogramChunkIterator.HEADER_BYTES * 8;
  private static final int NO_WINDOW = 0xff;
  private static final int CNT = 0;
  private static final int ZCNT = 1;
  private static final int SUM = 2;
  private static final int FIRST_BUCKET = 3;

  private byte[] buf = new byte[128];
  private int bitPos = HEADER_BITS;
  private boolean emptyByte;
  private int count;
  private Header header;

  private final FloatHistogram layout = new FloatHistogram();
  private final Indices pLayout = new Indices();
  private final Indices nLayout = new Indices();
  private long t;
  private long tDelta;

  /**
   * The last sample's fields as raw bits: count, zero count, sum, then the positive and the
   * negative buckets; with each field's XOR window (leading, trailing; {@link #NO_WINDOW} = none).
   */
  private long[] last = new long[FIRST_BUCKET];

  private int[] leading = new int[FIRST_BUCKET];
  private int[] trailing = new int[FIRST_BUCKET];

  private final Indices pNew = new Indices();
  private final Indices nNew = new Indices();
  private final Indices pUnion = new Indices();
  private final Indices nUnion = new Indices();
  private final FloatHistogram widened = new FloatHistogram();
  private double[] overScratch = new double[0];

  public FloatHistogramChunkEncoder(Header header) {
    this.header = header;
  }

  /** The header 2.42's head gives the first chunk of a series whose first sample is {@code h}. */
  public static Header firstChunkHeader(FloatHistogram h) {
    switch (h.resetHint()) {
      case Histogram.HINT_GAUGE:
        return Header.GAUGE;
      case Histogram.HINT_COUNTER_RESET:
        return Header.COUNTER_RESET;
      default:
        return Header.UNKNOWN;
    }
  }

  /** The header 2.42's head gives the chunk it starts after this one for {@code h}. */
  public Header nextChunkHeader(FloatHistogram h) {
    if (h.resetHint() == Histogram.HINT_GAUGE || h.resetHint() == Histogram.HINT_COUNTER_RESET) {
      return firstChunkHeader(h);
    }
    if (count == 0) {
      return Header.UNKNOWN;
    }
    switch (check(h)) {
      case APPEND:
      case RECODE:
        return Header.NOT_COUNTER_RESET;
      case CUT_COUNTER_RESET:
        return Header.COUNTER_RESET;
      default:
        return Header.UNKNOWN;
    }
  }

  public int count() {
    return count;
  }

  public Header header() {
    return header;
  }

  public int length() {
    return ((bitPos + 7) >>> 3) + (emptyByte ? 1 : 0);
  }

  /** Timestamp of the last sample; only valid when {@code count() > 0}. */
  public long lastTime() {
    return t;
  }

  /** A copy of the chunk: count, header byte and bit stream, as long as Prometheus' would be. */
  public byte[] bytes() {
    buf[0] = (byte) (count >>> 8);
    buf[1] = (byte) count;
    buf[2] = (byte) header.bits;
    return Arrays.copyOf(buf, length());
  }

  /** Empties the chunk to start the next one with {@code next} as its header. */
  public void reset(Header next) {
    Arrays.fill(buf, 0, Math.min(buf.length, length() + 9), (byte) 0);
    bitPos = HEADER_BITS;
    emptyByte = false;
    count = 0;
    header = next;
  }

  /**
   * Appends {@code h} at {@code ts} unless 2.42 would cut a new chunk for it (then nothing changes
   * and the verdict says why). The caller keeps timestamps ascending and cuts full chunks.
   *
   * @throws IllegalArgumentException when a side's counts do not match its spans' bucket count
   */
  public Verdict append(long ts, FloatHistogram h) {
    validate(h);
    if (count == 0xffff) {
      throw new IllegalStateException("chunk full: 65535 samples");
    }
    if (count == 0) {
      write(ts, h);
      return Verdict.APPEND;
    }
    Verdict v = check(h);
    if (v == Verdict.RECODE) {
      if (h.resetHint() == Histogram.HINT_GAUGE && (pUnion.n > pNew.n || nUnion.n > nNew.n)) {
        // New buckets and missing ones: both the chunk and the sample get the union's spans.
        widen(h, pUnion, nUnion);
        recode(widened.positive(), widened.negative());
        write(ts, widened);
        return v;
      }
      recode(h.positive(), h.negative());
      write(ts, h);
      return v;
    }
    if (v == Verdict.APPEND
        && h.resetHint() == Histogram.HINT_GAUGE
        && !h.isStale()
        && (pNew.n != pLayout.n || nNew.n != nLayout.n)) {
      widen(h, pUnion, nUnion); // fewer buckets than the layout: the sample is widened
      write(ts, widened);
      return v;
    }
    if (v == Verdict.APPEND) {
      write(ts, h);
    }
    return v;
  }

  /** What {@link #append} would do with {@code h}, without changing anything. */
  public Verdict check(FloatHistogram h) {
    if (count == 0) {
      return Verdict.APPEND;
    }
    switch (h.resetHint()) {
      case Histogram.HINT_GAUGE:
        return checkGauge(h);
      case Histogram.HINT_COUNTER_RESET:
        return Verdict.CUT_COUNTER_RESET;
      default:
        return checkCounter(h);
    }
  }

  private boolean lastStale() {
    return last[SUM] == Histogram.STALE_NAN_BITS;
  }

  private Verdict checkCounter(FloatHistogram h) {
    if (header == Header.GAUGE) {
      return Verdict.CUT;
    }
    if (h.isStale()) {
      return Verdict.APPEND;
    }
    if (lastStale()) {
      return Verdict.CUT;
    }
    if (h.count() < Double.longBitsToDouble(last[CNT])) {
      return Verdict.CUT_COUNTER_RESET;
    }
    if (!sameLayoutKey(h)) {
      return Verdict.CUT;
    }
    if (h.zeroCount() < Double.longBitsToDouble(last[ZCNT])) {
      return Verdict.CUT_COUNTER_RESET;
    }
    pNew.of(h.positive().spans);
    nNew.of(h.negative().spans);
    if (!pLayout.subsetOf(pNew) || !nLayout.subsetOf(nNew)) {
      return Verdict.CUT_COUNTER_RESET;
    }
    if (decreased(pLayout, FIRST_BUCKET, pNew, h.positive())
        || decreased(nLayout, FIRST_BUCKET + pLayout.n, nNew, h.negative())) {
      return Verdict.CUT_COUNTER_RESET;
    }
    return pNew.n > pLayout.n || nNew.n > nLayout.n ? Verdict.RECODE : Verdict.APPEND;
  }

  private Verdict checkGauge(FloatHistogram h) {
    if (header != Header.GAUGE) {
      return Verdict.CUT;
    }
    if (h.isStale()) {
      return Verdict.APPEND;
    }
    if (lastStale() || !sameLayoutKey(h)) {
      return Verdict.CUT;
    }
    pNew.of(h.positive().spans);
    nNew.of(h.negative().spans);
    pUnion.union(pLayout, pNew);
    nUnion.union(nLayout, nNew);
    return pUnion.n > pLayout.n || nUnion.n > nLayout.n ? Verdict.RECODE : Verdict.APPEND;
  }

  /** Same schema and zero threshold, compared as Go compares floats. */
  private boolean sameLayoutKey(FloatHistogram h) {
    return h.schema() == layout.schema() && h.zeroThreshold() == layout.zeroThreshold();
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
  private void write(long ts, FloatHistogram in) {
    boolean stale = in.isStale();
    int pn = stale ? 0 : in.positive().bucketCount();
    int nn = stale ? 0 : in.negative().bucketCount();
    long cntBits = stale ? 0 : Double.doubleToRawLongBits(in.count());
    long zBits = stale ? 0 : Double.doubleToRawLongBits(in.zeroCount());
    long sumBits = Double.doubleToRawLongBits(in.sum());
    long newTDelta = 0;
    if (count == 0) {
      if (stale) {
        layout.clear();
      } else {
        layout.copyFrom(in);
      }
      writeLayout(layout);
      pLayout.of(layout.positive().spans);
      nLayout.of(layout.negative().spans);
      int fields = FIRST_BUCKET + pLayout.n + nLayout.n;
      if (last.length < fields) {
        last = new long[fields];
        leading = new int[fields];
        trailing = new int[fields];
      }
      Arrays.fill(last, 0, fields, 0);
      Arrays.fill(leading, 0, fields, NO_WINDOW);
      Arrays.fill(trailing, 0, fields, 0);
      putVarbitInt(ts);
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
      newTDelta = ts - t;
      putVarbitInt(newTDelta - tDelta);
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
    t = ts;
    tDelta = newTDelta;
  }

  /** Field {@code f}, XOR-encoded against its last value exactly as an XOR chunk's values are. */
  private void putXor(int f, long bits) {
    long x = bits ^ last[f];
    last[f] = bits;
    if (x == 0) {
      put(0, 1);
      return;
    }
    int lead = Math.min(Long.numberOfLeadingZeros(x), 31);
    int trail = Long.numberOfTrailingZeros(x);
    if (leading[f] != NO_WINDOW && lead >= leading[f] && trail >= trailing[f]) {
      put(0b10, 2);
      put(x >>> trailing[f], 64 - leading[f] - trailing[f]);
      return;
    }
    leading[f] = lead;
    trailing[f] = trail;
    int sig = 64 - lead - trail;
    put((0b11L << 11) | ((long) lead << 6) | (sig & 0x3f), 13);
    put(x >>> trail, sig);
  }

  private void writeLayout(FloatHistogram h) {
    putZeroThreshold(h.zeroThreshold());
    putVarbitInt(h.schema());
    putSpans(h.positive());
    putSpans(h.negative());
  }

  private void putSpans(FloatHistogram.Side side) {
    putVarbitUint(side.spanCount());
    for (int i = 0; i < side.spanCount(); i++) {
      putVarbitUint(side.spanLength(i) & 0xffffffffL);
      putVarbitInt(side.spanOffset(i));
    }
  }

  /** As {@link HistogramChunkEncoder}: 0, a power-of-two code, or 255 and the 64 bits. */
  private void putZeroThreshold(double z) {
    if (z == 0) {
      put(0, 8);
      return;
    }
    long bits = Double.doubleToRawLongBits(z);
    int exp = Math.getExponent(z) + 1;
    boolean powerOfTwo = z > 0 && (bits & 0x000fffffffffffffL) == 0 && Math.getExponent(z) >= -1022;
    if (!powerOfTwo || exp < -242 || exp > 11) {
      put(255, 8);
      put(bits, 64);
      return;
    }
    put(exp + HistogramChunkEncoder.ZERO_THRESHOLD_BIAS, 8);
  }

  private static final int[] WIDTHS = {3, 6, 9, 12, 18, 25, 56};

  private void putVarbitInt(long v) {
    putVarbit(v, true);
  }

  private void putVarbitUint(long v) {
    putVarbit(v, false);
  }

  private void putVarbit(long v, boolean signed) {
    if (v == 0) {
      put(0, 1);
      return;
    }
    for (int k = 0; k < WIDTHS.length; k++) {
      long half = 1L << (WIDTHS[k] - 1);
      boolean fits =
          signed ? v >= -(half - 1) && v <= half : Long.numberOfLeadingZeros(v) >= 64 - WIDTHS[k];
      if (fits) {
        int n = k + 2;
        put(((1L << n) - 1) ^ 1, n);
        put(v, WIDTHS[k]);
        return;
      }
    }
    put(0xff, 8);
    put(v, 64);
  }

  /** The low {@code n} bits of {@code v}; see {@link HistogramChunkEncoder} on the empty byte. */
  private void put(long v, int n) {
    int pos = bitPos;
    int idx = pos >>> 3;
    if (idx + 10 > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(idx + 10, buf.length * 2));
    }
    XorChunk.orBits(buf, idx, pos & 7, v, n);
    emptyByte = (pos & 7) == 0 && (n & 7) == 0;
    bitPos = pos + n;
  }

  private static void validate(FloatHistogram h) {
    if (h.isStale()) {
      return;
    }
    if (h.positive().bucketsInSpans() != h.positive().bucketCount()
        || h.negative().bucketsInSpans() != h.negative().bucketCount()) {
      throw new IllegalArgumentException("bucket counts do not match the spans: " + h);
    }
  }
}
