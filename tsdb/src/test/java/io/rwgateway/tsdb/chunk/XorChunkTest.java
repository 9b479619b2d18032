package io.rwgateway.tsdb.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class XorChunkTest {
  private static final long STALE_NAN = 0x7ff0000000000002L;

  private static byte[] encode(long[] t, double[] v) {
    XorChunk c = new XorChunk(16);
    for (int i = 0; i < t.length; i++) {
      c.append(t[i], v[i]);
    }
    return Arrays.copyOf(c.buffer(), c.length());
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s.replace(" ", ""));
  }

  @Test
  void handComputedBytesFromTheFormatPage() {
    assertArrayEquals(
        hex("0001 d00f 3ff0000000000000"), encode(new long[] {1000}, new double[] {1.0}));
    assertArrayEquals(
        hex("0002 d00f 3ff0000000000000 e807 00"),
        encode(new long[] {1000, 2000}, new double[] {1.0, 1.0}));
    assertArrayEquals(
        hex("0003 d00f 3ff0000000000000 e807 3097ffc0"),
        encode(new long[] {1000, 2000, 3000}, new double[] {1.0, 1.0, 2.0}));
    // 2.0 -> 4.0 xor = 0x0010000000000000 (leading 11, trailing 52) fits the window (1, 52): '10' +
    // 11 bits.
    assertArrayEquals(
        hex("0004 d00f 3ff0000000000000 e807 3097ffd001"),
        encode(new long[] {1000, 2000, 3000, 4000}, new double[] {1.0, 1.0, 2.0, 4.0}));
  }

  @Test
  void handComputedDeltaOfDeltaBuckets() {
    // dod +1: '10' + 14-bit 1.
    assertArrayEquals(
        hex("0003 00 0000000000000000 01 400080"),
        encode(new long[] {0, 1, 3}, new double[] {0, 0, 0}));
    // dod -1: '10' + 14 one bits.
    assertArrayEquals(
        hex("0003 00 0000000000000000 02 5fff80"),
        encode(new long[] {0, 2, 3}, new double[] {0, 0, 0}));
    // first timestamp negative: zig-zag(-1) = 1.
    assertArrayEquals(
        hex("0001 01 bff0000000000000"), encode(new long[] {-1}, new double[] {-1.0}));
  }

  @Test
  void bucketBoundariesRoundTripAndUseTheExpectedWidth() {
    long[][] cases = {
      {8192, 16}, {-8191, 16}, {-8192, 20}, {8193, 20},
      {65536, 20}, {-65535, 20}, {-65536, 24}, {65537, 24},
      {524288, 24}, {-524287, 24}, {-524288, 68}, {524289, 68},
      {Long.MAX_VALUE / 4, 68}, {-(Long.MAX_VALUE / 4), 68},
    };
    for (long[] c : cases) {
      long base = 1_000_000_000_000L;
      long delta = 1_000_000_000L;
      long[] t = {base, base + delta, base + 2 * delta + c[0]};
      double[] v = {1, 1, 1};
      byte[] withDod = encode(t, v);
      byte[] zeroDod = encode(new long[] {t[0], t[1], t[1] + delta}, v);
      // Same value, so the extra bits are the dod bucket only: bucket bits - 1 (the '0').
      int expectedBits = (int) c[1];
      int bitsZero = 8 * (zeroDod.length - 2);
      assertTrue(withDod.length * 8 - 16 >= bitsZero + expectedBits - 1 - 7, "dod " + c[0]);
      assertTrue(withDod.length * 8 - 16 <= bitsZero + expectedBits - 1 + 7, "dod " + c[0]);
      assertRoundTrip(t, v);
    }
  }

  @Test
  void edgeValuesRoundTripBitExact() {
    double[] v = {
      0.0,
      -0.0,
      Double.NaN,
      Double.longBitsToDouble(STALE_NAN),
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      Double.MIN_VALUE,
      -Double.MAX_VALUE,
      Double.MAX_VALUE,
      1.0,
      Double.longBitsToDouble(0xfff8000000000001L),
      -0.0,
      0.0,
      42.5,
      42.5
    };
    long[] t = new long[v.length];
    for (int i = 0; i < t.length; i++) {
      t[i] = 1_700_000_000_000L + i * 15_000L + (i % 3) * 7;
    }
    assertRoundTrip(t, v);
  }

  @Test
  void extremeTimestampsRoundTrip() {
    assertRoundTrip(new long[] {Long.MIN_VALUE / 2, 0, Long.MAX_VALUE / 2}, new double[] {1, 2, 3});
    assertRoundTrip(new long[] {-5000, -4000, -1000, 0, 1}, new double[] {1, 2, 3, 4, 5});
  }

  @Test
  void randomDataRoundTrips() {
    Random r = new Random(42);
    for (int round = 0; round < 500; round++) {
      int n = 1 + r.nextInt(XorChunk.MAX_SAMPLES);
      long[] t = new long[n];
      double[] v = new double[n];
      long ts = r.nextLong() >> 20;
      double val = r.nextDouble() * 1000;
      for (int i = 0; i < n; i++) {
        ts +=
            switch (r.nextInt(4)) {
              case 0 -> 15_000;
              case 1 -> 1 + r.nextInt(100_000);
              case 2 -> 1 + (r.nextLong() >>> 30);
              default -> 15_000 + r.nextInt(3) - 1;
            };
        val =
            switch (r.nextInt(5)) {
              case 0 -> val;
              case 1 -> val + 1;
              case 2 -> Double.longBitsToDouble(r.nextLong());
              case 3 -> (double) r.nextInt(10);
              default -> val * 1.5;
            };
        t[i] = ts;
        v[i] = val;
      }
      assertRoundTrip(t, v);
    }
  }

  @Test
  void chunkReportsFullAtCapacityAndCutResets() {
    XorChunk c = new XorChunk(16);
    for (int i = 0; i < XorChunk.MAX_SAMPLES; i++) {
      assertFalse(c.isFull());
      c.append(i * 1000L, i);
    }
    assertTrue(c.isFull());
    byte[] done = c.cut(64);
    assertEquals(XorChunk.MAX_SAMPLES, XorIterator.count(done));
    assertEquals(0, c.count());
    c.append(500_000, 7);
    assertEquals(500_000, c.firstTime());
    XorIterator it = new XorIterator(done, done.length);
    int n = 0;
    while (it.next()) {
      assertEquals(n * 1000L, it.t());
      assertEquals(n, it.v());
      n++;
    }
    assertEquals(XorChunk.MAX_SAMPLES, n);
  }

  @Test
  void aChunkAfterACutEncodesAsAFreshOne() {
    Random r = new Random(7);
    XorChunk reused = new XorChunk(16);
    for (int round = 0; round < 5; round++) {
      XorChunk fresh = new XorChunk(16);
      int n = round == 0 ? XorChunk.MAX_SAMPLES : 1 + r.nextInt(XorChunk.MAX_SAMPLES);
      for (int i = 0; i < n; i++) {
        long t = round * 10_000_000L + i * 1000L + r.nextInt(3);
        double v = r.nextInt(4) == 0 ? r.nextDouble() : i;
        reused.append(t, v);
        fresh.append(t, v);
      }
      assertArrayEquals(
          Arrays.copyOf(fresh.buffer(), fresh.length()),
          Arrays.copyOf(reused.buffer(), reused.length()),
          "round " + round);
      long last = reused.lastTime();
      long lastBits = reused.lastValueBits();
      byte[] done = reused.cut(round % 2 == 0 ? 16 : 300);
      assertEquals(n, XorIterator.count(done));
      assertEquals(0, reused.count());
      assertEquals(2, reused.length(), "only the header");
      assertEquals(last, reused.lastTime(), "kept across a cut");
      assertEquals(lastBits, reused.lastValueBits(), "kept across a cut");
    }
  }

  @Test
  void truncatedChunkIsReportedNotMisread() {
    byte[] b = encode(new long[] {1000, 2000, 3000}, new double[] {1.0, 1.0, 2.0});
    XorIterator it = new XorIterator(b, b.length - 2);
    assertTrue(it.next());
    assertTrue(it.next());
    assertThrows(IllegalStateException.class, it::next);
  }

  private static void assertRoundTrip(long[] t, double[] v) {
    byte[] b = encode(t, v);
    assertEquals(t.length, XorIterator.count(b));
    XorIterator it = new XorIterator(b, b.length);
    for (int i = 0; i < t.length; i++) {
      assertTrue(it.next(), "sample " + i);
      assertEquals(t[i], it.t(), "t of sample " + i);
      assertEquals(Double.doubleToRawLongBits(v[i]), it.valueBits(), "bits of sample " + i);
      assertEquals(
          Double.doubleToRawLongBits(v[i]), Double.doubleToRawLongBits(it.v()), "v of sample " + i);
    }
    assertFalse(it.next());
    // The same chunk inside a larger buffer, with bytes of all ones around it: the reader's
    // 8-byte loads may see them and must not use them.
    byte[] padded = new byte[b.length + 19];
    java.util.Arrays.fill(padded, (byte) 0xff);
    System.arraycopy(b, 0, padded, 7, b.length);
    it.reset(padded, 7, b.length);
    for (int i = 0; i < t.length; i++) {
      assertTrue(it.next(), "padded sample " + i);
      assertEquals(t[i], it.t(), "padded t of sample " + i);
      assertEquals(Double.doubleToRawLongBits(v[i]), it.valueBits(), "padded bits of " + i);
    }
    assertFalse(it.next());
  }
}
