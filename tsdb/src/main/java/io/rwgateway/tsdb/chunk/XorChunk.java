package io.rwgateway.tsdb.chunk;

import io.rwgateway.model.Varint;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The open (appendable) XOR chunk of a series: its bytes plus the appender state. The encoding is
 * Prometheus' {@code EncXOR}, bit for bit; see docs/format/xor-chunk.md.
 * <p>
 * NOTE: reset in place when the chunk is cut, so cutting a chunk costs nothing per sample: either
 * one byte array (the next chunk's buffer, {@link #cut}) when the finished bytes are kept as a
 * plain {@code byte[]}, or nothing at all ({@link #reset}) when the owner copies them out first.
 * The head's series class extends this one, so a series and its open chunk are one object (one
 * header less, and one dependent cache miss less per append, than a series pointing to a chunk).
 * <p>
 * Not thread-safe: the owner guards it (see {@code MemSeries}).
 */
public class XorChunk {
  /** Samples per chunk before the head cuts a new one, as Prometheus' head targets. */
  public static final int MAX_SAMPLES = 120;
  /**
   * Bytes of slack a finished chunk may keep before it is trimmed (Prometheus' Compact uses 32);
   * we also allow an eighth of the chunk on top, which saves a copy for most chunks.
   */
  private static final int TRIM_THRESHOLD = 32;
  private static final int HEADER_BITS = 16;
  private static final int NO_WINDOW = 0xff;
  /** Room kept past the last written byte for {@link #writeBits}' 8-byte (+1) writes. */
  private static final int WORD_SLACK = 9;
  private static final VarHandle BE_LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private byte[] buf;
  private int bitPos = HEADER_BITS;
  private int count;
  private long t;
  private long vBits;
  private long tDelta;
  private byte leading = (byte) NO_WINDOW;
  private byte trailing;

  public XorChunk(int initialCapacity) {
    buf = new byte[Math.max(initialCapacity, 16)];
  }

  /** A chunk whose buffer is allocated by the first append. */
  protected XorChunk() {
    buf = EMPTY;
    t = Long.MIN_VALUE;
  }

  private static final byte[] EMPTY = new byte[0];

  public final int count() {
    return count;
  }

  public final boolean isFull() {
    return count >= MAX_SAMPLES;
  }

  /** Encoded length in bytes (header plus the used bit stream). */
  public final int length() {
    return (bitPos + 7) >>> 3;
  }

  /** The live buffer; bytes past {@link #length()} are zero. Callers copy it under the series lock. */
  public final byte[] buffer() {
    return buf;
  }

  /** Timestamp of the first sample; only valid when {@code count() > 0}. */
  public long firstTime() {
    return XorIterator.firstTime(buf);
  }

  /**
   * Timestamp of the last sample appended, kept across {@link #cut}; Long.MIN_VALUE before the
   * first sample when built with the no-argument constructor.
   */
  public final long lastTime() {
    return t;
  }

  /** Raw bits of the last value appended, kept across {@link #cut}. */
  public final long lastValueBits() {
    return vBits;
  }

  /**
   * Appends a sample. The caller enforces ordering (t strictly after the last sample) and cuts the
   * chunk when it {@link #isFull()}.
   */
  public final void append(long ts, double v) {
    long bits = Double.doubleToRawLongBits(v);
    if (count == 0) {
      writeVarint(Varint.zigZagEncode(ts));
      writeBits(bits, 64);
    } else if (count == 1) {
      long d = ts - t;
      writeVarint(d);
      writeValue(bits);
      tDelta = d;
    } else {
      long d = ts - t;
      long dod = d - tDelta;
      if (dod == 0) {
        writeBits(0, 1);
      } else if (dod >= -8191 && dod <= 8192) {
        writeBits(0b10, 2);
        writeBits(dod, 14);
      } else if (dod >= -65535 && dod <= 65536) {
        writeBits(0b110, 3);
        writeBits(dod, 17);
      } else if (dod >= -524287 && dod <= 524288) {
        writeBits(0b1110, 4);
        writeBits(dod, 20);
      } else {
        writeBits(0b1111, 4);
        writeBits(dod, 64);
      }
      writeValue(bits);
      tDelta = d;
    }
    t = ts;
    vBits = bits;
    count++;
    buf[0] = (byte) (count >>> 8);
    buf[1] = (byte) count;
  }

  /**
   * Returns the finished chunk's bytes and resets this object to
   * an empty chunk whose buffer starts at {@code nextCapacity} bytes.
   */
  // NOTE: a finished chunk may keep some zero bytes of slack instead of being copied: readers go
  // by the count in the header, never the array length.
  public final byte[] cut(int nextCapacity) {
    int len = length();
    int slack = buf.length - len;
    byte[] done = slack > TRIM_THRESHOLD + (len >>> 3) ? Arrays.copyOf(buf, len) : buf;
    buf = new byte[Math.max(nextCapacity, 16)];
    bitPos = HEADER_BITS;
    count = 0;
    tDelta = 0;
    leading = (byte) NO_WINDOW;
    trailing = 0;
    return done;
  }

  /**
   * Empties the chunk for an owner that has already copied the finished bytes ({@link #buffer()}
   * up to {@link #length()}) elsewhere. The next chunk starts in a fresh buffer of
   * {@code capacity} bytes when that is smaller than the current one, else in the cleared current
   * buffer.
   * <p>
   * NOTE: not simply reusing the grown buffer: an open chunk is on average half full, so keeping
   * every series' buffer at full-chunk size held about twice the open chunks' bytes on the heap;
   * growing again from a small buffer costs a few short-lived copies per 120 samples.
   */
  public final void reset(int capacity) {
    if (capacity < buf.length) {
      buf = new byte[Math.max(capacity, 16)];
    } else {
      // writeBits ORs into the buffer, which must be zero past the written bits; only bytes below
      // length() were ever written.
      Arrays.fill(buf, 0, length(), (byte) 0);
    }
    bitPos = HEADER_BITS;
    count = 0;
    tDelta = 0;
    leading = (byte) NO_WINDOW;
    trailing = 0;
  }

  private void writeValue(long bits) {
    long x = bits ^ vBits;
    if (x == 0) {
      writeBits(0, 1);
      return;
    }
    int lead = Long.numberOfLeadingZeros(x);
    int trail = Long.numberOfTrailingZeros(x);
    if (lead > 31) {
      lead = 31; // NOTE: 5 bits hold at most 31; Prometheus clamps the same way.
    }
    int wl = leading & 0xff;
    int wt = trailing;
    if (wl != NO_WINDOW && lead >= wl && trail >= wt) {
      writeBits(0b10, 2);
      writeBits(x >>> wt, 64 - wl - wt);
    } else {
      leading = (byte) lead;
      trailing = (byte) trail;
      int sig = 64 - lead - trail;
      // 3 control/length fields in one call: '11', 5 bits leading, 6 bits sig (64 is written as 0).
      writeBits((0b11L << 11) | ((long) lead << 6) | (sig & 0x3f), 13);
      writeBits(x >>> trail, sig);
    }
  }

  private void writeVarint(long v) {
    while ((v & ~0x7FL) != 0) {
      writeBits((v & 0x7F) | 0x80, 8);
      v >>>= 7;
    }
    writeBits(v, 8);
  }

  /**
   * Grows the buffer to at least {@code need} bytes.
   * NOTE: grow by a quarter (at least 32 bytes), not by half: at 1M series every series sits in a
   * growing chunk, and the unused tail of growth by half was ~20% of the head's heap; the extra
   * copies are short-lived garbage. Room is checked per write ({@link #writeBits}), not reserved
   * for the largest possible sample (19 bytes) ahead of each one: an open chunk's average free tail
   * went from ~63 to ~35 bytes, and the load generator's 1M-series heap held 413 MB of byte arrays
   * after 60 s before, 358 MB after.
   */
  private void grow(int need) {
    buf = Arrays.copyOf(buf, Math.max(need, buf.length + Math.max(32, buf.length >>> 2)));
  }

  /**
   * Writes the low {@code n} bits of {@code v} (1 <= n <= 64), most significant first.
   * NOTE: one 8-byte read-modify-write (plus one byte when the bits straddle a word) instead of a
   * loop per byte: this ran on the single WAL writer thread at a tenth of all CPU samples.
   * The buffer is zero past the written bits, and this grows it first unless it has the 9 bytes
   * from the current byte that the write may touch.
   */
  private void writeBits(long v, int n) {
    int pos = bitPos;
    int idx = pos >>> 3;
    if (idx + WORD_SLACK > buf.length) {
      grow(idx + WORD_SLACK);
    }
    int room = 64 - (pos & 7);
    long bits = n == 64 ? v : v & ((1L << n) - 1);
    byte[] b = buf;
    if (n <= room) {
      BE_LONG.set(b, idx, (long) BE_LONG.get(b, idx) | (bits << (room - n)));
    } else {
      int rest = n - room; // 1..7 bits that spill into the ninth byte
      BE_LONG.set(b, idx, (long) BE_LONG.get(b, idx) | (bits >>> rest));
      b[idx + 8] |= (byte) (bits << (8 - rest));
    }
    bitPos = pos + n;
  }
}
