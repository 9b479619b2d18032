package io.rwgateway.model;

/** Unsigned LEB128 varints over byte arrays, as protobuf and the Prometheus formats use them. */
public final class Varint {
  private Varint() {}

  /** Bytes an unsigned varint of {@code v} takes. */
  public static int size(long v) {
    int n = 1;
    while ((v & ~0x7FL) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  /** Writes {@code v} at {@code off}; returns the offset after it. The array must have room. */
  public static int put(byte[] dst, int off, long v) {
    while ((v & ~0x7FL) != 0) {
      dst[off++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    dst[off++] = (byte) v;
    return off;
  }

  /**
   * Reads an unsigned varint at {@code pos[0]} and advances it. Throws {@link
   * IllegalArgumentException} on a varint that runs past {@code limit} or is longer than 10 bytes.
   */
  public static long get(byte[] src, int[] pos, int limit) {
    int p = pos[0];
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p >= limit) {
        throw new IllegalArgumentException("truncated varint");
      }
      byte b = src[p++];
      result |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        pos[0] = p;
        return result;
      }
    }
    throw new IllegalArgumentException("varint longer than 10 bytes");
  }

  /**
   * The unsigned varint of at most 32 bits at {@code p}, in bytes this process wrote and knows to
   * be well formed (in-memory structures, canonical label bytes): no bounds or length checks. Its
   * length is {@link #size} of the result (encodings are minimal).
   */
  public static int getInt(byte[] b, int p) {
    int v = 0;
    int shift = 0;
    byte x;
    do {
      x = b[p++];
      v |= (x & 0x7F) << shift;
      shift += 7;
    } while (x < 0);
    return v;
  }

  public static long zigZagEncode(long v) {
    return (v << 1) ^ (v >> 63);
  }

  public static long zigZagDecode(long v) {
    return (v >>> 1) ^ -(v & 1);
  }
}
