package io.rwgateway.tsdb.chunk;

import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Header;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Verdict;
import java.util.Arrays;

/**
 * What the integer and the float histogram chunk encoders share (docs/format/histogram-chunks.md):
 * the chunk's bytes and bit writer (with 2.42's trailing empty byte), the header, the layout (zero
 * threshold, schema, spans), the time's delta of delta, the XOR windows, and 2.42's head rules for
 * when a sample is appended, re-encodes the chunk or cuts a new one. The subclasses own how a
 * sample's counts are encoded and how a chunk is re-encoded.
 *
 * <p>{@code H} is the sample type ({@link Histogram} or {@link FloatHistogram}). Public so that
 * callers can drive either encoder with one piece of code; only this package can extend it. Not
 * thread-safe.
 */
public abstract class HistogramChunkWriter<H extends NativeHistogram<H, ?>> {
  /** Added to a power-of-two zero threshold's frexp exponent to give its one-byte code. */
  static final int ZERO_THRESHOLD_BIAS = 243;

  static final int HEADER_BITS = HistogramChunkReader.HEADER_BYTES * 8;

  /** An XOR field's leading-zeros value while it has no window yet. */
  static final int NO_WINDOW = 0xff;

  private static final int INITIAL_BUFFER = 128;

  private byte[] buf = new byte[INITIAL_BUFFER];
  private int bitPos = HEADER_BITS;

  /**
   * NOTE: 2.42's bit stream appends a zero byte whenever it writes a whole byte on a byte boundary
   * and keeps it until the next write fills it; this is true when the last write left one, and
   * {@link #bytes()} then includes it, as Prometheus' {@code Bytes()} does.
   */
  private boolean emptyByte;

  int count;
  Header header;
  private long t;
  private long tDelta;

  // The layout: what the first sample wrote, or the last recode.
  private int layoutSchema;
  private double layoutZeroThreshold;

  /** The layout's custom bucket bounds (schema -53), else empty; a copy of the first sample's. */
  private double[] layoutBounds = new double[0];

  private final Histogram.Buckets noSpans = new Histogram.Buckets();
  final Indices pLayout = new Indices();
  final Indices nLayout = new Indices();

  // Scratch for the layout checks.
  final Indices pNew = new Indices();
  final Indices nNew = new Indices();
  final Indices pUnion = new Indices();
  final Indices nUnion = new Indices();

  HistogramChunkWriter(Header header) {
    this.header = header;
  }

  // What the subclass knows about its sample type.

  /**
   * @throws IllegalArgumentException when a side's buckets do not match its spans
   */
  abstract void validate(H h);

  /** Whether the last sample written was a stale marker. */
  abstract boolean lastStale();

  /** Whether {@code h}'s count is below the last sample's (Go's comparison on the type). */
  abstract boolean countFell(H h);

  abstract boolean zeroCountFell(H h);

  /** Whether a bucket of the layout ({@link #pLayout} in {@link #pNew}, ...) has a lower count. */
  abstract boolean bucketFell(H h);

  /** 2.42's {@code Append(Float)Histogram}: no checks, the sample as it is. */
  abstract void write(long ts, H h);

  /** Re-encodes every sample so far with {@code target}'s spans (new buckets at 0). */
  abstract void recode(H target);

  /**
   * Heap of the subclass's object (its fields and this class's) and its per-bucket state and
   * scratch (see {@link #heapBytes}).
   */
  abstract long scratchHeapBytes();

  /** {@code h} with its buckets spread over {@link #pUnion}/{@link #nUnion}, canonical spans. */
  abstract H widen(H h);

  /** The header 2.42's head gives the first chunk of a series whose first sample has this hint. */
  static Header headerFor(int resetHint) {
    switch (resetHint) {
      case Histogram.HINT_GAUGE:
        return Header.GAUGE;
      case Histogram.HINT_COUNTER_RESET:
        return Header.COUNTER_RESET;
      default:
        return Header.UNKNOWN;
    }
  }

