package io.rwgateway.tsdb.layout;

import java.security.SecureRandom;
import java.util.Random;
import java.util.function.LongSupplier;

/**
 * ULIDs as block names: 26 characters of Crockford base32 encoding 128 bits, a 48-bit Unix time in
 * milliseconds followed by 80 random bits, so names sort by creation time (the spec at
 * github.com/ulid/spec; Prometheus uses oklog/ulid).
 *
 * <p>A generator is monotonic: within one millisecond (or if the clock steps back) it increments
 * the previous random part instead of drawing a new one, so two blocks cut in the same millisecond
 * still sort in creation order. Thread-safe.
 */
public final class Ulid {
  public static final int LENGTH = 26;
  private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
  private static final long MAX_TIME = (1L << 48) - 1;
  private static final Ulid DEFAULT = new Ulid(System::currentTimeMillis, new SecureRandom());

  private final LongSupplier clockMs;
  private final Random random;
  private long lastTime = -1;

  /** The 80 random bits of the last ULID: high 16 bits and low 64 bits. */
  private int lastHi;

  private long lastLo;

  /** A generator over an injected clock and randomness (tests pin both). */
  public Ulid(LongSupplier clockMs, Random random) {
    this.clockMs = clockMs;
    this.random = random;
  }

  /** A new ULID from the shared default generator (wall clock, SecureRandom). */
  public static String next() {
    return DEFAULT.generate();
  }

  /** A new ULID, greater than every ULID this generator returned before. */
  public synchronized String generate() {
    long now = clockMs.getAsLong();
    if (now < 0 || now > MAX_TIME) {
      throw new IllegalStateException("clock outside the ULID range: " + now);
    }
    if (now <= lastTime) {
      // Same millisecond or a clock step back: keep the last time, add one to the random part.
      lastLo++;
      if (lastLo == 0) {
        lastHi = (lastHi + 1) & 0xFFFF;
        if (lastHi == 0) {
          throw new IllegalStateException("ULID random part overflowed within one millisecond");
        }
      }
    } else {
      lastTime = now;
      lastHi = random.nextInt() & 0xFFFF;
      lastLo = random.nextLong();
    }
    return encode(lastTime, lastHi, lastLo);
  }

  /** Encodes a time and the 80-bit random part ({@code hi}: its top 16 bits). */
  static String encode(long timeMs, int hi, long lo) {
    // 128 bits as 26 groups of 5, most significant first; the first character holds 3 bits.
    long msb = (timeMs << 16) | (hi & 0xFFFFL);
    char[] out = new char[LENGTH];
    for (int i = LENGTH - 1; i >= 0; i--) {
      out[i] = ALPHABET[(int) (lo & 31)];
      lo = (lo >>> 5) | (msb << 59);
      msb >>>= 5;
    }
    return new String(out);
  }

  /** True for 26 Crockford base32 characters (upper case) whose value fits 128 bits. */
  public static boolean isValid(String s) {
    if (s == null || s.length() != LENGTH || s.charAt(0) > '7') {
      return false;
    }
    for (int i = 0; i < LENGTH; i++) {
      if (value(s.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** The millisecond timestamp of a valid ULID. */
  public static long timestamp(String s) {
    if (!isValid(s)) {
      throw new IllegalArgumentException("not a ULID: " + s);
    }
    long t = 0;
    for (int i = 0; i < 10; i++) {
      t = (t << 5) | value(s.charAt(i));
    }
    return t; // 10 characters are 50 bits; the first has only 3 meaningful bits, so t < 2^48
  }

  private static int value(char c) {
    for (int i = 0; i < ALPHABET.length; i++) {
      if (ALPHABET[i] == c) {
        return i;
      }
    }
    return -1;
  }
}
