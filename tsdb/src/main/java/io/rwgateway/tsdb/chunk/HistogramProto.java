package io.rwgateway.tsdb.chunk;

import java.util.Arrays;

/**
 * The protobuf {@code Histogram} message (remote write 1.0 {@code prometheus.Histogram}; 2.0 uses
 * the same field numbers), as the head stores it, to and from {@link Histogram} (integer counts,
 * {@link #readInteger}) and {@link FloatHistogram} (float counts, {@link #readFloat}). Custom
 * bucket bounds (field 16, schema -53, newer than 2.42) are read and written both ways ({@link
 * NativeHistogram#customValues()}); chunks hold them in Prometheus 3's layout.
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

  // The last message read: its scalar fields (the counts as read: varints or a double's bits) and
  // its sides.
  private long count;
  private long zeroCount;
  private long sumBits;
  private int schema;
  private long zeroThresholdBits;
  private int resetHint;
  private final SideScratch pSide = new SideScratch();
  private final SideScratch nSide = new SideScratch();
  private double[] customValues = new double[4];
  private int nCustomValues;

  /**
   * Reads the message in {@code bytes[off, off + len)} into {@code h}, custom bucket bounds
   * included; false (and {@code h} in an unspecified state) when it carries float counts, which an
   * integer histogram chunk cannot hold.
   *
   * @throws IllegalArgumentException when the bytes are not a well-formed message
   */
  public boolean readInteger(byte[] bytes, int off, int len, Histogram h) {
    boolean integer = parse(bytes, off, len, false);
    h.clear()
        .count(count)
        .zeroCount(zeroCount)
        .sum(Double.longBitsToDouble(sumBits))
        .schema(schema)
        .zeroThreshold(Double.longBitsToDouble(zeroThresholdBits))
        .resetHint(resetHint)
        .customValues(customValues, nCustomValues);
    if (!integer) {
      return false;
    }
    pSide.toBuckets(h.positive());
    nSide.toBuckets(h.negative());
    return true;
  }

  /**
   * Reads a message with float counts into {@code h}, custom bucket bounds included; false when it
   * carries integer counts or bucket deltas (then {@code h} is unspecified).
   *
   * @throws IllegalArgumentException when the bytes are not a well-formed message
   */
  public boolean readFloat(byte[] bytes, int off, int len, FloatHistogram h) {
    boolean isFloat = parse(bytes, off, len, true);
    h.clear()
        .count(Double.longBitsToDouble(count))
        .zeroCount(Double.longBitsToDouble(zeroCount))
        .sum(Double.longBitsToDouble(sumBits))
        .schema(schema)
        .zeroThreshold(Double.longBitsToDouble(zeroThresholdBits))
        .resetHint(resetHint)
        .customValues(customValues, nCustomValues);
    if (!isFloat) {
      return false;
    }
    pSide.toSide(h.positive());
    nSide.toSide(h.negative());
    return true;
  }

  /**
   * Parses one message into this reader's fields: the integer count fields (1, 6, 9/12) or the
   * float ones (2, 7, 10/13), as {@code floats} says, and the custom bounds (16); false when it has
   * fields of the other kind (those are skipped, not checked).
   */
  private boolean parse(byte[] bytes, int off, int len, boolean floats) {
    b = bytes;
    pos = off;
    int end = off + len;
    count = zeroCount = sumBits = zeroThresholdBits = 0;
    schema = resetHint = 0;
    nCustomValues = 0;
    pSide.clear();
    nSide.clear();
    boolean matches = true;
    while (pos < end) {
      long tag = varint(end);
      int field = (int) (tag >>> 3);
      int wt = (int) (tag & 7);
      switch (field) {
        case 1, 6, 9, 12 -> {
          if (floats) {
            matches = false;
            skip(wt, end);
          } else if (field == 9 || field == 12) {
            deltas(field == 12 ? pSide : nSide, wt, end);
          } else if (field == 1) {
            count = varint(end);
          } else {
            zeroCount = varint(end);
          }
        }
        case 2, 7, 10, 13 -> {
          if (!floats) {
            matches = false;
            skip(wt, end);
          } else if (field == 10 || field == 13) {
            counts(field == 13 ? pSide : nSide, wt, end);
          } else if (field == 2) {
            count = fixed64(end);
          } else {
            zeroCount = fixed64(end);
          }
        }
        case 3 -> sumBits = fixed64(end);
        case 4 -> schema = zigzag32(varint(end));
        case 5 -> zeroThresholdBits = fixed64(end);
        case 8, 11 -> span(field == 11 ? pSide : nSide, end);
        case 14 -> resetHint = (int) varint(end);
        case 16 -> customValues(wt, end);
        default -> skip(wt, end);
      }
    }
    if (pos != end) {
      throw new IllegalArgumentException("histogram message overruns its length");
    }
    return matches;
  }

  private void counts(SideScratch side, int wt, int end) {
    if (wt == 2) {
      int packedLen = (int) varint(end);
      int packedEnd = Math.addExact(pos, packedLen);
      if (packedLen < 0 || packedEnd > end || packedLen % 8 != 0) {
        throw new IllegalArgumentException("packed counts do not fit the histogram");
      }
      while (pos < packedEnd) {
        side.addCount(Double.longBitsToDouble(fixed64(packedEnd)));
      }
    } else if (wt == 1) {
      side.addCount(Double.longBitsToDouble(fixed64(end)));
    } else {
      throw new IllegalArgumentException("bucket counts with wire type " + wt);
    }
  }

  /** Field 16, packed or not: appended to {@link #customValues}. */
  private void customValues(int wt, int end) {
    if (wt == 2) {
      int packedLen = (int) varint(end);
      int packedEnd = Math.addExact(pos, packedLen);
      if (packedLen < 0 || packedEnd > end || packedLen % 8 != 0) {
        throw new IllegalArgumentException("packed custom values do not fit the histogram");
      }
      while (pos < packedEnd) {
        addCustomValue(Double.longBitsToDouble(fixed64(packedEnd)));
      }
    } else if (wt == 1) {
      addCustomValue(Double.longBitsToDouble(fixed64(end)));
    } else {
      throw new IllegalArgumentException("custom values with wire type " + wt);
    }
  }

  private void addCustomValue(double v) {
    if (nCustomValues == customValues.length) {
      customValues = Arrays.copyOf(customValues, nCustomValues * 2);
    }
    customValues[nCustomValues++] = v;
  }

  private void span(SideScratch side, int end) {
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
    side.addSpan(offset, length);
  }

  private void deltas(SideScratch side, int wt, int end) {
    if (wt == 2) {
      int packedLen = (int) varint(end);
      int packedEnd = Math.addExact(pos, packedLen);
      if (packedLen < 0 || packedEnd > end) {
        throw new IllegalArgumentException("packed deltas overrun the histogram");
      }
      while (pos < packedEnd) {
        side.addDelta(zigzag64(varint(packedEnd)));
      }
    } else if (wt == 0) {
      side.addDelta(zigzag64(varint(end)));
    } else {
      throw new IllegalArgumentException("bucket deltas with wire type " + wt);
    }
  }

  /** One side of the message being read: spans, and deltas or counts, in reused arrays. */
  private static final class SideScratch {
    private int[] off = new int[4];
    private int[] len = new int[4];
    private int spans;
    private long[] deltas = new long[8];
    private int buckets;
    private double[] counts = new double[8];
    private int nCounts;

    void clear() {
      spans = buckets = nCounts = 0;
    }

    void addSpan(int offset, int length) {
      if (spans == off.length) {
        off = Arrays.copyOf(off, spans * 2);
        len = Arrays.copyOf(len, spans * 2);
      }
      off[spans] = offset;
      len[spans++] = length;
    }

    void addDelta(long d) {
      if (buckets == deltas.length) {
        deltas = Arrays.copyOf(deltas, buckets * 2);
      }
      deltas[buckets++] = d;
    }

    void addCount(double c) {
      if (nCounts == counts.length) {
        counts = Arrays.copyOf(counts, nCounts * 2);
      }
      counts[nCounts++] = c;
    }

    void toBuckets(Histogram.Buckets out) {
      out.set(off, len, spans, deltas, buckets); // copies: nothing allocated once warm
    }

    void toSide(FloatHistogram.Side out) {
      out.set(off, len, spans, counts, nCounts);
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
    scalars(o, h.sum(), h.schema(), h.zeroThreshold());
    o.tag(6, 0).varint(h.zeroCount());
    side(o, h.negative(), 8, 9);
    side(o, h.positive(), 11, 12);
    return trailer(o, h.resetHint(), t, h.customValues());
  }

  /**
   * {@code h} at time {@code t} as a protobuf {@code Histogram} with float counts (both count
   * alternatives always present), packed absolute bucket counts.
   */
  public static byte[] encode(long t, FloatHistogram h) {
    Out o = new Out();
    o.tag(2, 1).fixed64(Double.doubleToRawLongBits(h.count()));
    scalars(o, h.sum(), h.schema(), h.zeroThreshold());
    o.tag(7, 1).fixed64(Double.doubleToRawLongBits(h.zeroCount()));
    floatSide(o, h.negative(), 8, 10);
    floatSide(o, h.positive(), 11, 13);
    return trailer(o, h.resetHint(), t, h.customValues());
  }

  /** Fields 3 to 5 (sum, schema, zero threshold), each left out when zero. */
  private static void scalars(Out o, double sum, int schema, double zeroThreshold) {
    if (Double.doubleToRawLongBits(sum) != 0) {
      o.tag(3, 1).fixed64(Double.doubleToRawLongBits(sum));
    }
    if (schema != 0) {
      o.tag(4, 0).varint(Integer.toUnsignedLong((schema << 1) ^ (schema >> 31)));
    }
    if (Double.doubleToRawLongBits(zeroThreshold) != 0) {
      o.tag(5, 1).fixed64(Double.doubleToRawLongBits(zeroThreshold));
    }
  }

  /**
   * Fields 14 and 15 (reset hint, timestamp), each left out when zero, and 16 (custom values,
   * packed, left out when empty); the message's bytes.
   */
  private static byte[] trailer(Out o, int resetHint, long t, double[] customValues) {
    if (resetHint != 0) {
      o.tag(14, 0).varint(resetHint);
    }
    if (t != 0) {
      o.tag(15, 0).varint(t);
    }
    if (customValues.length > 0) {
      o.tag(16, 2).varint(8L * customValues.length);
      for (double v : customValues) {
        o.fixed64(Double.doubleToRawLongBits(v));
      }
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
