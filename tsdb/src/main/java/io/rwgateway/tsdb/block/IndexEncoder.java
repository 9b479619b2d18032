package io.rwgateway.tsdb.block;

import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * A reusable, growable byte buffer for one index entry whose length must be known before it is
 * written (a series entry starts with its own length as a varint).
 */
final class IndexEncoder {
  private byte[] b = new byte[256];
  private int n;
  private final CRC32C crc = new CRC32C();

  void reset() {
    n = 0;
  }

  int length() {
    return n;
  }

  byte[] array() {
    return b;
  }

  private void ensure(int extra) {
    if (n + extra > b.length) {
      b = Arrays.copyOf(b, Math.max(b.length * 2, n + extra));
    }
  }

  void putUvarint(long v) {
    ensure(10);
    while ((v & ~0x7FL) != 0) {
      b[n++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[n++] = (byte) v;
  }

  /** Zig-zag signed varint, as Go's binary.PutVarint. */
  void putVarint(long v) {
    putUvarint((v << 1) ^ (v >> 63));
  }

  /** CRC32C of the bytes written so far. */
  int crc() {
    crc.reset();
    crc.update(b, 0, n);
    return (int) crc.getValue();
  }
}
