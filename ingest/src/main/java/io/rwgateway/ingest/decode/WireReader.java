package io.rwgateway.ingest.decode;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Protobuf wire-format primitives over the readable bytes of one request, read in place.
 *
 * <p>NOTE: a {@link ByteBuffer} view rather than {@link ByteBuf} accessors: absolute gets on a
 * direct ByteBuffer compile down to plain memory loads, and bulk copies into {@code byte[]} are one
 * call. The view is the only object made per request. Positions are relative to the view. Every
 * read is bounds-checked against {@link #limit}, the end of the innermost message, so a length that
 * runs past its parent is a decode error, never an out-of-bounds read.
 */
final class WireReader {
  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LEN = 2;
  static final int FIXED32 = 5;

  private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

  ByteBuffer buf = EMPTY;

  /** Next byte to read. */
  int pos;

  /** End of the message being read. */
  int limit;

  void reset(ByteBuf body) {
    int n = body.readableBytes();
    buf = n == 0 ? EMPTY : body.nioBuffer(body.readerIndex(), n).order(ByteOrder.LITTLE_ENDIAN);
    pos = 0;
    limit = n;
  }

  /** Drops the reference to the request bytes so the caller can release them. */
  void clear() {
    buf = EMPTY;
    pos = 0;
    limit = 0;
  }

  boolean more() {
    return pos < limit;
  }

  /**
   * Reads a field key and checks its wire type is one protobuf defines (groups are not accepted).
   */
  int readTag(String message) throws DecodeException {
    int at = pos;
    // NOTE: the one-byte case first (fields 1-15): every tag in remote write is one byte, and this
    // path is a load, a sign test and two checks. With the one-byte length below,
    // DecodeBenchmark.decodeV1 went from 544 to 489 ns per series.
    if (at < limit) {
      byte b = buf.get(at);
      int wt = b & 7;
      if (b > 7 && wt != 3 && wt != 4 && wt < 6) {
        pos = at + 1;
        return b;
      }
    }
    long key = readVarint(message);
    int wireType = (int) key & 7;
    long field = key >>> 3;
    if (field == 0 || field > 0x1FFFFFFFL) {
      throw DecodeException.badRequest(
          "invalid field number " + field + " in " + message + " at offset " + at);
    }
    if (wireType == 3 || wireType == 4 || wireType > 5) {
      throw DecodeException.badRequest(
          "invalid wire type "
              + wireType
              + " (field "
              + field
              + ") in "
              + message
              + " at offset "
              + at
              + (wireType == 3 || wireType == 4 ? ": groups are not supported" : ""));
    }
    return (int) key;
  }

  long readVarint(String message) throws DecodeException {
    int p = pos;
    int end = limit;
    long result = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (p >= end) {
        throw DecodeException.badRequest(
            "truncated message: varint runs past the end of " + message + " at offset " + pos);
      }
      byte b = buf.get(p++);
      result |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        pos = p;
        return result;
      }
    }
    throw DecodeException.badRequest(
        "malformed varint (more than 10 bytes) in " + message + " at offset " + pos);
  }

  long readFixed64(String message) throws DecodeException {
    if (limit - pos < 8) {
      throw DecodeException.badRequest(
          "truncated message: 8-byte field runs past the end of " + message + " at offset " + pos);
    }
    long v = buf.getLong(pos);
    pos += 8;
    return v;
  }

  /** Reads a length prefix and checks that many bytes remain in the current message. */
  int readLength(String message) throws DecodeException {
    int at = pos;
    if (at < limit) {
      byte b = buf.get(at);
      if (b >= 0 && b < limit - at) {
        pos = at + 1;
        return b;
      }
    }
    long len = readVarint(message);
    if (len < 0 || len > limit - pos) {
      throw DecodeException.badRequest(
          "truncated message: length "
              + len
              + " at offset "
              + at
              + " runs past the end of "
              + message
              + " ("
              + (limit - pos)
              + " bytes left)");
    }
    return (int) len;
  }

  /** Reads a length prefix and returns where the field ends. */
  int readEnd(String message) throws DecodeException {
    int len = readLength(message);
    return pos + len;
  }

  /** Skips the value of a field of the given wire type. */
  void skip(int wireType, String message) throws DecodeException {
    switch (wireType) {
      case VARINT -> readVarint(message);
      case FIXED64 -> skipBytes(8, message);
      case LEN -> {
        int n = readLength(message);
        pos += n;
      }
      case FIXED32 -> skipBytes(4, message);
      default -> throw new IllegalStateException("unchecked wire type " + wireType);
    }
  }

  private void skipBytes(int n, String message) throws DecodeException {
    if (limit - pos < n) {
      throw DecodeException.badRequest(
          "truncated message: "
              + n
              + "-byte field runs past the end of "
              + message
              + " at offset "
              + pos);
    }
    pos += n;
  }

  /** Counts the varints in {@code [from, to)}; fails if the last one is cut off. */
  int countVarints(int from, int to, String message) throws DecodeException {
    int n = 0;
    int run = 0;
    for (int p = from; p < to; p++) {
      if (buf.get(p) >= 0) {
        n++;
        run = 0;
      } else if (++run >= 10) {
        throw DecodeException.badRequest(
            "malformed varint (more than 10 bytes) in packed field of "
                + message
                + " at offset "
                + p);
      }
    }
    if (run != 0) {
      throw DecodeException.badRequest(
          "truncated message: packed varints end mid-value in " + message + " at offset " + to);
    }
    return n;
  }

  /** Fails the request when a known field arrives with another wire type than its type needs. */
  static void expect(int field, String message, int got, int expected) throws DecodeException {
    if (got != expected) {
      throw wrongWireType(field, message, got, expected);
    }
  }

  static DecodeException wrongWireType(int field, String message, int got, int expected) {
    return DecodeException.badRequest(
        "field "
            + field
            + " of "
            + message
            + " has wire type "
            + got
            + ", expected "
            + expected
            + " ("
            + wireTypeName(expected)
            + ")");
  }

  static String wireTypeName(int wireType) {
    return switch (wireType) {
      case VARINT -> "varint";
      case FIXED64 -> "64-bit";
      case LEN -> "length-delimited";
      case FIXED32 -> "32-bit";
      default -> "invalid";
    };
  }
}
