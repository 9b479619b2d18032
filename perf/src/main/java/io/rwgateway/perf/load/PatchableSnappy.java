package io.rwgateway.perf.load;

import java.util.Arrays;

/**
 * A snappy (raw block format) compressor that keeps chosen byte ranges of its input as literal
 * bytes in its output and never copies from or into them, so that those bytes can later be
 * overwritten in the compressed body itself: the body stays a valid snappy block of the patched
 * input. That takes compression out of the send loop entirely: one compression per request
 * template, then a few bytes patched per send.
 *
 * <p>Format (github.com/google/snappy format_description.txt): varint uncompressed length, then
 * elements; tag low 2 bits 00 literal (length-1 in the upper 6 bits, or 60..63 = 1..4 little-endian
 * length bytes follow), 01 copy with 1-byte offset (length 4..11, offset < 2048), 10 copy with
 * 2-byte offset (length 1..64). Matches are greedy over a 4-byte hash, within 64 KiB, like the
 * reference compressor; the result is a little larger than snappy-java's output.
 */
final class PatchableSnappy {
  private static final int HASH_BITS = 14;
  private static final int MAX_OFFSET = 65_535;

  private PatchableSnappy() {}

  /** Result: the compressed bytes and, for each patch range, its offset in them. */
  record Result(byte[] bytes, int[] patchOffsets) {}

  /**
   * @param in the uncompressed input
   * @param patchStart sorted, non-overlapping start offsets of the ranges to keep patchable
   * @param patchLength length of every range
   */
  static Result compress(byte[] in, int[] patchStart, int patchLength) {
    int n = in.length;
    boolean[] vol = new boolean[n + 1];
    for (int s : patchStart) {
      for (int j = 0; j < patchLength; j++) {
        vol[s + j] = true;
      }
    }
    // A 4-byte window starting at p is usable for a match only if it holds no patchable byte.
    int[] nextVol = new int[n + 1];
    nextVol[n] = n;
    for (int p = n - 1; p >= 0; p--) {
      nextVol[p] = vol[p] ? p : nextVol[p + 1];
    }
    Out out = new Out(n + n / 6 + 32);
    out.varint(n);
    int[] table = new int[1 << HASH_BITS];
    Arrays.fill(table, -1);
    int[] patchOffsets = new int[patchStart.length];
    int nextPatch = 0;
    int lit = 0;
    int p = 0;
    while (p + 4 <= n) {
      if (nextVol[p] < p + 4) {
        p++;
        continue;
      }
      int word = load32(in, p);
      int h = (word * 0x1e35a7bd) >>> (32 - HASH_BITS);
      int c = table[h];
      table[h] = p;
      if (c < 0 || p - c > MAX_OFFSET || load32(in, c) != word) {
        p++;
        continue;
      }
      int len = 4;
      while (p + len < n && !vol[p + len] && !vol[c + len] && in[c + len] == in[p + len]) {
        len++;
      }
      nextPatch = literal(out, in, lit, p, patchStart, nextPatch, patchOffsets);
      copy(out, p - c, len);
      // Remember a position inside the match too, so runs of similar series find each other.
      if (len > 8 && nextVol[p + len - 4] >= p + len) {
        table[(load32(in, p + len - 4) * 0x1e35a7bd) >>> (32 - HASH_BITS)] = p + len - 4;
      }
      p += len;
      lit = p;
    }
    nextPatch = literal(out, in, lit, n, patchStart, nextPatch, patchOffsets);
    if (nextPatch != patchStart.length) {
      throw new IllegalStateException("patch range inside a copy");
    }
    return new Result(out.toArray(), patchOffsets);
  }

  private static int literal(
      Out out, byte[] in, int from, int to, int[] patchStart, int nextPatch, int[] patchOffsets) {
    int len = to - from;
    if (len == 0) {
      return nextPatch;
    }
    int m = len - 1;
    if (m < 60) {
      out.b(m << 2);
    } else if (m < 1 << 8) {
      out.b(60 << 2);
      out.b(m);
    } else if (m < 1 << 16) {
      out.b(61 << 2);
      out.b(m);
      out.b(m >>> 8);
    } else if (m < 1 << 24) {
      out.b(62 << 2);
      out.b(m);
      out.b(m >>> 8);
      out.b(m >>> 16);
    } else {
      out.b(63 << 2);
      out.b(m);
      out.b(m >>> 8);
      out.b(m >>> 16);
      out.b(m >>> 24);
    }
    int base = out.size;
    out.bytes(in, from, len);
    while (nextPatch < patchStart.length && patchStart[nextPatch] < to) {
      if (patchStart[nextPatch] < from) {
        throw new IllegalStateException("patch range inside a copy");
      }
      patchOffsets[nextPatch] = base + patchStart[nextPatch] - from;
      nextPatch++;
    }
    return nextPatch;
  }

  private static void copy(Out out, int offset, int len) {
    while (len > 0) {
      if (len >= 4 && len <= 11 && offset < 2048) {
        out.b(1 | ((len - 4) << 2) | ((offset >>> 8) << 5));
        out.b(offset);
        return;
      }
      // NOTE: never leave a tail shorter than 4 when splitting, so it can still use copy-1.
      int l = len > 64 ? (len - 64 < 4 ? 60 : 64) : len;
      out.b(2 | ((l - 1) << 2));
      out.b(offset);
      out.b(offset >>> 8);
      len -= l;
    }
  }

  private static int load32(byte[] b, int p) {
    return (b[p] & 0xff)
        | (b[p + 1] & 0xff) << 8
        | (b[p + 2] & 0xff) << 16
        | (b[p + 3] & 0xff) << 24;
  }

  /** A growable byte buffer; ByteArrayOutputStream synchronizes every write. */
  private static final class Out {
    byte[] buf;
    int size;

    Out(int capacity) {
      buf = new byte[capacity];
    }

    void ensure(int extra) {
      if (size + extra > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
      }
    }

    void b(int v) {
      ensure(1);
      buf[size++] = (byte) v;
    }

    void bytes(byte[] src, int off, int len) {
      ensure(len);
      System.arraycopy(src, off, buf, size, len);
      size += len;
    }

    void varint(int v) {
      while ((v & ~0x7f) != 0) {
        b((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      b(v);
    }

    byte[] toArray() {
      return Arrays.copyOf(buf, size);
    }
  }
}
