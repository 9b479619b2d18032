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
public final class HistogramChunkEncoder extends HistogramChunkWriter<Histogram> {
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
    /**
     * Not appended: a counter reset, or (schema -53) other custom bounds, which Prometheus 3 treats
     * as one; the next chunk gets {@link Header#COUNTER_RESET}.
     */
    CUT_COUNTER_RESET,
    /**
     * Not appended: another schema or zero threshold, a gauge after counters (or the reverse), or a
     * sample after a stale marker.
     */
    CUT
  }

  // The state of the last append.
  private long cnt;
  private long cntDelta;
  private long zCnt;
  private long zCntDelta;
  private long sumBits;
  private final int[] leading = {NO_WINDOW};
  private final int[] trailing = {0};
  private long[] pVal = new long[0];
  private long[] pDelta = new long[0];
  private long[] nVal = new long[0];
  private long[] nDelta = new long[0];

  // Scratch for widening and recoding.
  private final Histogram widened = new Histogram();
  private long[] overScratch = new long[0];

  public HistogramChunkEncoder(Header header) {
    super(header);
  }

  @Override
  long scratchHeapBytes() {
    // The object itself (as laid out by JDK 17 with compressed references; JOL/class histogram),
    // the XOR windows, the last values and deltas per bucket, and the widening scratch.
    return 168
        + 2 * arrayBytes(1, 4)
        + 2 * arrayBytes(pVal.length, 8)
        + 2 * arrayBytes(nVal.length, 8)
        + arrayBytes(overScratch.length, 8)
        + widened.heapBytes();
  }

  /** The header 2.42's head gives the first chunk of a series whose first sample is {@code h}. */
  public static Header firstChunkHeader(Histogram h) {
    return headerFor(h.resetHint());
  }

  @Override
  public void reset(Header next) {
    super.reset(next);
    leading[0] = NO_WINDOW;
    trailing[0] = 0;
  }

  @Override
  boolean lastStale() {
    return sumBits == Histogram.STALE_NAN_BITS;
  }

  @Override
  boolean countFell(Histogram h) {
    return Long.compareUnsigned(h.count(), cnt) < 0;
  }

  @Override
  boolean zeroCountFell(Histogram h) {
    return Long.compareUnsigned(h.zeroCount(), zCnt) < 0;
  }

  @Override
  boolean bucketFell(Histogram h) {
    return decreased(pLayout, pVal, pNew, h.positive())
        || decreased(nLayout, nVal, nNew, h.negative());
  }

  @Override
  Histogram widen(Histogram h) {
    widen(h, pUnion, nUnion);
    return widened;
  }

  @Override
  void recode(Histogram target) {
    recode(target.positive(), target.negative());
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
    // NOTE: recoding allocates (a reader and a few small objects per recode, not per sample): it
    // is rare, and 2.42 itself rebuilds the whole chunk here. The reader is not kept: it would
    // cost every histogram series ~0.5 KB of heap for the rest of its life.
    HistogramChunkIterator it = new HistogramChunkIterator().reset(old, 0, old.length);
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
  @Override
  void write(long ts, Histogram in) {
    boolean stale = in.isStale();
    long hCount = stale ? 0 : in.count();
    long hZero = stale ? 0 : in.zeroCount();
    long hSum = Double.doubleToRawLongBits(in.sum());
    int pn = stale ? 0 : in.positive().bucketCount();
    int nn = stale ? 0 : in.negative().bucketCount();
    long newCntDelta = 0;
    long newZDelta = 0;
    if (count == 0) {
      putLayout(in);
      pVal = zeroed(pVal, pLayout.n);
      pDelta = zeroed(pDelta, pLayout.n);
      nVal = zeroed(nVal, nLayout.n);
      nDelta = zeroed(nDelta, nLayout.n);
      putTime(ts);
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
      newCntDelta = hCount - cnt;
      newZDelta = hZero - zCnt;
      putTime(ts);
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
    cnt = hCount;
    zCnt = hZero;
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

  /** The sum, xor-encoded against the previous one exactly as an XOR chunk's values are. */
  private void putSum(long bits) {
    putXor(bits ^ sumBits, leading, trailing, 0);
  }

  @Override
  void validate(Histogram h) {
    if (!h.isStale()) {
      Histogram.Buckets p = h.positive();
      Histogram.Buckets n = h.negative();
      checkSpans(p, p.bucketCount(), n, n.bucketCount(), "deltas", h);
    }
  }
}
