package io.rwgateway.promql.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Go's shortest float formatting against an exact search of each value's rounding interval. */
class GoFloatTest {
  @Test
  void formsAsPrometheusWritesThem() {
    assertEquals("0.1", GoFloat.formatSample(0.1));
    assertEquals("0.06666666666666667", GoFloat.formatSample(4.0 / 60));
    assertEquals("2e-07", GoFloat.formatSample(2e-7));
    assertEquals("9.9e-07", GoFloat.formatSample(0.00000099));
    assertEquals("1e+21", GoFloat.formatSample(1e21));
    assertEquals("1.2345678901234569e+23", GoFloat.formatSample(123456789012345678901234.0));
    assertEquals("-1.5e-300", GoFloat.formatSample(-1.5e-300));
    assertEquals("1.7976931348623157e+308", GoFloat.formatSample(Double.MAX_VALUE));
    assertEquals("-0", GoFloat.formatSample(-0.0));
    assertEquals("0", GoFloat.formatSample(0.0));
    assertEquals("NaN", GoFloat.formatSample(Double.NaN));
    assertEquals("-Inf", GoFloat.formatSample(Double.NEGATIVE_INFINITY));
    assertEquals("0.0000001", GoFloat.formatF(1e-7));
    assertEquals("1000000000000000000000", GoFloat.formatF(1e21));
    assertEquals("123.456", GoFloat.formatF(123.456));
    assertEquals("-123.456", GoFloat.formatF(-123.456));
    assertEquals("9007199254740994", GoFloat.formatF(9007199254740994.0));
    assertEquals("100", GoFloat.formatF(100));
    assertEquals("0.5", GoFloat.formatF(0.5));
    assertEquals("1" + "0".repeat(300), GoFloat.formatF(1e300));
    // JDK 17's Double.toString gives 35294595709050224; the closest 17 digits end in 5.
    assertEquals("3.5294595709050225e+25", GoFloat.formatSample(3.5294595709050224E25));
    assertEquals("1e-300", GoFloat.formatJsonNumber(1e-300));
    // Double.toString gives 4.9E-324 (JDK 19+: the closer two-digit decimal); Go the shortest.
    assertEquals("5e-324", GoFloat.formatSample(Double.MIN_VALUE));
    assertEquals("1e-323", GoFloat.formatSample(2 * Double.MIN_VALUE));
    assertEquals("1e-7", GoFloat.formatJsonNumber(1e-7));
    assertEquals("1700000000", GoFloat.formatTimestamp(1_700_000_000_000L));
    assertEquals("1700000000.005", GoFloat.formatTimestamp(1_700_000_000_005L));
    assertEquals("-1.500", GoFloat.formatTimestamp(-1500));
    assertEquals("0.500", GoFloat.formatTimestamp(500));
    assertEquals("0", GoFloat.formatTimestamp(0));
    // Every digit count, at its edges.
    for (long p = 1; p <= 1_000_000_000_000_000L; p *= 10) {
      assertEquals(Long.toString(p), GoFloat.formatTimestamp(p * 1000));
      assertEquals(Long.toString(p - 1), GoFloat.formatTimestamp((p - 1) * 1000));
    }
  }

  @Test
  void theWriterReusesItsBuffer() {
    GoFloat.Writer w = new GoFloat.Writer();
    int n = w.sample(123456.789);
    assertEquals("123456.789", new String(w.buffer(), 0, n));
    n = w.sample(0.25);
    assertEquals("0.25", new String(w.buffer(), 0, n));
    n = w.timestamp(1_700_000_000_120L);
    assertEquals("1700000000.120", new String(w.buffer(), 0, n));
    n = w.point(1_700_000_000_120L, -2e-7);
    assertEquals("[1700000000.120,\"-2e-07\"]", new String(w.buffer(), 0, n));
    n = w.point(-5, Double.NaN);
    assertEquals("[-0.005,\"NaN\"]", new String(w.buffer(), 0, n));
    // Times are kept formatted by the writer: repeated and colliding ones still come out right.
    Random r = new Random(3);
    for (int i = 0; i < 20_000; i++) {
      long ms =
          i % 2 == 0
              ? 1_700_000_000_000L + 15_000L * r.nextInt(600)
              : r.nextLong() % 100_000_000_000_000L;
      assertEquals(GoFloat.formatTimestamp(ms), new String(w.buffer(), 0, w.timestamp(ms)));
    }
  }

  @Test
  void randomDoublesGetTheShortestClosestDecimal() {
    Random r = new Random(42);
    ShortestDigits d = new ShortestDigits();
    for (int i = 0; i < 60_000; i++) {
      double x =
          switch (i % 5) {
            case 0 -> Double.longBitsToDouble(r.nextLong() & 0x7fffffffffffffffL);
            case 1 -> r.nextInt(100_000) / (double) (1 + r.nextInt(1000));
            case 2 -> Double.MIN_VALUE * r.nextInt(100_000);
            case 3 -> (r.nextLong() >>> r.nextInt(64)) * (r.nextBoolean() ? 1.0 : 0.001);
            default -> r.nextDouble() * Math.pow(10, r.nextInt(40) - 20);
          };
      if (x > 0 && !Double.isInfinite(x)) {
        assertShortest(d, x);
      }
    }
  }

