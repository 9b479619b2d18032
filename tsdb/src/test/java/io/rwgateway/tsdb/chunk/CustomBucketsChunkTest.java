package io.rwgateway.tsdb.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Header;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Verdict;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Histograms with custom bucket bounds (schema -53) in histogram and float histogram chunks, in
 * Prometheus 3's layout (docs/format/histogram-chunks.md, "Custom bucket bounds"): a chunk built by
 * hand from the page, round trips, layout growth, and a change of bounds cutting a chunk.
 *
 * <p>NOTE: no Prometheus 3 runs here, so the golden bytes are the page's, assembled by hand; they
 * are not compared with bytes Prometheus 3 wrote.
 */
class CustomBucketsChunkTest {
  private static final int NHCB = NativeHistogram.CUSTOM_BUCKETS_SCHEMA;

  private static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }

  // The page's example: t = 1000, schema -53, threshold 0, bounds [-1.0, 0.25, 100000.0], count 5,
  // zero count 0, sum 2.0, one positive span (0, 2), buckets 2 and 3 (deltas 2, 1):
  //   00000000                   threshold 0
  //   1110 111001011             schema -53: 9-bit payload, 512 - 53
  //   10 001  10 010 0           1 positive span: length 2, offset 0
  //   0                          no negative spans
  //   10 011                     3 bounds
  //   0 1011111111110000 ...0    -1.0: raw
  //   1110 011111011             0.25: varbit uint 251
  //   0 0100000011111000 0110101000000000 ...0   100000.0: raw
  //   11110 001111101000         t = 1000
  //   10 101   0                 count 5, zero count 0
  //   0100000000000000 ...0      sum 2.0
  //   10 010  10 001             buckets: 2, delta 1
  //   00                         padding (278 bits)
  private static final byte[] ONE_SAMPLE =
      bytes(
          0x00, 0x01, 0x00, 0x00, 0xee, 0x5c, 0x64, 0x4d, 0x7f, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00,
          0x01, 0xcf, 0xb2, 0x07, 0xc3, 0x50, 0x00, 0x00, 0x00, 0x00, 0x07, 0x8f, 0xa2, 0xa4, 0x00,
          0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x44);

  private static Histogram pageSample() {
    Histogram h = new Histogram().schema(NHCB).count(5).sum(2.0);
    h.customValues(-1.0, 0.25, 100000.0);
    h.positive().set(new int[] {0}, new int[] {2}, new long[] {2, 1});
    return h;
  }

  @Test
  void theChunkOnThePage() {
    HistogramChunkEncoder e = new HistogramChunkEncoder(Header.UNKNOWN);
    assertEquals(Verdict.APPEND, e.append(1000, pageSample()));
    assertArrayEquals(ONE_SAMPLE, e.bytes());

    HistogramChunkIterator it = new HistogramChunkIterator(ONE_SAMPLE);
    assertTrue(it.next());
    assertEquals(1000, it.t());
    assertEquals(pageSample(), it.histogram());
    assertArrayEquals(new double[] {-1.0, 0.25, 100000.0}, it.histogram().customValues());
    assertFalse(it.next());
  }

  @Test
  void boundsInEveryFormRoundTrip() {
    double[] bounds = {
      -0.0,
      0,
      0.001,
      0.1,
      0.25,
      1,
      2.5,
      33554.43,
      33554.431,
      33554.429,
      1e-4,
      1.0 / 3,
      1e300,
      Double.POSITIVE_INFINITY,
      -5,
      0.0005,
      7.123
    };
    Histogram h = new Histogram().schema(NHCB).count(1).sum(1);
    h.customValues(bounds);
    h.positive().set(new int[] {3}, new int[] {1}, new long[] {1});
    HistogramChunkEncoder e = new HistogramChunkEncoder(Header.UNKNOWN);
    e.append(5, h);
    HistogramChunkIterator it = new HistogramChunkIterator(e.bytes());
    assertTrue(it.next());
    double[] got = it.histogram().customValues();
    assertEquals(bounds.length, got.length);
    for (int i = 0; i < bounds.length; i++) {
      // -0.0 is written as the varbit form of 0 and comes back as +0.0, as in Prometheus 3.
      double want = bounds[i] == 0 ? 0.0 : bounds[i];
      assertEquals(
          Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got[i]), "bound " + i);
    }
  }

  @Test
  void shortBoundsTakeTheVarbitForm() {
    // 0.001 -> varbit uint 2 ("10 010", 5 bits); 1e-4 -> 0 and 64 bits: 65 bits.
    assertEquals(5, boundBits(0.001));
    assertEquals(65, boundBits(1e-4));
    assertEquals(65, boundBits(-1));
    assertEquals(17, boundBits(1)); // 1001: 11110 + 12 bits
    assertEquals(32, boundBits(33554.43)); // 33554431: 1111110 + 25 bits
    assertEquals(65, boundBits(33554.431));
  }

  /** The bits one bound adds to a chunk's layout (beyond the bound count going from 0 to 1). */
  private static int boundBits(double b) {
    return layoutBits(b) - layoutBits() - 4; // bound count: "0" -> "10 001"
  }

  /** The bits of a one-sample chunk without buckets whose layout has these bounds. */
  private static int layoutBits(double... bounds) {
    Histogram h = new Histogram().schema(NHCB).sum(1).customValues(bounds);
    HistogramChunkEncoder e = new HistogramChunkEncoder(Header.UNKNOWN);
    e.append(0, h);
    return e.bitLength();
  }

  private static Histogram counter(long b0, long b1, long b2, double[] cv) {
    Histogram h = new Histogram().schema(NHCB).count(b0 + b1 + b2).sum(b0 + 2.0 * b1);
    h.customValues(cv);
    h.positive().setAbsolute(new int[] {0, 1, 3}, new long[] {b0, b1, b2}, 3); // spans (0,2),(1,1)
    return h;
  }

  @Test
  void integerCountersRoundTripGrowAndCutOnABoundsChange() {
    double[] cv = {0.1, 0.5, 1, 5};
    double[] other = {0.1, 0.5, 1, 10};
    HistogramChunkEncoder e = new HistogramChunkEncoder(Header.UNKNOWN);
    // Two buckets, then a third appears: the chunk is re-encoded with the wider layout.
    Histogram a = new Histogram().schema(NHCB).count(3).sum(1.5).customValues(cv);
    a.positive().set(new int[] {0}, new int[] {2}, new long[] {1, 1});
    assertEquals(Verdict.APPEND, e.append(1000, a));
    Histogram b = counter(2, 3, 4, cv);
    assertEquals(Verdict.RECODE, e.append(2000, b));
    Histogram c = counter(5, 6, 7, cv);
    assertEquals(Verdict.APPEND, e.append(3000, c));
    assertEquals(3, e.count());
    // Other bounds: Prometheus 3 cuts with a counter-reset header, even though counts only rose.
    Histogram d = counter(6, 7, 8, other);
    assertEquals(Header.COUNTER_RESET, e.nextChunkHeader(d));
    assertEquals(Verdict.CUT_COUNTER_RESET, e.append(4000, d));
    // Exactly the same bounds in another array: appendable.
    assertEquals(Verdict.APPEND, e.check(counter(6, 7, 8, cv.clone())));

    List<Histogram> got = decode(e.bytes());
    assertEquals(3, got.size());
    // a, widened with a zero bucket at index 3, as the recode does
    Histogram aWide = counter(1, 2, 0, cv);
    aWide.count(3).sum(1.5);
    assertEquals(HistogramChunkTest.absolute(aWide.positive()), absolute(got.get(0)));
    assertEquals(HistogramChunkTest.absolute(b.positive()), absolute(got.get(1)));
    assertEquals(HistogramChunkTest.absolute(c.positive()), absolute(got.get(2)));
    for (Histogram h : got) {
      assertArrayEquals(cv, h.customValues());
      assertEquals(NHCB, h.schema());
    }
    assertEquals(3, got.get(0).count());
    assertEquals(c.count(), got.get(2).count());

    // The next chunk carries the new bounds.
    e.reset(Header.COUNTER_RESET);
    e.append(4000, d);
    List<Histogram> next = decode(e.bytes());
    assertArrayEquals(other, next.get(0).customValues());
    assertEquals(Histogram.HINT_COUNTER_RESET, next.get(0).resetHint());
  }

  @Test
  void gaugesCutOnABoundsChangeAndMergeBucketsOtherwise() {
    double[] cv = {1, 2, 3};
    HistogramChunkEncoder e = new HistogramChunkEncoder(Header.GAUGE);
    Histogram g1 = counter(4, 2, 1, cv).resetHint(Histogram.HINT_GAUGE);
    Histogram g2 = new Histogram().schema(NHCB).count(1).sum(0.5).customValues(cv);
    g2.positive().set(new int[] {0}, new int[] {1}, new long[] {1});
    g2.resetHint(Histogram.HINT_GAUGE);
    assertEquals(Verdict.APPEND, e.append(1, g1));
    assertEquals(Verdict.APPEND, e.append(2, g2)); // fewer buckets: the sample is widened
    Histogram g3 = counter(1, 1, 1, new double[] {1, 2}).resetHint(Histogram.HINT_GAUGE);
    assertEquals(Verdict.CUT, e.check(g3));
    assertEquals(Header.GAUGE, e.nextChunkHeader(g3));
    List<Histogram> got = decode(e.bytes());
    assertEquals(2, got.size());
    assertArrayEquals(cv, got.get(1).customValues());
    assertEquals(Histogram.HINT_GAUGE, got.get(1).resetHint());
  }

  @Test
  void exponentialSchemasWriteNoBounds() {
    // Bounds on an exponential histogram are not part of its layout (Prometheus writes them only
    // for schema -53): the chunk's bytes are those without them.
    Histogram plain = new Histogram().schema(0).count(1).sum(1);
    plain.positive().set(new int[] {0}, new int[] {1}, new long[] {1});
    Histogram withCv = new Histogram().copyFrom(plain).customValues(1, 2);
    HistogramChunkEncoder a = new HistogramChunkEncoder(Header.UNKNOWN);
    HistogramChunkEncoder b = new HistogramChunkEncoder(Header.UNKNOWN);
    a.append(1, plain);
    b.append(1, withCv);
    assertArrayEquals(a.bytes(), b.bytes());
    assertEquals(0, decode(b.bytes()).get(0).customValues().length);
  }

  @Test
  void aStaleMarkerInACustomBucketsChunk() {
    HistogramChunkEncoder e = new HistogramChunkEncoder(Header.UNKNOWN);
    e.append(1, counter(1, 1, 0, new double[] {0.5, 1, 2}));
    Histogram stale = new Histogram().sum(Double.longBitsToDouble(Histogram.STALE_NAN_BITS));
    assertEquals(Verdict.APPEND, e.append(2, stale));
    List<Histogram> got = decode(e.bytes());
    assertTrue(got.get(1).isStale());
    assertEquals(0, got.get(1).customValues().length);
  }

  @Test
  void floatHistogramsRoundTripGrowAndCutOnABoundsChange() {
    double[] cv = {0.005, 0.01, 0.025, 0.05};
    FloatHistogramChunkEncoder e = new FloatHistogramChunkEncoder(Header.UNKNOWN);
    FloatHistogram a = new FloatHistogram().schema(NHCB).count(3).sum(0.02).customValues(cv);
    a.positive().set(new int[] {1}, new int[] {1}, new double[] {3});
    FloatHistogram b = new FloatHistogram().schema(NHCB).count(6.5).sum(0.1).customValues(cv);
    b.positive().set(new int[] {1, 1}, new int[] {1, 2}, new double[] {3.5, 1, 2});
    assertEquals(Verdict.APPEND, e.append(10, a));
    assertEquals(Verdict.RECODE, e.append(20, b));
    FloatHistogram c = new FloatHistogram().copyFrom(b).count(7).customValues(0.005, 0.01);
    assertEquals(Verdict.CUT_COUNTER_RESET, e.check(c));
    assertEquals(Header.COUNTER_RESET, e.nextChunkHeader(c));

    FloatHistogramChunkIterator it = new FloatHistogramChunkIterator(e.bytes());
    assertTrue(it.next());
    FloatHistogram got0 = new FloatHistogram().copyFrom(it.histogram());
    assertTrue(it.next());
    FloatHistogram got1 = new FloatHistogram().copyFrom(it.histogram());
    assertFalse(it.next());
    assertArrayEquals(cv, got0.customValues());
    assertArrayEquals(cv, got1.customValues());
    assertEquals(b.resetHint(Histogram.HINT_NOT_COUNTER_RESET), got1);
    assertEquals(3, got0.positive().bucketCount()); // widened by the recode
    assertEquals(3.0, got0.positive().count(0));
    assertEquals(0.0, got0.positive().count(1));

    // float messages with custom values round-trip through the proto and the chunk
    byte[] msg = HistogramProto.encode(20, b);
    FloatHistogram back = new FloatHistogram();
    assertTrue(new HistogramProto().readFloat(msg, 0, msg.length, back));
    assertEquals(b, back);
  }

  @Test
  void protoField16BothWays() {
    Histogram h = pageSample();
    byte[] msg = HistogramProto.encode(1000, h);
    Histogram back = new Histogram();
    HistogramProto p = new HistogramProto();
    assertTrue(p.readInteger(msg, 0, msg.length, back));
    assertEquals(h, back);
    assertArrayEquals(new double[] {-1.0, 0.25, 100000.0}, back.customValues());
    // field 16, packed: tag 0x82 0x01, length 24, three little-endian doubles at the end
    int at = msg.length - 27;
    assertEquals(0x82, msg[at] & 0xff);
    assertEquals(0x01, msg[at + 1] & 0xff);
    assertEquals(24, msg[at + 2]);
    // the iterator's message carries them too (what remote read SAMPLES returns)
    HistogramChunkIterator it = new HistogramChunkIterator(ONE_SAMPLE);
    assertTrue(it.next());
    Histogram fromChunk = new Histogram();
    byte[] m2 = it.proto();
    assertTrue(p.readInteger(m2, 0, m2.length, fromChunk));
    assertArrayEquals(h.customValues(), fromChunk.customValues());
    // unpacked (wire type 1) values are read as well
    byte[] unpacked = {
      0x08, 0x01, 0x20, 0x69, (byte) 0x81, 0x01, 0, 0, 0, 0, 0, 0, (byte) 0xf0, 0x3f
    };
    assertTrue(p.readInteger(unpacked, 0, unpacked.length, back));
    assertArrayEquals(new double[] {1.0}, back.customValues());
    assertEquals(NHCB, back.schema());
    // a message without them clears what the last one had
    byte[] none = HistogramProto.encode(1, new Histogram().count(1));
    assertTrue(p.readInteger(none, 0, none.length, back));
    assertEquals(0, back.customValues().length);
  }

  private static List<Histogram> decode(byte[] chunk) {
    List<Histogram> out = new ArrayList<>();
    HistogramChunkIterator it = new HistogramChunkIterator(chunk);
    while (it.next()) {
      out.add(new Histogram().copyFrom(it.histogram()));
    }
    return out;
  }

  private static Object absolute(Histogram h) {
    return HistogramChunkTest.absolute(h.positive());
  }
}
