package io.rwgateway.wal;

/**
 * A bounds-checked cursor over a record payload. Every read checks against {@link #limit} first, so
 * a malformed payload ends in {@link CorruptRecordException}, never in an index exception or a huge
 * allocation. One instance per thread is reused by {@link RecordDecoder}.
 */
final class PayloadReader {
  byte[] buf;

  /** Offset of the payload's first byte in {@link #buf}; error messages count from it. */
  int base;

  int pos;
  int limit;

  void reset(byte[] buf, int off, int len) {
    this.buf = buf;
    this.base = off;
    this.pos = off;
    this.limit = off + len;
  }

  int remaining() {
    return limit - pos;
  }

  int readUnsignedByte() throws CorruptRecordException {
    if (pos >= limit) {
      throw corrupt("truncated byte");
    }
    return buf[pos++] & 0xFF;
  }

  int readIntLE() throws CorruptRecordException {
    if (limit - pos < 4) {
      throw corrupt("truncated 4-byte integer");
    }
    int v = ByteSink.getIntLE(buf, pos);
    pos += 4;
    return v;
  }

  long readLongLE() throws CorruptRecordException {
    if (limit - pos < 8) {
      throw corrupt("truncated 8-byte value");
    }
    long v = ByteSink.getLongLE(buf, pos);
    pos += 8;
    return v;
  }

  long readUvarint() throws CorruptRecordException {
    byte[] b = buf;
    int p = pos;
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p >= limit) {
        throw corrupt("truncated varint");
      }
      byte x = b[p++];
      result |= (long) (x & 0x7F) << shift;
      if (x >= 0) {
        pos = p;
        return result;
      }
    }
    throw corrupt("varint longer than 10 bytes");
  }

  long readVarint() throws CorruptRecordException {
    long v = readUvarint();
    return (v >>> 1) ^ -(v & 1);
  }

  /** A uvarint count or length that must fit in what is left of the current limit. */
  int readLength(String what) throws CorruptRecordException {
    long n = readUvarint();
    if (n < 0 || n > limit - pos) {
      throw corrupt(
          what
              + " length "
              + Long.toUnsignedString(n)
              + " exceeds the "
              + (limit - pos)
              + " bytes left");
    }
    return (int) n;
  }

  /**
   * Skips a length-prefixed byte string and returns its start offset; its length is {@code pos -
   * start}.
   */
  int skipBytes(String what) throws CorruptRecordException {
    int n = readLength(what);
    int start = pos;
    pos += n;
    return start;
  }

  /** Checks that {@code [off, off + len)} is a well-formed LabelBytes region. */
  void checkLabels(int off, int len) throws CorruptRecordException {
    byte[] b = buf;
    int end = off + len;
    int p = off;
    int strings = 0;
    while (p < end) {
      long n = 0;
      int shift = 0;
      while (true) {
        if (p >= end || shift >= 35) {
          throw corrupt("malformed label bytes at " + (off - base));
        }
        byte x = b[p++];
        n |= (long) (x & 0x7F) << shift;
        if (x >= 0) {
          break;
        }
        shift += 7;
      }
      if (n > end - p) {
        throw corrupt("label string overruns its label set at " + (off - base));
      }
      p += (int) n;
      strings++;
    }
    if ((strings & 1) != 0) {
      throw corrupt("label set with an odd number of strings at " + (off - base));
    }
  }

  CorruptRecordException corrupt(String what) {
    return new CorruptRecordException(
        "malformed WAL record payload at byte " + (pos - base) + ": " + what);
  }
}
