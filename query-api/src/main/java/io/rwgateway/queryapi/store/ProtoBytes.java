package io.rwgateway.queryapi.store;

import io.rwgateway.model.Varint;

/**
 * The few pieces of the protobuf wire format that {@link SeriesFrames} writes by hand: tags,
 * lengths and varint fields ({@link Varint} writes the varints), into a byte array at a position.
 * Each {@code put} returns the position after what it wrote.
 */
final class ProtoBytes {
  private ProtoBytes() {}

  static final int VARINT = 0;
  static final int LEN = 2;

  /** A field tag; every field number used here is below 16, so one byte. */
  static int putTag(byte[] b, int p, int field, int wireType) {
    b[p++] = (byte) (field << 3 | wireType);
    return p;
  }

  /** Bytes of a length-delimited field of {@code len} content bytes, tag included. */
  static int lenFieldSize(int len) {
    return 1 + Varint.size(len) + len;
  }

  /** Bytes of a non-zero varint field, tag included; proto3 leaves a zero out. */
  static int varintFieldSize(long v) {
    return v == 0 ? 0 : 1 + Varint.size(v); // a negative int64 takes ten bytes
  }

  static int putVarintField(byte[] b, int p, int field, long v) {
    if (v == 0) {
      return p;
    }
    return Varint.put(b, putTag(b, p, field, VARINT), v);
  }

  static int putLenHeader(byte[] b, int p, int field, int len) {
    return Varint.put(b, putTag(b, p, field, LEN), len);
  }
}
