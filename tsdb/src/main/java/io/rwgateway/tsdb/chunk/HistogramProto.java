package io.rwgateway.tsdb.chunk;

import java.util.Arrays;

/**
 * The protobuf {@code Histogram} message (remote write 1.0 {@code prometheus.Histogram}; 2.0 uses
 * the same field numbers), as the head stores it, to and from {@link Histogram} (integer counts,
 * {@link #readInteger}) and {@link FloatHistogram} (float counts, {@link #readFloat}). Custom
 * bucket bounds (field 16, newer than 2.42) are read by neither: no 2.42 chunk can hold them.
 *
 * <p>Fields: 1 count_int (varint), 2 count_float (fixed64), 3 sum (fixed64), 4 schema (sint32), 5
 * zero_threshold (fixed64), 6 zero_count_int (varint), 7 zero_count_float (fixed64), 8/11
 * negative/positive spans (messages: 1 offset sint32, 2 length uint32), 9/12 negative/positive
 * deltas (sint64, packed or not), 10/13 negative/positive counts (double), 14 reset hint (enum), 15
 * timestamp (int64), 16 custom values (double).
 *
 * <p>Not thread-safe (reuses its scratch arrays).
 */
public final class HistogramProto {
  private byte[] b;
  private int pos;

  private int[] pOff = new int[4];
  private int[] pLen = new int[4];
  private int pSpans;
  private int[] nOff = new int[4];
  private int[] nLen = new int[4];
  private int nSpans;
  private long[] pDeltas = new long[8];
  private int pBuckets;
  private long[] nDeltas = new long[8];
  private int nBuckets;
  private double[] pFloat = new double[8];
  private int pCounts;
  private double[] nFloat = new double[8];
  private int nCounts;

  /**
   * Reads the message in {@code bytes[off, off + len)} into {@code h}; false (and {@code h} in an
   * unspecified state) when it carries float counts or custom bucket bounds, which an integer
   * histogram chunk cannot hold.
   *
   * @throws IllegalArgumentException when the bytes are not a well-formed message
   */
  public boolean readInteger(byte[] bytes, int off, int len, Histogram h) {
    b = bytes;
    pos = off;
    int end = off + len;
    pSpans = nSpans = pBuckets = nBuckets = 0;
    h.clear();
    boolean integer = true;
    while (pos < end) {
      long tag = varint(end);
      int field = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      switch (field) {
        case 1 -> h.count(varint(end));
        case 3 -> h.sum(Double.longBitsToDouble(fixed64(end)));
        case 4 -> h.schema(zigzag32(varint(end)));
        case 5 -> h.zeroThreshold(Double.longBitsToDouble(fixed64(end)));
        case 6 -> h.zeroCount(varint(end));
        case 2, 7, 10, 13, 16 -> {
          integer = false;
          skip(wt, end);
        }
        case 8, 11 -> span(field == 11, end);
        case 9, 12 -> deltas(field == 12, wt, end);
        case 14 -> h.resetHint((int) varint(end));
        default -> skip(wt, end);
      }
    }
    if (pos != end) {
      throw new IllegalArgumentException("histogram message overruns its length");
    }
    if (!integer) {
      return false;
    }
    h.positive()
        .set(
            Arrays.copyOf(pOff, pSpans),
            Arrays.copyOf(pLen, pSpans),
            Arrays.copyOf(pDeltas, pBuckets));
    h.negative()
        .set(
            Arrays.copyOf(nOff, nSpans),
            Arrays.copyOf(nLen, nSpans),
            Arrays.copyOf(nDeltas, nBuckets));
    return true;
  }

  /**
   * Reads a message with float counts into {@code h}; false when it carries integer counts or
   * bucket deltas, or custom bucket bounds (then {@code h} is unspecified).
   *
   * @throws IllegalArgumentException when the bytes are not a well-formed message
   */
  public boolean readFloat(byte[] bytes, int off, int len, FloatHistogram h) {
    b = bytes;
    pos = off;
    int end = off + len;
    pSpans = nSpans = pCounts = nCounts = 0;
    h.clear();
    boolean isFloat = true;
    while (pos < end) {
      long tag = varint(end);
      int field = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      switch (field) {
        case 2 -> h.count(Double.longBitsToDouble(fixed64(end)));
        case 3 -> h.sum(Double.longBitsToDouble(fixed64(end)));
        case 4 -> h.schema(zigzag32(varint(end)));
        case 5 -> h.zeroThreshold(Double.longBitsToDouble(fixed64(end)));
        case 7 -> h.zeroCount(Double.longBitsToDouble(fixed64(end)));
        case 8, 11 -> span(field == 11, end);
        case 10, 13 -> counts(field == 13, wt, end);
        case 14 -> h.resetHint((int) varint(end));
        case 1, 6, 9, 12, 16 -> {
          isFloat = false;
          skip(wt, end);
        }
        default -> skip(wt, end);
      }
    }
    if (pos != end) {
      throw new IllegalArgumentException("histogram message overruns its length");
    }
    if (!isFloat) {
      return false;
    }
    h.positive()
        .set(
            Arrays.copyOf(pOff, pSpans),
            Arrays.copyOf(pLen, pSpans),
            Arrays.copyOf(pFloat, pCounts));
    h.negative()
        .set(
            Arrays.copyOf(nOff, nSpans),
            Arrays.copyOf(nLen, nSpans),
            Arrays.copyOf(nFloat, nCounts));
    return true;
  }