  /**
   * The header 2.42's head gives the chunk it starts after this one for {@code h}, whatever made it
   * cut (a refused append, or this chunk being full).
   */
  public Header nextChunkHeader(H h) {
    int hint = h.resetHint();
    if (hint == Histogram.HINT_GAUGE || hint == Histogram.HINT_COUNTER_RESET) {
      return headerFor(hint);
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

  /** Length of {@link #bytes()}. */
  public int length() {
    return ((bitPos + 7) >>> 3) + (emptyByte ? 1 : 0);
  }

  /**
   * Heap this writer holds, estimated from its arrays' lengths (a 64-bit JVM with compressed
   * references): the chunk buffer, which keeps its largest size across chunks so that a series'
   * steady state allocates nothing, plus the layout and the per-bucket scratch. For the head's
   * memory accounting; measured against the JVM in {@code HeadHistogramMemoryTest}.
   */
  public long heapBytes() {
    return 6 * 24 // the Indices objects
        + arrayBytes(buf.length, 1)
        + arrayBytes(layoutBounds.length, 8)
        + noSpans.heapBytes()
        + arrayBytes(pLayout.idx.length, 4)
        + arrayBytes(nLayout.idx.length, 4)
        + arrayBytes(pNew.idx.length, 4)
        + arrayBytes(nNew.idx.length, 4)
        + arrayBytes(pUnion.idx.length, 4)
        + arrayBytes(nUnion.idx.length, 4)
        + scratchHeapBytes();
  }

  /** Heap of an array of {@code n} elements of {@code size} bytes, 8-byte aligned. */
  static long arrayBytes(int n, int size) {
    return (16L + (long) n * size + 7) & ~7L;
  }

  /**
   * Memory pressure, right after a cut ({@link #reset}): gives back a chunk buffer grown past its
   * initial size, which the next chunk would otherwise reuse.
   */
  public void trimBuffer() {
    if (count == 0 && buf.length > INITIAL_BUFFER) {
      buf = new byte[INITIAL_BUFFER];
    }
  }

  /** Bits written so far, the 3 header bytes included (for tests). */
  int bitLength() {
    return bitPos;
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
   * @throws IllegalArgumentException when a side's buckets do not match its spans' bucket count
   */
  public Verdict append(long ts, H h) {
    validate(h);
    if (count == 0xffff) {
      throw new IllegalStateException("chunk full: 65535 samples");
    }
    if (count == 0) {
      write(ts, h);
      return Verdict.APPEND;
    }
    Verdict v = check(h);
    boolean gauge = h.resetHint() == Histogram.HINT_GAUGE;
    if (v == Verdict.RECODE) {
      // A gauge with new buckets: 2.42 recodes the chunk to the union of both layouts; when the
      // sample also lacks some of the chunk's buckets it widens the sample too, and then both
      // sides of both get the union's canonical spans. Otherwise the chunk takes the sample's
      // spans as they are.
      H target = gauge && (pUnion.n > pNew.n || nUnion.n > nNew.n) ? widen(h) : h;
      recode(target);
      write(ts, target);
      return v;
    }
    if (v == Verdict.APPEND) {
      boolean fewer = pNew.n != pLayout.n || nNew.n != nLayout.n;
      // Fewer buckets than the layout: 2.42 widens the sample, not the chunk.
      write(ts, gauge && !h.isStale() && fewer ? widen(h) : h);
    }
    return v;
  }

  /** What {@link #append} would do with {@code h}, without changing anything. */
  public Verdict check(H h) {
    if (count == 0) {
      return Verdict.APPEND;
    }
    switch (h.resetHint()) {
      case Histogram.HINT_GAUGE:
        return checkGauge(h);
      case Histogram.HINT_COUNTER_RESET:
        return Verdict.CUT_COUNTER_RESET; // the sender says so, even when the counts do not
      default:
        return checkCounter(h);
    }
  }

  private Verdict checkCounter(H h) {
    if (header == Header.GAUGE) {
      return Verdict.CUT;
    }
    if (h.isStale()) {
      return Verdict.APPEND;
    }
    if (lastStale()) {
      return Verdict.CUT;
    }
    if (countFell(h)) {
      return Verdict.CUT_COUNTER_RESET;
    }
    if (!sameLayoutKey(h)) {
      return Verdict.CUT;
    }
    if (boundsChanged(h)) {
      return Verdict.CUT_COUNTER_RESET; // as Prometheus 3: other bounds count as a reset
    }
    if (zeroCountFell(h)) {
      return Verdict.CUT_COUNTER_RESET;
    }
    pNew.of(h.positiveSpans());
    nNew.of(h.negativeSpans());
    // Buckets that disappeared count as a reset, as does any bucket that went down.
    if (!pLayout.subsetOf(pNew) || !nLayout.subsetOf(nNew)) {
      return Verdict.CUT_COUNTER_RESET;
    }
    if (bucketFell(h)) {
      return Verdict.CUT_COUNTER_RESET;
    }
    return pNew.n > pLayout.n || nNew.n > nLayout.n ? Verdict.RECODE : Verdict.APPEND;
  }

  private Verdict checkGauge(H h) {
    if (header != Header.GAUGE) {
      return Verdict.CUT;
    }
    if (h.isStale()) {
      return Verdict.APPEND;
    }
    if (lastStale() || !sameLayoutKey(h) || boundsChanged(h)) {
      return Verdict.CUT;
    }
    pNew.of(h.positiveSpans());
    nNew.of(h.negativeSpans());
    pUnion.union(pLayout, pNew);
    nUnion.union(nLayout, nNew);
    return pUnion.n > pLayout.n || nUnion.n > nLayout.n ? Verdict.RECODE : Verdict.APPEND;
  }

  /**
   * Whether {@code h} has custom buckets (schema -53) with other bounds than the layout's, compared
   * bit for bit. Called after {@link #sameLayoutKey}, so the layout has that schema too.
   */
  private boolean boundsChanged(H h) {
    return h.hasCustomBuckets() && !NativeHistogram.sameBounds(h.customValues(), layoutBounds);
  }

  /** The layout's custom bucket bounds (empty unless its schema is -53). Do not modify. */
  final double[] layoutBounds() {
    return layoutBounds;
  }

  /** Same schema and zero threshold (compared as Go compares floats: -0 == 0, NaN != NaN). */
  private boolean sameLayoutKey(H h) {
    return h.schema() == layoutSchema && h.zeroThreshold() == layoutZeroThreshold;
  }

  /**
   * @throws IllegalArgumentException naming the {@code buckets} ("deltas", "counts") when a side
   *     has not as many as its spans cover
   */
  static void checkSpans(
      Histogram.Buckets p, int pn, Histogram.Buckets n, int nn, String buckets, Object h) {
    if (p.bucketsInSpans() != pn || n.bucketsInSpans() != nn) {
      throw new IllegalArgumentException("bucket " + buckets + " do not match the spans: " + h);
    }
  }

  /**
   * The first sample's layout: the zero threshold, schema and spans of {@code h} (of an empty
   * histogram for a stale marker), which {@link #pLayout}/{@link #nLayout} then index.
   */
  final void putLayout(H h) {
    boolean stale = h.isStale();
    layoutSchema = stale ? 0 : h.schema();
    layoutZeroThreshold = stale ? 0 : h.zeroThreshold();
    Histogram.Buckets p = stale ? noSpans : h.positiveSpans();
    Histogram.Buckets n = stale ? noSpans : h.negativeSpans();
    putZeroThreshold(layoutZeroThreshold);
    putVarbitInt(layoutSchema);
    putSpans(p);
    putSpans(n);
    if (layoutSchema == NativeHistogram.CUSTOM_BUCKETS_SCHEMA) {
      double[] cv = h.customValues();
      putVarbitUint(cv.length);
      for (double bound : cv) {
        putCustomBound(bound);
      }
      if (!NativeHistogram.sameBounds(cv, layoutBounds)) {
        layoutBounds = cv.clone();
      }
    } else if (layoutBounds.length != 0) {
      layoutBounds = new double[0];
    }
    pLayout.of(p);
    nLayout.of(n);
  }

  /** The sample's time: varbit for the first, else the delta of delta. */
  final void putTime(long ts) {
    // NOTE: the second sample needs no case of its own: the previous delta starts at zero, so its
    // "delta of delta" is its delta.
    long newTDelta = count == 0 ? 0 : ts - t;
    putVarbitInt(count == 0 ? ts : newTDelta - tDelta);
    t = ts;
    tDelta = newTDelta;
  }

  private void putSpans(Histogram.Buckets side) {
    putVarbitUint(side.spanCount());
    for (int i = 0; i < side.spanCount(); i++) {
      putVarbitUint(side.spanLength(i) & 0xffffffffL);
      putVarbitInt(side.spanOffset(i));
    }
  }

  /**
   * Bounds 0 .. 33554.43 in steps of 0.001 above this one (in thousandths) need the 64-bit form.
   */
  static final double MAX_SHORT_BOUND_MILLIS = 33554430;

  /**
   * A custom bucket bound as Prometheus 3 writes it: a whole number of thousandths {@code r} in 0
   * .. 33554430 (judged on the double {@code f * 1000}, {@code r / 1000.0 == f}) as varbit uint
   * {@code r + 1}; anything else as a 0 bit and its 64 raw bits.
   */
  private void putCustomBound(double f) {
    double millis = f * 1000;
    if (millis >= 0 && millis <= MAX_SHORT_BOUND_MILLIS) {
      long r = Math.round(millis); // NOTE: ties up, which is Go's away from zero for millis >= 0
      if (r / 1000.0 == f) {
        putVarbitUint(r + 1);
        return;
      }
    }
    put(0, 1);
    put(Double.doubleToRawLongBits(f), 64);
  }

  /**
   * One byte for 0 and for the powers of two 2^-243 .. 2^10 (frexp exponent + 243, so 1-254), else
   * 255 and the 64 bits of the double. Go's {@code -0.0 == 0} holds, so -0.0 is written as 0.
   */
  private void putZeroThreshold(double z) {
    if (z == 0) {
      put(0, 8);
      return;
    }
    long bits = Double.doubleToRawLongBits(z);
    int exp = Math.getExponent(z) + 1; // frexp's exponent: z = 0.5 * 2^exp for a power of two
    boolean powerOfTwo = z > 0 && (bits & 0x000fffffffffffffL) == 0 && Math.getExponent(z) >= -1022;
    if (!powerOfTwo || exp < -242 || exp > 11) {
      put(255, 8);
      put(bits, 64);
      return;
    }
    put(exp + ZERO_THRESHOLD_BIAS, 8);
  }

  /**
   * {@code x} (a value's bits XOR the previous value's) encoded exactly as an XOR chunk's values
   * are, with the window {@code leading[f]}/{@code trailing[f]} ({@link #NO_WINDOW}: none yet).
   */
  final void putXor(long x, int[] leading, int[] trailing, int f) {
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

  /** Prefixes 0, 10, 110, ... 11111110, 11111111 for the payload widths below. */
  private static final int[] WIDTHS = {3, 6, 9, 12, 18, 25, 56};

  final void putVarbitInt(long v) {
    putVarbit(v, true);
  }

  final void putVarbitUint(long v) {
    putVarbit(v, false);
  }

  /**
   * The first bucket that holds {@code v}: signed, {@code -(2^(w-1) - 1) .. 2^(w-1)}; unsigned,
   * below {@code 2^w}. Else the 8-bit prefix and all 64 bits.
   */
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
        int n = k + 2; // k + 1 one bits and a zero: 10, 110, ..., 11111110
        put(((1L << n) - 1) ^ 1, n);
        put(v, WIDTHS[k]);
        return;
      }
    }
    put(0xff, 8);
    put(v, 64);
  }

  /**
   * Writes the low {@code n} bits of {@code v}. NOTE: callers write each field with the same split
   * into writes as 2.42 does (prefix, then payload), because whether a trailing empty byte remains
   * depends on the last write only: a multiple of 8 bits that started on a byte boundary.
   */
  final void put(long v, int n) {
    int pos = bitPos;
    int idx = pos >>> 3;
    if (idx + 10 > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(idx + 10, buf.length * 2));
    }
    XorChunk.orBits(buf, idx, pos & 7, v, n);
    emptyByte = (pos & 7) == 0 && (n & 7) == 0;
    bitPos = pos + n;
  }
}
