package io.rwgateway.ingest.decode;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Strict UTF-8 checks over byte ranges, as Go's {@code utf8.Valid} does them: no overlong forms, no
 * surrogates, nothing above U+10FFFF. Written here because the JDK only offers decoding, which
 * allocates.
 */
final class Utf8 {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long HIGH_BITS = 0x8080808080808080L;

  private Utf8() {}

  static boolean isValid(byte[] b, int off, int len) {
    int p = off;
    int end = off + len;
    // NOTE: label text is almost always ASCII; testing 8 bytes per load keeps the common case
    // at a fraction of a nanosecond per byte. Names and values are short (~10 bytes), so the last
    // word is tested as one overlapping load instead of a byte loop.
    if (len >= 8) {
      int last = end - 8;
      while (p < last && ((long) LONGS.get(b, p) & HIGH_BITS) == 0) {
        p += 8;
      }
      if (p >= last && ((long) LONGS.get(b, last) & HIGH_BITS) == 0) {
        return true;
      }
    }
    return checkFrom(b, p, end);
  }

  /**
   * Whether every byte of the range is below 0x80. Branch-free over whole words: the callers pass a
   * series' label bytes (a few hundred), which are nearly always ASCII.
   */
  static boolean isAscii(byte[] b, int off, int len) {
    int end = off + len;
    if (len < 8) {
      int acc = 0;
      for (int p = off; p < end; p++) {
        acc |= b[p];
      }
      return acc >= 0;
    }
    long acc = 0;
    int last = end - 8;
    for (int p = off; p < last; p += 8) {
      acc |= (long) LONGS.get(b, p);
    }
    acc |= (long) LONGS.get(b, last);
    return (acc & HIGH_BITS) == 0;
  }

  /** The full check from {@code p}, a character boundary (every byte before it is ASCII). */
  private static boolean checkFrom(byte[] b, int p, int end) {
    while (p < end) {
      int c = b[p] & 0xFF;
      if (c < 0x80) {
        p++;
        continue;
      }
      int need;
      int lo = 0x80;
      int hi = 0xBF;
      if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
      } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0) {
          lo = 0xA0; // overlong
        } else if (c == 0xED) {
          hi = 0x9F; // surrogates
        }
      } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0) {
          lo = 0x90; // overlong
        } else if (c == 0xF4) {
          hi = 0x8F; // above U+10FFFF
        }
      } else {
        return false;
      }
      if (end - p <= need) {
        return false;
      }
      int c1 = b[p + 1] & 0xFF;
      if (c1 < lo || c1 > hi) {
        return false;
      }
      for (int i = 2; i <= need; i++) {
        int ci = b[p + i] & 0xFF;
        if (ci < 0x80 || ci > 0xBF) {
          return false;
        }
      }
      p += need + 1;
    }
    return true;
  }

  /** Code points in a range already known to be valid UTF-8. */
  static int codePoints(byte[] b, int off, int len) {
    int n = 0;
    for (int p = off, end = off + len; p < end; p++) {
      if ((b[p] & 0xC0) != 0x80) {
        n++;
      }
    }
    return n;
  }
}
