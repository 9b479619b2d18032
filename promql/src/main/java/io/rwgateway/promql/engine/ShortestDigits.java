package io.rwgateway.promql.engine;

import java.math.BigInteger;

/**
 * The shortest decimal that reads back as a positive finite double and, of those, the closest (even
 * on a tie): {@code value = digits x 10^exponent}, {@code digits} without trailing zeros. That is
 * what Go's {@code strconv} writes with precision -1 (its Ryu reads the same rounding interval:
 * bounds included for an even significand, the narrower lower half-gap at a power of two).
 *
 * <p>NOTE: speed. Range answers format a million values; this must not allocate. It follows R.
 * Giulietti's "Schubfach" method (the paper "The Schubfach way to render doubles", 2020): one
 * 126-bit approximation of a power of ten per value, three 64x128-bit products giving the value and
 * its interval bounds scaled to about 17 digits, then one candidate a digit shorter and two at full
 * length. Unlike {@code Double.toString} (JDK 19+, the same method) it keeps a one-digit answer
 * where one digit reads back ({@code 5e-324}, not {@code 4.9E-324}). On JDK 17 {@code
 * Double.toString} is neither shortest nor always closest, and going through it cost ~190 ns a
 * value.
 *
 * <p>Not thread-safe: one instance per writer; the two fields are the answer of the last {@link
 * #of}.
 */
final class ShortestDigits {
  /** Significand without trailing zeros, 1 to 17 digits. */
  long digits;

  /** Power of ten of the last digit. */
  int exponent;

  private static final int MIN_EXPONENT = -1074; // of the subnormals' unit
  private static final long HIDDEN_BIT = 1L << 52;
  private static final long MASK_63 = (1L << 63) - 1;

  // 10^e, for e in [G_MIN, G_MAX], as g1 * 2^63 + g0 = floor(10^e / 2^r) + 1 with r chosen so that
  // the result lies in [2^125, 2^126): the smallest over-approximation with 126 significant bits.
  private static final int G_MIN = -292;
  private static final int G_MAX = 324;
  private static final long[] G = powersOfTen();

  /** Fills {@link #digits} and {@link #exponent} for {@code v > 0}, finite. */
  void of(double v) {
    long bits = Double.doubleToRawLongBits(v);
    long fraction = bits & (HIDDEN_BIT - 1);
    int biased = (int) (bits >>> 52) & 0x7ff;
    long c;
    int q;
    if (biased != 0) {
      c = fraction | HIDDEN_BIT;
      q = biased - 1075;
      // An integer below 2^53: its digits directly.
      if (q <= 0 && q > -53 && (c & ((1L << -q) - 1)) == 0) {
        set(c >> -q, 0);
        return;
      }
    } else {
      c = fraction;
      q = MIN_EXPONENT;
    }
    shortest(c, q);
  }

  private void shortest(long c, int q) {
    // Scaled by 4 so that the interval's half-gaps are integers: the value is cb, the bounds cbl
    // and
    // cbr. At a power of two (but for the smallest exponent) the gap below is half the one above.
    long out = c & 1; // an odd significand excludes the bounds (round half to even on reading)
    long cb = c << 2;
    long cbr = cb + 2;
    long cbl;
    int k;
    if (c != HIDDEN_BIT || q == MIN_EXPONENT) {
      cbl = cb - 2;
      k = floorLog10Pow2(q);
    } else {
      cbl = cb - 1;
      k = floorLog10ThreeQuartersPow2(q);
    }
    int h = q + floorLog2Pow10(-k) + 2;
    int gi = 2 * (-k - G_MIN);
    long g1 = G[gi];
    long g0 = G[gi + 1];
    long vb = scaled(g1, g0, cb << h);
    long vbl = scaled(g1, g0, cbl << h);
    long vbr = scaled(g1, g0, cbr << h);

    long s = vb >> 2; // the value times 10^-k, truncated: about 17 digits
    if (s >= 10) {
      // One digit shorter: at most one multiple of ten times 10^k lies in the interval.
      long sp10 = 10 * Math.multiplyHigh(s, 0x1999999999999999L + 1 /* 2^64/10, rounded up */);
      long tp10 = sp10 + 10;
      boolean upIn = vbl + out <= sp10 << 2;
      boolean wpIn = (tp10 << 2) + out <= vbr;
      if (upIn != wpIn) {
        set(upIn ? sp10 : tp10, k);
        return;
      }
    }
    long t = s + 1;
    boolean uIn = vbl + out <= s << 2;
    boolean wIn = (t << 2) + out <= vbr;
    if (uIn != wIn) {
      set(uIn ? s : t, k);
      return;
    }
    // Both (or, by the interval's width, never neither) read back: the closer, even on a tie.
    long cmp = vb - ((s + t) << 1);
    set(cmp < 0 || (cmp == 0 && (s & 1) == 0) ? s : t, k);
  }

  private void set(long f, int e) {
    // Trailing zeros off: divide by 10^8 and 10^4 first for the long runs of integers and of the
    // candidate a digit shorter.
    while (f % 100_000_000 == 0) {
      f /= 100_000_000;
      e += 8;
    }
    if (f % 10_000 == 0) {
      f /= 10_000;
      e += 4;
    }
    while (f % 10 == 0) {
      f /= 10;
      e++;
    }
    digits = f;
    exponent = e;
  }

  /**
   * {@code floor(g * cp / 2^127)}, its lowest bit set when the product has a fraction: the sticky
   * bit keeps the comparisons with the exact bounds correct (the paper's "round to odd").
   */
  private static long scaled(long g1, long g0, long cp) {
    long x1 = Math.multiplyHigh(g0, cp); // g0, cp < 2^63: the signed high half is the unsigned one
    long y0 = g1 * cp;
    long y1 = Math.multiplyHigh(g1, cp);
    long z = (y0 >>> 1) + x1;
    long vbp = y1 + (z >>> 63);
    return vbp | (((z & MASK_63) + MASK_63) >>> 63);
  }

  // Exact for the exponent ranges of doubles (checked in the tests against BigDecimal).

  /** {@code floor(e * log10(2))}. */
  static int floorLog10Pow2(int e) {
    return (int) ((e * 661_971_961_083L) >> 41);
  }

  /** {@code floor(e * log10(2) + log10(3/4))}. */
  static int floorLog10ThreeQuartersPow2(int e) {
    return (int) ((e * 661_971_961_083L - 274_743_187_321L) >> 41);
  }

  /** {@code floor(e * log2(10))}. */
  static int floorLog2Pow10(int e) {
    return (int) ((e * 913_124_641_741L) >> 38);
  }

  private static long[] powersOfTen() {
    long[] g = new long[2 * (G_MAX - G_MIN + 1)];
    BigInteger ten = BigInteger.TEN;
    BigInteger mask63 = BigInteger.ONE.shiftLeft(63).subtract(BigInteger.ONE);
    for (int e = G_MIN; e <= G_MAX; e++) {
      int shift = 125 - floorLog2Pow10(e); // 10^e * 2^shift lies in [2^125, 2^126)
      BigInteger num = e >= 0 ? ten.pow(e) : BigInteger.ONE;
      BigInteger den = e >= 0 ? BigInteger.ONE : ten.pow(-e);
      if (shift >= 0) {
        num = num.shiftLeft(shift);
      } else {
        den = den.shiftLeft(-shift);
      }
      BigInteger v = num.divide(den).add(BigInteger.ONE);
      int i = 2 * (e - G_MIN);
      g[i] = v.shiftRight(63).longValueExact();
      g[i + 1] = v.and(mask63).longValueExact();
    }
    return g;
  }
}