  @Test
  void powersOfTwoUseTheirNarrowerLowerGap() {
    ShortestDigits d = new ShortestDigits();
    for (int e = -1074; e <= 1023; e++) {
      double x = Math.scalb(1.0, e);
      assertShortest(d, x);
      assertShortest(d, Math.nextUp(x));
      if (e > -1074) {
        assertShortest(d, Math.nextDown(x));
      }
    }
    assertShortest(d, Double.MAX_VALUE);
    assertShortest(d, Double.MIN_NORMAL);
    assertShortest(d, Math.nextDown(Double.MIN_NORMAL));
  }

  @Test
  void fromJdk19DoubleToStringAgreesWhereItHasTwoDigitsOrMore() {
    if (Runtime.version().feature() < 19) {
      return; // JDK 17's Double.toString is not shortest; the exact search covers it
    }
    Random r = new Random(7);
    ShortestDigits d = new ShortestDigits();
    for (int i = 0; i < 1_000_000; i++) {
      double x = Double.longBitsToDouble(r.nextLong() & 0x7fffffffffffffffL);
      if (!(x > 0) || Double.isInfinite(x)) {
        continue;
      }
      d.of(x);
      BigDecimal jdk = new BigDecimal(Double.toString(x)).stripTrailingZeros();
      if (jdk.precision() >= 2) {
        assertEquals(jdk, BigDecimal.valueOf(d.digits, -d.exponent), "for " + x);
      }
    }
  }

  @Test
  void logarithmApproximationsAreExactOverTheirRanges() {
    for (int e = -1200; e <= 1200; e++) {
      assertEquals(floorLog10(BigDecimal.ONE, 2, e), ShortestDigits.floorLog10Pow2(e), "e=" + e);
      assertEquals(
          floorLog10(new BigDecimal("0.75"), 2, e),
          ShortestDigits.floorLog10ThreeQuartersPow2(e),
          "e=" + e);
    }
    for (int e = -400; e <= 400; e++) {
      BigInteger p = BigInteger.TEN.pow(Math.abs(e));
      int expected = e >= 0 ? p.bitLength() - 1 : (e == 0 ? 0 : -p.bitLength());
      assertEquals(expected, ShortestDigits.floorLog2Pow10(e), "e=" + e);
    }
  }

  /** floor(log10(factor * base^e)), exactly. */
  private static int floorLog10(BigDecimal factor, int base, int e) {
    BigDecimal x =
        e >= 0
            ? factor.multiply(new BigDecimal(BigInteger.valueOf(base).pow(e)))
            : factor.divide(new BigDecimal(BigInteger.valueOf(base).pow(-e)));
    return x.precision() - x.scale() - 1;
  }

  private static void assertShortest(ShortestDigits d, double x) {
    d.of(x);
    assertEquals(oracle(x), BigDecimal.valueOf(d.digits, -d.exponent), "for " + x);
    assertEquals(0, d.digits % 10 == 0 ? 1 : 0, "trailing zero left for " + x);
  }

  /**
   * The decimals that read back as {@code x} are those in its rounding interval, half a gap to each
   * neighbour (bounds included when the significand is even); of the fewest digits, the closest.
   */
  private static BigDecimal oracle(double x) {
    BigDecimal v = new BigDecimal(x);
    BigDecimal two = BigDecimal.valueOf(2);
    BigDecimal low = v.add(new BigDecimal(Math.nextDown(x))).divide(two);
    BigDecimal high = v.add(new BigDecimal(Math.ulp(x)).divide(two));
    if (Math.nextUp(x) != Double.POSITIVE_INFINITY) {
      high = v.add(new BigDecimal(Math.nextUp(x))).divide(two);
    }
    boolean even = (Double.doubleToRawLongBits(x) & 1) == 0;
    for (int p = 1; p <= 17; p++) {
      BigDecimal down = v.round(new MathContext(p, RoundingMode.FLOOR));
      BigDecimal up = v.round(new MathContext(p, RoundingMode.CEILING));
      boolean downIn = even ? down.compareTo(low) >= 0 : down.compareTo(low) > 0;
      boolean upIn = even ? up.compareTo(high) <= 0 : up.compareTo(high) < 0;
      if (downIn && upIn) {
        int c = v.subtract(down).compareTo(up.subtract(v));
        if (c == 0) {
          return v.round(new MathContext(p, RoundingMode.HALF_EVEN)).stripTrailingZeros();
        }
        return (c < 0 ? down : up).stripTrailingZeros();
      }
      if (downIn || upIn) {
        return (downIn ? down : up).stripTrailingZeros();
      }
    }
    throw new AssertionError("no decimal of 17 digits reads back as " + x);
  }
}
