package io.rwgateway.tsdb.chunk;

import io.rwgateway.model.Varint;

/**
 * The state and bit layout of Prometheus' {@code EncXOR} appender, bit for bit (see
 * docs/format/xor-chunk.md), over a storage that subclasses supply: {@link XorChunk} keeps the
 * bytes in one array; the head keeps open chunks in fixed-size pieces of a shared arena.
 *
 * <p>The two header bytes (the sample count) are not written here: {@link #count()} holds it, and
 * storages write it when they hand bytes out, so an append touches only the bit stream.
 *
 * <p>Not thread-safe: the owner guards it.
 */
public abstract class XorEncoder {
  /** Samples per chunk before the head cuts a new one, as Prometheus' head targets. */
  public static final int MAX_SAMPLES = 120;

  /** The sample count, a 2-byte big-endian header before the bit stream. */
  protected static final int HEADER_BITS = 16;

  private static final int NO_WINDOW = 0xff;

  /**
   * Most bits a chunk may hold: {@link #bitPos} is 16 bits wide. A sample takes at most 157 bits,
   * so this allows over 400 samples (the head cuts at {@link #MAX_SAMPLES}).
   */
  private static final int MAX_BITS = 0xFFFF - 160;

  // NOTE: chars (unsigned 16 bits), not ints: the head has one of these per series, and the
  // narrower fields keep its series object at 80 bytes.
  /** Bits written so far, the header included; the next bit goes here. */
  protected char bitPos = HEADER_BITS;

  private char count;
  private long t;
  private long vBits;
  private long tDelta;
  private byte leading = (byte) NO_WINDOW;
  private byte trailing;

  protected XorEncoder(long lastTime) {
    this.t = lastTime;
  }

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

  /**
   * Timestamp of the last sample appended, kept across a cut; what the constructor was given before
   * the first sample.
   */
  public final long lastTime() {
    return t;
  }

  /** Raw bits of the last value appended, kept across a cut. */
  public final long lastValueBits() {
    return vBits;
  }

  /**
   * Appends a sample. The caller enforces ordering (t strictly after the last sample) and cuts the
   * chunk when it {@link #isFull()}.
   */
  public final void append(long ts, double v) {
    if (bitPos > MAX_BITS) {
      throw new IllegalStateException(
          "chunk full: " + count + " samples in " + length() + " bytes");
    }
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
  }

  /**
   * Starts the next chunk: no samples, the bit stream empty. The last time and value stay (the
   * head's ordering checks use them). The storage clears its own bytes.
   */
  protected final void restart() {
    bitPos = HEADER_BITS;
    count = 0;
    tDelta = 0;
    leading = (byte) NO_WINDOW;
    trailing = 0;
  }

  /** Writes the 2-byte sample count header at {@code b[off]}. */
  protected final void writeHeader(byte[] b, int off) {
    b[off] = (byte) (count >>> 8);
    b[off + 1] = (byte) count;
  }

  /**
   * Writes the low {@code n} bits of {@code v} (1 <= n <= 64), most significant first, at {@link
   * #bitPos}, and advances it by {@code n}. Bits past {@code bitPos} are zero.
   */
  protected abstract void writeBits(long v, int n);

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
}
