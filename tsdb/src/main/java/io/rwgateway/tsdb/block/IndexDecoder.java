package io.rwgateway.tsdb.block;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A cursor over the mapped index bytes that reads the format's integers and strings. Reads past
 * {@link #limit} or malformed varints throw {@link IllegalArgumentException}; the reader turns that
 * into an {@link IndexFormatException} with the offset.
 */
final class IndexDecoder {
  private final ByteBuffer b;
  private int pos;
  private int limit;

  IndexDecoder(ByteBuffer b, int pos, int limit) {
    this.b = b;
    this.pos = pos;
    this.limit = limit;
  }

  int position() {
    return pos;
  }

  int remaining() {
    return limit - pos;
  }

  private void need(int n) {
    if (n < 0 || pos + n > limit) {
      throw new IllegalArgumentException("truncated: need " + n + " bytes at " + pos);
    }
  }

  int byteAt() {
    need(1);
    return b.get(pos) & 0xFF;
  }

  void skip(int n) {
    need(n);
    pos += n;
  }

  int be32() {
    need(4);
    int v = b.getInt(pos);
    pos += 4;
    return v;
  }

  long uvarint() {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      need(1);
      byte x = b.get(pos++);
      result |= (long) (x & 0x7F) << shift;
      if (x >= 0) {
        return result;
      }
    }
    throw new IllegalArgumentException("varint longer than 10 bytes at " + pos);
  }

  long varint() {
    long u = uvarint();
    return (u >>> 1) ^ -(u & 1);
  }

  /** A uvarint that must fit a non-negative int (lengths, counts, symbol refs). */
  int uvarintInt() {
    long v = uvarint();
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "value " + Long.toUnsignedString(v) + " too large at " + pos);
    }
    return (int) v;
  }

  String string() {
    int n = uvarintInt();
    need(n);
    byte[] s = new byte[n];
    b.get(pos, s);
    pos += n;
    return new String(s, StandardCharsets.UTF_8);
  }
}
