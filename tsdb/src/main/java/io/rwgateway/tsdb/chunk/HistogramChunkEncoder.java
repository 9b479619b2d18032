package io.rwgateway.tsdb.chunk;

import java.util.Arrays;

/**
 * Builds one histogram chunk (Prometheus' {@code EncHistogram}, encoding byte 2) bit for bit as
 * Prometheus 2.42's {@code HistogramAppender} and head do (docs/format/histogram-chunks.md),
 * including the trailing empty byte 2.42's bit stream sometimes keeps, so that {@link #bytes()} is
 * byte-identical to the chunk Prometheus writes for the same samples.
 *
 * <p>{@link #append} decides like 2.42's head: a histogram with new buckets re-encodes the chunk
 * with the wider layout ({@link Verdict#RECODE}); a counter reset, a schema or zero-threshold
 * change, a gauge/counter switch or a sample after a stale marker is refused ({@link
 * Verdict#CUT_COUNTER_RESET}, {@link Verdict#CUT}): the caller finishes this chunk and starts the
 * next with {@link #nextChunkHeader}. Cutting at 120 samples is also the caller's business.
 *
 * <p>Not thread-safe.
 */
public final class HistogramChunkEncoder {
  /** The counter-reset header: the top two bits of the chunk's third byte. */
  public enum Header {
    UNKNOWN(0x00),
    NOT_COUNTER_RESET(0x40),
    COUNTER_RESET(0x80),
    GAUGE(0xc0);

    final int bits;

    Header(int bits) {
      this.bits = bits;
    }

    /** The chunk's third byte with this header (its low six bits are always zero). */
    public byte toByte() {
      return (byte) bits;
    }

    /** The header of a chunk whose third byte is {@code b}. */
    public static Header of(int b) {
      switch (b & 0xc0) {
        case 0x40:
          return NOT_COUNTER_RESET;
        case 0x80:
          return COUNTER_RESET;
        case 0xc0:
          return GAUGE;
        default:
          return UNKNOWN;
      }
    }
  }

  /** What {@link #append} did, or would do ({@link #check}). */
  public enum Verdict {
    /** Appended as it is. */
    APPEND,
    /** New buckets: the chunk was re-encoded with the wider layout, then the sample appended. */
    RECODE,
    /** Not appended: a counter reset; the next chunk gets {@link Header#COUNTER_RESET}. */
    CUT_COUNTER_RESET,
    /**
     * Not appended: another schema or zero threshold, a gauge after counters (or the reverse), or a
     * sample after a stale marker.
     */
    CUT
  }

  /** Added to a power-of-two zero threshold's frexp exponent to give its one-byte code. */
  static final int ZERO_THRESHOLD_BIAS = 243;

  private static final int HEADER_BITS = HistogramChunkIterator.HEADER_BYTES * 8;
  private static final int NO_WINDOW = 0xff;

  private byte[] buf = new byte[128];
  private int bitPos = HEADER_BITS;

  /**
   * NOTE: 2.42's bit stream appends a zero byte whenever it writes a whole byte on a byte boundary
   * and keeps it until the next write fills it; this is true when the last write left one, and
   * {@link #bytes()} then includes it, as Prometheus' {@code Bytes()} does.
   */
  private boolean emptyByte;

  private int count;
  private Header header;

  // The layout (what the first sample wrote, or the last recode) and the state of the last append.
  private final Histogram layout = new Histogram();
  private final Indices pLayout = new Indices();
  private final Indices nLayout = new Indices();
  private long t;
  private long tDelta;
  private long cnt;
  private long cntDelta;
  private long zCnt;
  private long zCntDelta;
  private long sumBits;
  private int leading = NO_WINDOW;
  private int trailing;
  private long[] pVal = new long[0];
  private long[] pDelta = new long[0];
  private long[] nVal = new long[0];
  private long[] nDelta = new long[0];

