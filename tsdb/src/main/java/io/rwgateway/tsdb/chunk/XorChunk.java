package io.rwgateway.tsdb.chunk;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An XOR chunk in one byte array: the encoder for chunks built whole (block export, tests,
 * benchmarks). The head's open chunks use the same encoder over pieces of an arena instead ({@code
 * head.ChunkPieces}).
 *
 * <p>Not thread-safe.
 */
public class XorChunk extends XorEncoder {
  /**
   * Bytes of slack a finished chunk may keep before it is trimmed (Prometheus' Compact uses 32); we
   * also allow an eighth of the chunk on top, which saves a copy for most chunks.
   */
  private static final int TRIM_THRESHOLD = 32;

  /** Room kept past the last written byte for {@link #writeBits}' 8-byte (+1) writes. */
  private static final int WORD_SLACK = 9;

  private static final VarHandle BE_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private byte[] buf;

  public XorChunk(int initialCapacity) {
    super(0);
    buf = new byte[Math.max(initialCapacity, 16)];
  }

  /**
   * The live buffer, its header set to the current count; bytes past {@link #length()} are zero.
   * Callers copy it before the next append.
   */
  public final byte[] buffer() {
    writeHeader(buf, 0);
    return buf;
  }

  /** Timestamp of the first sample; only valid when {@code count() > 0}. */
  public long firstTime() {
    return XorIterator.firstTime(buf);
  }

  /**
   * Returns the finished chunk's bytes and resets this object to an empty chunk whose buffer starts
   * at {@code nextCapacity} bytes.
   */
  // NOTE: a finished chunk may keep some zero bytes of slack instead of being copied: readers go
  // by the count in the header, never the array length.
  public final byte[] cut(int nextCapacity) {
    writeHeader(buf, 0);
    int len = length();
    int slack = buf.length - len;
    byte[] done = slack > TRIM_THRESHOLD + (len >>> 3) ? Arrays.copyOf(buf, len) : buf;
    buf = new byte[Math.max(nextCapacity, 16)];
    restart();
    return done;
  }

  /** Grows the buffer to at least {@code need} bytes, by a quarter (at least 32 bytes). */
  private void grow(int need) {
    buf = Arrays.copyOf(buf, Math.max(need, buf.length + Math.max(32, buf.length >>> 2)));
  }

  /**
   * NOTE: one 8-byte read-modify-write (plus one byte when the bits straddle a word) instead of a
   * loop per byte: this ran on the single WAL writer thread at a tenth of all CPU samples. The
   * buffer is zero past the written bits, and this grows it first unless it has the 9 bytes from
   * the current byte that the write may touch.
   */
  @Override
  protected final void writeBits(long v, int n) {
    int pos = bitPos;
    int idx = pos >>> 3;
    if (idx + WORD_SLACK > buf.length) {
      grow(idx + WORD_SLACK);
    }
    orBits(buf, idx, pos & 7, v, n);
    bitPos = (char) (pos + n);
  }

  /**
   * ORs the low {@code n} bits of {@code v} (1 <= n <= 64) into {@code b}, most significant first,
   * starting {@code shift} (0-7) bits into byte {@code idx}. Touches bytes idx to idx + 7, and idx
   * + 8 when the bits reach into it; bytes the bits do not cover are written back unchanged.
   */
  public static void orBits(byte[] b, int idx, int shift, long v, int n) {
    int room = 64 - shift;
    long bits = n == 64 ? v : v & ((1L << n) - 1);
    if (n <= room) {
      BE_LONG.set(b, idx, (long) BE_LONG.get(b, idx) | (bits << (room - n)));
    } else {
      int rest = n - room; // 1..7 bits that spill into the ninth byte
      BE_LONG.set(b, idx, (long) BE_LONG.get(b, idx) | (bits >>> rest));
      b[idx + 8] |= (byte) (bits << (8 - rest));
    }
  }
}
