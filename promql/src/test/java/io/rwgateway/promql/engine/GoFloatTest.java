package io.rwgateway.promql.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Go's shortest float formatting, fast path against the exact search. */
class GoFloatTest {
  @Test
  void formsAsPrometheusWritesThem() {
    assertEquals("0.1", GoFloat.formatSample(0.1));
    assertEquals("0.06666666666666667", GoFloat.formatSample(4.0 / 60));
    assertEquals("2e-07", GoFloat.formatSample(2e-7));
    assertEquals("9.9e-07", GoFloat.formatSample(0.00000099));
    assertEquals("1e+21", GoFloat.formatSample(1e21));
    assertEquals("1.2345678901234569e+23", GoFloat.formatSample(123456789012345678901234.0));
    assertEquals("-0", GoFloat.formatSample(-0.0));
    assertEquals("0.0000001", GoFloat.formatF(1e-7));
    assertEquals("1000000000000000000000", GoFloat.formatF(1e21));
    assertEquals("123.456", GoFloat.formatF(123.456));
    // JDK 17's Double.toString gives 35294595709050224; the closest 17 digits end in 5.
    assertEquals("3.5294595709050225e+25", GoFloat.formatSample(3.5294595709050224E25));
    assertEquals("1e-300", GoFloat.formatJsonNumber(1e-300));
    // Double.toString gives 4.9E-324 (JDK 19+: the closer two-digit decimal); Go the shortest.
    assertEquals("5e-324", GoFloat.formatSample(Double.MIN_VALUE));
    assertEquals("1e-323", GoFloat.formatSample(2 * Double.MIN_VALUE));
    assertEquals("1e-7", GoFloat.formatJsonNumber(1e-7));
  }

  @Test
  void theFastPathAgreesWithTheExactSearch() {
    Random r = new Random(42);
    for (int i = 0; i < 50_000; i++) {
      double x =
          switch (i % 4) {
            case 0 -> Double.longBitsToDouble(r.nextLong() & 0x7fffffffffffffffL);
            case 3 -> Double.MIN_VALUE * r.nextInt(1000);
            case 1 -> r.nextInt(100_000) / (double) (1 + r.nextInt(1000));
            default -> r.nextDouble() * Math.pow(10, r.nextInt(40) - 20);
          };
      if (!(x > 0) || Double.isInfinite(x)) {
        continue;
      }
      assertEquals(ShortestDecimal.exact(x), ShortestDecimal.of(x), "for " + x);
    }
  }
}
