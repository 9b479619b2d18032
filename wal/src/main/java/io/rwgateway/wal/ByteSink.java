package io.rwgateway.wal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A growable little-endian byte buffer for the record encoder. Grows by doubling and is then
 * reused, so a writer that has seen its largest record allocates nothing more.
 */
final class ByteSink {
  // NOTE: VarHandle views compile to single unaligned loads/stores; they bounds-check, so an
  // out-of-range read in the decoder still fails safely (it checks bounds first anyway).
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  byte[] buf;
  int len;

  ByteSink(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  void reset() {
    len = 0;
  }

  /** Makes room for {@code n} more bytes. */
  void ensure(int n) {
    int need = len + n;
    if (need < 0) {
      throw new IllegalStateException("WAL record larger than 2 GiB");
    }
    if (need > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(need, buf.length << 1));
    }
  }

  void putByte(int b) {
    ensure(1);
    buf[len++] = (byte) b;
  }

  void putUvarint(long v) {
    ensure(10);
    byte[] b = buf;
    int p = len;
    while ((v & ~0x7FL) != 0) {
      b[p++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[p++] = (byte) v;
    len = p;
  }

  /** Zig-zag then uvarint: small magnitudes of either sign take few bytes. */
  void putVarint(long v) {
    putUvarint((v << 1) ^ (v >> 63));
  }

  void putLongLE(long v) {
    ensure(8);
    putLongLE(buf, len, v);
    len += 8;
  }

  /**
   * Reserves four bytes for a length patched later with {@link #patchIntLE}; returns their offset.
   */
  int reserveInt() {
    ensure(4);
    int at = len;
    len += 4;
    return at;
  }

  void patchIntLE(int at, int v) {
    putIntLE(buf, at, v);
  }

  void putBytes(byte[] src, int off, int n) {
    ensure(n);
    System.arraycopy(src, off, buf, len, n);
    len += n;
  }

  /** {@code uvarint(n)} then the bytes: the record's {@code bytes} encoding. */
  void putLengthPrefixed(byte[] src, int off, int n) {
    putUvarint(n);
    putBytes(src, off, n);
  }

  static void putIntLE(byte[] b, int at, int v) {
    INT_LE.set(b, at, v);
  }

  static void putLongLE(byte[] b, int at, long v) {
    LONG_LE.set(b, at, v);
  }

  static int getIntLE(byte[] b, int at) {
    return (int) INT_LE.get(b, at);
  }

  static long getLongLE(byte[] b, int at) {
    return (long) LONG_LE.get(b, at);
  }
}