  private void counts(boolean positive, int wt, int end) {
    if (wt == 2) {
      int packedLen = (int) varint(end);
      int packedEnd = Math.addExact(pos, packedLen);
      if (packedLen < 0 || packedEnd > end || packedLen % 8 != 0) {
        throw new IllegalArgumentException("packed counts do not fit the histogram");
      }
      while (pos < packedEnd) {
        addCount(positive, Double.longBitsToDouble(fixed64(packedEnd)));
      }
    } else if (wt == 1) {
      addCount(positive, Double.longBitsToDouble(fixed64(end)));
    } else {
      throw new IllegalArgumentException("bucket counts with wire type " + wt);
    }
  }

  private void addCount(boolean positive, double c) {
    if (positive) {
      if (pCounts == pFloat.length) {
        pFloat = Arrays.copyOf(pFloat, pCounts * 2);
      }
      pFloat[pCounts++] = c;
    } else {
      if (nCounts == nFloat.length) {
        nFloat = Arrays.copyOf(nFloat, nCounts * 2);
      }
      nFloat[nCounts++] = c;
    }
  }

  private void span(boolean positive, int end) {
    int spanLen = (int) varint(end); // NOTE: read before pos is used: varint moves it
    int spanEnd = Math.addExact(pos, spanLen);
    if (spanLen < 0 || spanEnd > end) {
      throw new IllegalArgumentException("bucket span overruns the histogram");
    }
    int offset = 0;
    int length = 0;
    while (pos < spanEnd) {
      long tag = varint(spanEnd);
      int field = (int) (tag >>> 3);
      if (field == 1) {
        offset = zigzag32(varint(spanEnd));
      } else if (field == 2) {
        length = (int) varint(spanEnd);
      } else {
        skip((int) (tag & 7), spanEnd);
      }
    }
    if (positive) {
      if (pSpans == pOff.length) {
        pOff = Arrays.copyOf(pOff, pSpans * 2);
        pLen = Arrays.copyOf(pLen, pSpans * 2);
      }
      pOff[pSpans] = offset;
      pLen[pSpans++] = length;
    } else {
      if (nSpans == nOff.length) {
        nOff = Arrays.copyOf(nOff, nSpans * 2);
        nLen = Arrays.copyOf(nLen, nSpans * 2);
      }
      nOff[nSpans] = offset;
      nLen[nSpans++] = length;
    }
  }

  private void deltas(boolean positive, int wt, int end) {
    if (wt == 2) {
      int packedLen = (int) varint(end);
      int packedEnd = Math.addExact(pos, packedLen);
      if (packedLen < 0 || packedEnd > end) {
        throw new IllegalArgumentException("packed deltas overrun the histogram");
      }
      while (pos < packedEnd) {
        addDelta(positive, zigzag64(varint(packedEnd)));
      }
    } else if (wt == 0) {
      addDelta(positive, zigzag64(varint(end)));
    } else {
      throw new IllegalArgumentException("bucket deltas with wire type " + wt);
    }
  }

  private void addDelta(boolean positive, long d) {
    if (positive) {
      if (pBuckets == pDeltas.length) {
        pDeltas = Arrays.copyOf(pDeltas, pBuckets * 2);
      }
      pDeltas[pBuckets++] = d;
    } else {
      if (nBuckets == nDeltas.length) {
        nDeltas = Arrays.copyOf(nDeltas, nBuckets * 2);
      }
      nDeltas[nBuckets++] = d;
    }
  }

