package io.rwgateway.tsdb.chunk;

import io.rwgateway.model.Varint;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads the samples of an XOR chunk (docs/format/xor-chunk.md). Reusable: {@link #reset} it onto
 * another chunk. Values come back with their exact bit patterns (NaN payloads, -0.0).
 */
public final class XorIterator {
  private static final VarHandle BIG_ENDIAN_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private byte[] b;
  private int limitBits;
  private int pos;
  private int total;
  private int read;
  private long t;
  private long vBits;
  private long tDelta;
  private int leading;
  private int trailing;

  public XorIterator() {}

  public XorIterator(byte[] chunk, int length) {
    reset(chunk, length);
  }

  /** Points the iterator at {@code length} bytes of {@code chunk} (header included). */
  public XorIterator reset(byte[] chunk, int length) {
    return reset(chunk, 0, length);
  }

  /** Points the iterator at the chunk in {@code chunk[offset, offset + length)}. */
  public XorIterator reset(byte[] chunk, int offset, int length) {
    if (length < 2) {
      throw new IllegalArgumentException("chunk shorter than its header");
    }
    b = chunk;
    limitBits = (offset + length) * 8;
    pos = offset * 8 + 16;
    total = ((chunk[offset] & 0xff) << 8) | (chunk[offset + 1] & 0xff);
    read = 0;
    t = 0;
    vBits = 0;
    tDelta = 0;
    leading = 0;
    trailing = 0;
    return this;
  }

  /** Sample count from a chunk's header. */
  public static int count(byte[] chunk) {
    return ((chunk[0] & 0xff) << 8) | (chunk[1] & 0xff);
  }

  /** Timestamp of a non-empty chunk's first sample, without iterating. */
  public static long firstTime(byte[] chunk) {
    int[] p = {2};
    return Varint.zigZagDecode(Varint.get(chunk, p, chunk.length));
  }

  public boolean next() {
    if (read == total) {
      return false;
    }
    if (read == 0) {
      t = Varint.zigZagDecode(readVarint());
      vBits = readBits(64);
    } else if (read == 1) {
      tDelta = readVarint();
      t += tDelta;
      readValue();
    } else {
      int prefix = 0;
      for (int i = 0; i < 4; i++) {
        prefix <<= 1;
        if (readBits(1) == 0) {
          break;
        }
        prefix |= 1;
      }
      long dod;
      switch (prefix) {
        case 0b0:
          dod = 0;
          break;
        case 0b10:
          dod = signed(readBits(14), 14);
          break;
        case 0b110:
          dod = signed(readBits(17), 17);
          break;
        case 0b1110:
          dod = signed(readBits(20), 20);
          break;
        default:
          dod = readBits(64);
          break;
      }
      tDelta += dod;
      t += tDelta;
      readValue();
    }
    read++;
    return true;
  }

  public long t() {
    return t;
  }

  public double v() {
    return Double.longBitsToDouble(vBits);
  }

  public long valueBits() {
    return vBits;
  }

  /** The bucket range is shifted by one towards positive: above 2^(n-1) means negative. */
  private static long signed(long u, int n) {
    return u > (1L << (n - 1)) ? u - (1L << n) : u;
  }

  private void readValue() {
    if (readBits(1) == 0) {
      return;
    }
    if (readBits(1) == 1) {
      leading = (int) readBits(5);
      int sig = (int) readBits(6);
      if (sig == 0) {
        sig = 64;
      }
      trailing = 64 - leading - sig;
    }
    long x = readBits(64 - leading - trailing);
    vBits ^= x << trailing;
  }

  private long readVarint() {
    if ((pos & 7) == 0) {
      return readAlignedVarint(); // always, in fact: both varints start on a byte
    }
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      long by = readBits(8);
      result |= (by & 0x7F) << shift;
      if ((by & 0x80) == 0) {
        return result;
      }
    }
    throw new IllegalStateException("corrupt chunk: varint longer than 10 bytes");
  }

  /** A varint that starts on a byte boundary: whole bytes, no shifting. */
  private long readAlignedVarint() {
    int i = pos >>> 3;
    int limit = limitBits >>> 3;
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (i >= limit) {
        throw new IllegalStateException("corrupt chunk: truncated at bit " + (i * 8));
      }
      int by = b[i++];
      result |= (long) (by & 0x7F) << shift;
      if (by >= 0) {
        pos = i * 8;
        return result;
      }
    }
    throw new IllegalStateException("corrupt chunk: varint longer than 10 bytes");
  }

  /**
   * The next {@code n} bits (1..64), most significant first. NOTE: one 8-byte big-endian load and
   * two shifts for up to 56 bits, not a loop over bytes: bit reads are most of a decode's time
   * (range queries decode every sample they touch).
   */
  private long readBits(int n) {
    int p = pos;
    if (p + n > limitBits) {
      throw new IllegalStateException("corrupt chunk: truncated at bit " + p);
    }
    if (n > 56) {
      long high = readBits(32);
      return (high << (n - 32)) | readBits(n - 32);
    }
    long w = wordAt(b, p >>> 3);
    pos = p + n;
    return (w << (p & 7)) >>> (64 - n);
  }

  /**
   * The 8 bytes of {@code b} from index {@code i}, big-endian, zero-padded past the array's end:
   * the word a bit read at byte {@code i} shifts its bits out of (shared with the histogram chunk
   * iterator).
   */
  static long wordAt(byte[] b, int i) {
    return i + 8 <= b.length ? (long) BIG_ENDIAN_LONG.get(b, i) : tail(b, i);
  }

  /** The bytes from {@code i} to the array's end, zero-padded to 8, big-endian. */
  private static long tail(byte[] b, int i) {
    long w = 0;
    for (int k = 0; k < 8; k++) {
      w = (w << 8) | (i + k < b.length ? b[i + k] & 0xff : 0);
    }
    return w;
  }
}