  // Scratch for the layout checks and recoding.
  private final Indices pNew = new Indices();
  private final Indices nNew = new Indices();
  private final Indices pUnion = new Indices();
  private final Indices nUnion = new Indices();
  private final Histogram widened = new Histogram();
  private HistogramChunkIterator recodeReader;
  private long[] overScratch = new long[0];

  public HistogramChunkEncoder(Header header) {
    this.header = header;
  }

  /** The header 2.42's head gives the first chunk of a series whose first sample is {@code h}. */
  public static Header firstChunkHeader(Histogram h) {
    switch (h.resetHint()) {
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
  public Header nextChunkHeader(Histogram h) {
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

  /** Length of {@link #bytes()}. */
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
    leading = NO_WINDOW;
    trailing = 0;
  }

  /**
   * Appends {@code h} at {@code ts} unless 2.42 would cut a new chunk for it (then nothing changes
   * and the verdict says why). The caller keeps timestamps ascending and cuts full chunks.
   *
   * @throws IllegalArgumentException when a side's deltas do not match its spans' bucket count
   */
  public Verdict append(long ts, Histogram h) {
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
      if (h.resetHint() == Histogram.HINT_GAUGE) {
        appendGaugeWidened(ts, h);
        return v;
      }
      recode(h.positive(), h.negative());
    } else if (v == Verdict.APPEND
        && h.resetHint() == Histogram.HINT_GAUGE
        && !h.isStale()
        && (pNew.n != pLayout.n || nNew.n != nLayout.n)) {
      // Fewer buckets than the layout: 2.42 widens the sample, not the chunk.
      widen(h, pUnion, nUnion);
      write(ts, widened);
      return v;
    }
    if (v == Verdict.APPEND || v == Verdict.RECODE) {
      write(ts, h);
    }
    return v;
  }

  /** What {@link #append} would do with {@code h}, without changing anything. */
  public Verdict check(Histogram h) {
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

  private Verdict checkCounter(Histogram h) {
    if (header == Header.GAUGE) {
      return Verdict.CUT;
    }
    if (h.isStale()) {
      return Verdict.APPEND;
    }
    if (sumBits == Histogram.STALE_NAN_BITS) {
      return Verdict.CUT;
    }
    if (Long.compareUnsigned(h.count(), cnt) < 0) {
      return Verdict.CUT_COUNTER_RESET;
    }
    if (!sameLayoutKey(h)) {
      return Verdict.CUT;
    }
    if (Long.compareUnsigned(h.zeroCount(), zCnt) < 0) {
      return Verdict.CUT_COUNTER_RESET;
    }
    pNew.of(h.positive());
    nNew.of(h.negative());
    // Buckets that disappeared count as a reset, as does any bucket that went down.
    if (!pLayout.subsetOf(pNew) || !nLayout.subsetOf(nNew)) {
      return Verdict.CUT_COUNTER_RESET;
    }
    if (decreased(pLayout, pVal, pNew, h.positive())
        || decreased(nLayout, nVal, nNew, h.negative())) {
      return Verdict.CUT_COUNTER_RESET;
    }
    return pNew.n > pLayout.n || nNew.n > nLayout.n ? Verdict.RECODE : Verdict.APPEND;
  }

  private Verdict checkGauge(Histogram h) {
    if (header != Header.GAUGE) {
      return Verdict.CUT;
    }
    if (h.isStale()) {
      return Verdict.APPEND;
    }
    if (sumBits == Histogram.STALE_NAN_BITS || !sameLayoutKey(h)) {
      return Verdict.CUT;
    }
    pNew.of(h.positive());
    nNew.of(h.negative());
    pUnion.union(pLayout, pNew);
    nUnion.union(nLayout, nNew);
    return pUnion.n > pLayout.n || nUnion.n > nLayout.n ? Verdict.RECODE : Verdict.APPEND;
  }

  /** Same schema and zero threshold (compared as Go compares floats: -0 == 0, NaN != NaN). */
  private boolean sameLayoutKey(Histogram h) {
    return h.schema() == layout.schema() && h.zeroThreshold() == layout.zeroThreshold();
  }

  /**
   * A gauge with new buckets: 2.42 recodes the chunk to the union of both layouts; when the sample
   * also lacks some of the chunk's buckets it widens the sample too, and then both sides of both
   * get the union's canonical spans. Otherwise the chunk takes the sample's spans as they are.
   */
  private void appendGaugeWidened(long ts, Histogram h) {
    boolean sampleLacks = pUnion.n > pNew.n || nUnion.n > nNew.n;
    if (sampleLacks) {
      widen(h, pUnion, nUnion);
      recode(widened.positive(), widened.negative());
      write(ts, widened);
    } else {
      recode(h.positive(), h.negative());
      write(ts, h);
    }
  }

  /**
   * Sets {@link #widened} to {@code h} with its buckets spread over the indices {@code p}/{@code n}
   * (zero where {@code h} has none), with the canonical spans of those indices.
   */
  private void widen(Histogram h, Indices p, Indices n) {
    widened.copyFrom(h);
    widened.positive().setAbsolute(p.idx, over(h.positive(), pNew, p), p.n);
    widened.negative().setAbsolute(n.idx, over(h.negative(), nNew, n), n.n);
  }

  /**
   * The absolute counts of {@code in} (whose buckets are at indices {@code from}) at every index of
   * the larger set {@code to}, zero where {@code in} has no bucket; in a scratch array reused by
   * the next call.
   */
  private long[] over(Histogram.Buckets in, Indices from, Indices to) {
    if (overScratch.length < to.n) {
      overScratch = new long[to.n];
    }
    long inAbs = 0;
    int j = 0;
    for (int i = 0; i < to.n; i++) {
      long v = 0;
      if (j < from.n && from.idx[j] == to.idx[i]) {
        inAbs += in.delta(j++);
        v = inAbs;
      }
      overScratch[i] = v;
    }
    return overScratch;
  }

  /** Sets {@code out}'s buckets (its spans kept) to these absolute counts, delta-encoded. */
  private static void setDeltas(Histogram.Buckets out, long[] abs, int n) {
    out.setBucketCount(n);
    long prev = 0;
    for (int i = 0; i < n; i++) {
      out.setDelta(i, abs[i] - prev);
      prev = abs[i];
    }
  }

  /** Whether any bucket present in the old layout has a lower count in the new sample. */
  private static boolean decreased(
      Indices old, long[] oldDeltas, Indices now, Histogram.Buckets nowDeltas) {
    long oldAbs = 0;
    long nowAbs = 0;
    int j = 0;
    for (int i = 0; i < old.n; i++) {
      oldAbs += oldDeltas[i];
      while (now.idx[j] != old.idx[i]) {
        nowAbs += nowDeltas.delta(j++);
      }
      nowAbs += nowDeltas.delta(j++);
      if (nowAbs < oldAbs) {
        return true;
      }
    }
    return false;
  }

  /**
   * Re-encodes every sample so far with the wider layout {@code p}/{@code n} (old samples get zero
   * in the new buckets), as 2.42's {@code Recode} does: a fresh chunk, the same header.
   */
  private void recode(Histogram.Buckets p, Histogram.Buckets n) {
    byte[] old = bytes();
    int samples = count;
    if (recodeReader == null) {
      recodeReader = new HistogramChunkIterator();
    }
    HistogramChunkIterator it = recodeReader.reset(old, 0, old.length);
    // NOTE: recoding allocates (a few small objects per recode, not per sample): it is rare, and
    // 2.42 itself rebuilds the whole chunk here.
    Histogram w = new Histogram();
    Histogram.Buckets pSpans = new Histogram.Buckets();
    Histogram.Buckets nSpans = new Histogram.Buckets();
    pSpans.copyFrom(p);
    nSpans.copyFrom(n);
    Indices pTo = new Indices();
    Indices nTo = new Indices();
    pTo.of(p);
    nTo.of(n);
    Indices pFrom = new Indices();
    Indices nFrom = new Indices();
    reset(header);
    for (int k = 0; k < samples && it.next(); k++) {
      Histogram s = it.histogram();
      pFrom.of(s.positive());
      nFrom.of(s.negative());
      w.copyFrom(s);
      w.positive().copyFrom(pSpans); // the target's spans as given (they need not be canonical)
      w.negative().copyFrom(nSpans);
      setDeltas(w.positive(), over(s.positive(), pFrom, pTo), pTo.n);
      setDeltas(w.negative(), over(s.negative(), nFrom, nTo), nTo.n);
      write(it.t(), w);
    }
  }

  /** 2.42's {@code AppendHistogram}: no checks, the sample as it is. */
  private void write(long ts, Histogram in) {
    boolean stale = in.isStale();
    long hCount = stale ? 0 : in.count();
    long hZero = stale ? 0 : in.zeroCount();
    long hSum = Double.doubleToRawLongBits(in.sum());
    int pn = stale ? 0 : in.positive().bucketCount();
    int nn = stale ? 0 : in.negative().bucketCount();
    long newTDelta = 0;
    long newCntDelta = 0;
    long newZDelta = 0;
    if (count == 0) {
      if (stale) {
        layout.clear();
      } else {
        layout.copyFrom(in);
      }
      writeLayout(layout);
      pLayout.of(layout.positive());
      nLayout.of(layout.negative());
      pVal = zeroed(pVal, pLayout.n);
      pDelta = zeroed(pDelta, pLayout.n);
      nVal = zeroed(nVal, nLayout.n);
      nDelta = zeroed(nDelta, nLayout.n);
      putVarbitInt(ts);
      putVarbitUint(hCount);
      putVarbitUint(hZero);
      put(hSum, 64);
      for (int i = 0; i < pn; i++) {
        putVarbitInt(in.positive().delta(i));
      }
      for (int i = 0; i < nn; i++) {
        putVarbitInt(in.negative().delta(i));
      }
    } else {
      // NOTE: the second sample needs no case of its own: the previous deltas start at zero, so
      // its "delta of delta" is its delta.
      newTDelta = ts - t;
      newCntDelta = hCount - cnt;
      newZDelta = hZero - zCnt;
      putVarbitInt(newTDelta - tDelta);
      putVarbitInt(stale ? 0 : newCntDelta - cntDelta);
      putVarbitInt(stale ? 0 : newZDelta - zCntDelta);
      putSum(hSum);
      for (int i = 0; i < pn; i++) {
        long d = in.positive().delta(i) - pVal[i];
        putVarbitInt(d - pDelta[i]);
        pDelta[i] = d;
      }
      for (int i = 0; i < nn; i++) {
        long d = in.negative().delta(i) - nVal[i];
        putVarbitInt(d - nDelta[i]);
        nDelta[i] = d;
      }
    }
    count++;
    t = ts;
    cnt = hCount;
    zCnt = hZero;
    tDelta = newTDelta;
    cntDelta = newCntDelta;
    zCntDelta = newZDelta;
    for (int i = 0; i < Math.min(pn, pLayout.n); i++) {
      pVal[i] = in.positive().delta(i);
    }
    for (int i = 0; i < Math.min(nn, nLayout.n); i++) {
      nVal[i] = in.negative().delta(i);
    }
    sumBits = hSum;
  }

  private static long[] zeroed(long[] a, int n) {
    if (a.length < n) {
      return new long[n];
    }
    Arrays.fill(a, 0, n, 0);
    return a;
  }

  private void writeLayout(Histogram h) {
    putZeroThreshold(h.zeroThreshold());
    putVarbitInt(h.schema());
    putSpans(h.positive());
    putSpans(h.negative());
  }

  private void putSpans(Histogram.Buckets side) {
    putVarbitUint(side.spanCount());
    for (int i = 0; i < side.spanCount(); i++) {
      putVarbitUint(side.spanLength(i) & 0xffffffffL);
      putVarbitInt(side.spanOffset(i));
    }
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

  /** The sum, xor-encoded against the previous one exactly as an XOR chunk's values are. */
  private void putSum(long bits) {
    long x = bits ^ sumBits;
    if (x == 0) {
      put(0, 1);
      return;
    }
    int lead = Math.min(Long.numberOfLeadingZeros(x), 31);
    int trail = Long.numberOfTrailingZeros(x);
    if (leading != NO_WINDOW && lead >= leading && trail >= trailing) {
      put(0b10, 2);
      put(x >>> trailing, 64 - leading - trailing);
      return;
    }
    leading = lead;
    trailing = trail;
    int sig = 64 - lead - trail;
    put((0b11L << 11) | ((long) lead << 6) | (sig & 0x3f), 13);
    put(x >>> trail, sig);
  }

  /** Prefixes 0, 10, 110, ... 11111110, 11111111 for the payload widths below. */
  private static final int[] WIDTHS = {3, 6, 9, 12, 18, 25, 56};

  private void putVarbitInt(long v) {
    putVarbit(v, true);
  }

  private void putVarbitUint(long v) {
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
        putPrefix(k);
        put(v, WIDTHS[k]);
        return;
      }
    }
    put(0xff, 8);
    put(v, 64);
  }

  /** k + 1 one bits and a zero: 10, 110, ..., 11111110. */
  private void putPrefix(int k) {
    int n = k + 2;
    put(((1L << n) - 1) ^ 1, n);
  }

  /**
   * Writes the low {@code n} bits of {@code v}. NOTE: callers write each field with the same split
   * into writes as 2.42 does (prefix, then payload), because whether a trailing empty byte remains
   * depends on the last write only: a multiple of 8 bits that started on a byte boundary.
   */
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

  private static void validate(Histogram h) {
    if (h.isStale()) {
      return;
    }
    if (h.positive().bucketsInSpans() != h.positive().bucketCount()
        || h.negative().bucketsInSpans() != h.negative().bucketCount()) {
      throw new IllegalArgumentException("bucket deltas do not match the spans: " + h);
    }
  }

  /** Absolute bucket indices of one side's spans, ascending. */
  static final class Indices {
    int[] idx = new int[0];
    int n;

    void of(Histogram.Buckets side) {
      int total = (int) side.bucketsInSpans();
      if (idx.length < total) {
        idx = new int[Math.max(total, idx.length * 2)];
      }
      n = 0;
      int at = 0;
      for (int s = 0; s < side.spanCount(); s++) {
        at += side.spanOffset(s);
        for (int k = 0; k < side.spanLength(s); k++) {
          idx[n++] = at++;
        }
      }
    }

    boolean subsetOf(Indices o) {
      int j = 0;
      for (int i = 0; i < n; i++) {
        while (j < o.n && o.idx[j] < idx[i]) {
          j++;
        }
        if (j == o.n || o.idx[j] != idx[i]) {
          return false;
        }
      }
      return true;
    }

    void union(Indices a, Indices b) {
      if (idx.length < a.n + b.n) {
        idx = new int[a.n + b.n];
      }
      int i = 0;
      int j = 0;
      n = 0;
      while (i < a.n || j < b.n) {
        int v;
        if (j == b.n || (i < a.n && a.idx[i] < b.idx[j])) {
          v = a.idx[i++];
        } else if (i == a.n || b.idx[j] < a.idx[i]) {
          v = b.idx[j++];
        } else {
          v = a.idx[i++];
          j++;
        }
        idx[n++] = v;
      }
    }
  }
}
