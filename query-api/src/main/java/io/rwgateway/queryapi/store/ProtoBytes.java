package io.rwgateway.queryapi.store;

/**
 * The few pieces of the protobuf wire format that {@link SeriesFrames} writes by hand: varints,
 * tags and lengths, into a byte array at a position. Each {@code put} returns the position after
 * what it wrote.
 */
final class ProtoBytes {
  private ProtoBytes() {}

  static final int VARINT = 0;
  static final int LEN = 2;

  /** Bytes of {@code v} as a varint; a negative int64 takes ten, as protobuf encodes it. */
  static int varintSize(long v) {
    // 1 byte per started 7 bits; 0 still takes one byte.
    return v == 0 ? 1 : (63 - Long.numberOfLeadingZeros(v)) / 7 + 1;
  }

  static int putVarint(byte[] b, int p, long v) {
    while ((v & ~0x7FL) != 0) {
      b[p++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[p++] = (byte) v;
    return p;
  }

  /** A field tag; every field number used here is below 16, so one byte. */
  static int putTag(byte[] b, int p, int field, int wireType) {
    b[p++] = (byte) (field << 3 | wireType);
    return p;
  }

  /** Bytes of a length-delimited field of {@code len} content bytes, tag included. */
  static int lenFieldSize(int len) {
    return 1 + varintSize(len) + len;
  }

  /** Bytes of a non-zero varint field, tag included; proto3 leaves a zero out. */
  static int varintFieldSize(long v) {
    return v == 0 ? 0 : 1 + varintSize(v);
  }

  static int putVarintField(byte[] b, int p, int field, long v) {
    if (v == 0) {
      return p;
    }
    return putVarint(b, putTag(b, p, field, VARINT), v);
  }

  static int putLenHeader(byte[] b, int p, int field, int len) {
    return putVarint(b, putTag(b, p, field, LEN), len);
  }
}
