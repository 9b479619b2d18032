package io.rwgateway.tsdb.head;

/**
 * Unsigned 32-bit varints (7 bits per byte, low first, as protobuf) in plain arrays, for the
 * head's compact in-memory structures ({@link SymbolTable}, {@link Postings}). Encodings are
 * minimal, so a value's encoded length is {@link #size} of it.
 */
final class Uvarint {
  private Uvarint() {}

  static int read(byte[] b, int p) {
    int v = 0;
    int shift = 0;
    int by;
    do {
      by = b[p++];
      v |= (by & 0x7f) << shift;
      shift += 7;
    } while (by < 0);
    return v;
  }

  /** Writes {@code v} at {@code p}; returns the position after it. */
  static int write(byte[] a, int p, int v) {
    while ((v & ~0x7f) != 0) {
      a[p++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    a[p++] = (byte) v;
    return p;
  }

  static int size(int v) {
    int n = 1;
    while ((v & ~0x7f) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }
}