  private long varint(int end) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= end) {
        throw new IllegalArgumentException("truncated varint in histogram");
      }
      int x = b[pos++];
      v |= (long) (x & 0x7f) << shift;
      if (x >= 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("varint longer than 10 bytes in histogram");
  }

  private long fixed64(int end) {
    if (pos + 8 > end) {
      throw new IllegalArgumentException("truncated fixed64 in histogram");
    }
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = (v << 8) | (b[pos + i] & 0xff);
    }
    pos += 8;
    return v;
  }

  private void skip(int wt, int end) {
    switch (wt) {
      case 0 -> varint(end);
      case 1 -> pos += 8;
      case 2 -> {
        int len = (int) varint(end);
        if (len < 0) {
          throw new IllegalArgumentException("negative length in histogram");
        }
        pos = Math.addExact(pos, len);
      }
      case 5 -> pos += 4;
      default -> throw new IllegalArgumentException("wire type " + wt + " in histogram");
    }
    if (pos > end) {
      throw new IllegalArgumentException("field overruns the histogram");
    }
  }

  private static int zigzag32(long v) {
    int x = (int) v;
    return (x >>> 1) ^ -(x & 1);
  }

  private static long zigzag64(long v) {
    return (v >>> 1) ^ -(v & 1);
  }

  /**
   * {@code h} at time {@code t} as a protobuf {@code Histogram} with integer counts (both count
   * alternatives always present, so the message says it is an integer histogram), packed deltas,
   * and zero-valued scalar fields left out as proto3 leaves them out.
   */
  public static byte[] encode(long t, Histogram h) {
    Out o = new Out();
    o.tag(1, 0).varint(h.count());
    if (Double.doubleToRawLongBits(h.sum()) != 0) {
      o.tag(3, 1).fixed64(Double.doubleToRawLongBits(h.sum()));
    }
    if (h.schema() != 0) {
      o.tag(4, 0).varint(Integer.toUnsignedLong((h.schema() << 1) ^ (h.schema() >> 31)));
    }
    if (Double.doubleToRawLongBits(h.zeroThreshold()) != 0) {
      o.tag(5, 1).fixed64(Double.doubleToRawLongBits(h.zeroThreshold()));
    }
    o.tag(6, 0).varint(h.zeroCount());
    side(o, h.negative(), 8, 9);
    side(o, h.positive(), 11, 12);
    if (h.resetHint() != 0) {
      o.tag(14, 0).varint(h.resetHint());
    }
    if (t != 0) {
      o.tag(15, 0).varint(t);
    }
    return Arrays.copyOf(o.buf, o.n);
  }

  /**
   * {@code h} at time {@code t} as a protobuf {@code Histogram} with float counts (both count
   * alternatives always present), packed absolute bucket counts.
   */
  public static byte[] encode(long t, FloatHistogram h) {
    Out o = new Out();
    o.tag(2, 1).fixed64(Double.doubleToRawLongBits(h.count()));
    if (Double.doubleToRawLongBits(h.sum()) != 0) {
      o.tag(3, 1).fixed64(Double.doubleToRawLongBits(h.sum()));
    }
    if (h.schema() != 0) {
      o.tag(4, 0).varint(Integer.toUnsignedLong((h.schema() << 1) ^ (h.schema() >> 31)));
    }
    if (Double.doubleToRawLongBits(h.zeroThreshold()) != 0) {
      o.tag(5, 1).fixed64(Double.doubleToRawLongBits(h.zeroThreshold()));
    }
    o.tag(7, 1).fixed64(Double.doubleToRawLongBits(h.zeroCount()));
    floatSide(o, h.negative(), 8, 10);
    floatSide(o, h.positive(), 11, 13);
    if (h.resetHint() != 0) {
      o.tag(14, 0).varint(h.resetHint());
    }
    if (t != 0) {
      o.tag(15, 0).varint(t);
    }
    return Arrays.copyOf(o.buf, o.n);
  }

  private static void floatSide(Out o, FloatHistogram.Side s, int spansField, int countsField) {
    for (int i = 0; i < s.spanCount(); i++) {
      span(o, spansField, s.spanOffset(i), s.spanLength(i));
    }
    if (s.bucketCount() > 0) {
      o.tag(countsField, 2).varint(8L * s.bucketCount());
      for (int i = 0; i < s.bucketCount(); i++) {
        o.fixed64(Double.doubleToRawLongBits(s.count(i)));
      }
    }
  }

  private static void span(Out o, int field, int off, int length) {
    Out span = new Out();
    if (off != 0) {
      span.tag(1, 0).varint(Integer.toUnsignedLong((off << 1) ^ (off >> 31)));
    }
    if (length != 0) {
      span.tag(2, 0).varint(Integer.toUnsignedLong(length));
    }
    o.tag(field, 2).varint(span.n).bytes(span.buf, span.n);
  }

  private static void side(Out o, Histogram.Buckets s, int spansField, int deltasField) {
    for (int i = 0; i < s.spanCount(); i++) {
      span(o, spansField, s.spanOffset(i), s.spanLength(i));
    }
    if (s.bucketCount() > 0) {
      Out packed = new Out();
      for (int i = 0; i < s.bucketCount(); i++) {
        long d = s.delta(i);
        packed.varint((d << 1) ^ (d >> 63));
      }
      o.tag(deltasField, 2).varint(packed.n).bytes(packed.buf, packed.n);
    }
  }

  /** A growing byte buffer with protobuf's primitive encodings. */
  private static final class Out {
    byte[] buf = new byte[64];
    int n;

    private void ensure(int more) {
      if (n + more > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
      }
    }

    Out tag(int field, int wireType) {
      return varint(((long) field << 3) | wireType);
    }

    Out varint(long v) {
      ensure(10);
      while ((v & ~0x7fL) != 0) {
        buf[n++] = (byte) ((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      buf[n++] = (byte) v;
      return this;
    }

    Out fixed64(long v) {
      ensure(8);
      for (int i = 0; i < 8; i++) {
        buf[n++] = (byte) (v >>> (8 * i));
      }
      return this;
    }

    Out bytes(byte[] src, int len) {
      ensure(len);
      System.arraycopy(src, 0, buf, n, len);
      n += len;
      return this;
    }
  }
}
