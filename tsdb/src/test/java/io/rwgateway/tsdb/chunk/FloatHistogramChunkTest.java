package io.rwgateway.tsdb.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Header;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The float histogram chunk (encoding 3): hand-built bytes, cut rules, round trips. */
class FloatHistogramChunkTest {
  /** Packs a string of 0/1 (spaces ignored) after the 3 header bytes, zero-padded. */
  private static byte[] chunk(int count, int header, String bits) {
    String b = bits.replace(" ", "");
    byte[] out = new byte[3 + (b.length() + 7) / 8];
    out[0] = (byte) (count >>> 8);
    out[1] = (byte) count;
    out[2] = (byte) header;
    for (int i = 0; i < b.length(); i++) {
      if (b.charAt(i) == '1') {
        out[3 + i / 8] |= (byte) (0x80 >>> (i % 8));
      }
    }
    return out;
  }

  private static String raw(double d) {
    String s = Long.toBinaryString(Double.doubleToRawLongBits(d));
    return "0".repeat(64 - s.length()) + s;
  }

  private static FloatHistogram sample(double zc, double count, double sum, double b0, double b1) {
    FloatHistogram h =
        new FloatHistogram().zeroThreshold(0x1p-128).zeroCount(zc).count(count).sum(sum);
    h.positive().set(new int[] {0}, new int[] {2}, new double[] {b0, b1});
    return h;
  }

  @Test
  void twoSamplesAreTheBitsThePageDescribes() {
    String layout = "01110100" + "0" + "10 001" + "10 010 0" + "0";
    String first = "11110 001111101000" + raw(7.0) + raw(2.0) + raw(1.0) + raw(2.0) + raw(3.0);
    FloatHistogramChunkEncoder e = new FloatHistogramChunkEncoder(Header.UNKNOWN);
    assertEquals(Verdict.APPEND, e.append(1000, sample(2, 7, 1, 2, 3)));
    assertArrayEquals(chunk(1, 0x00, layout + first), e.bytes());

    String second =
        "11110 001111101000" // time: delta 1000 (minus 0)
            + "1 1 01010 000101 11111" // count 7 -> 9: xor 0x003E..., 10 leading, 5 bits
            + "0" // zero count unchanged
            + "1 1 00001 001011 11111111111" // sum 1 -> 2
            + "1 1 01100 000001 1" // bucket 0: 2 -> 3
            + "1 1 01011 000010 11"; // bucket 1: 3 -> 4
    assertEquals(Verdict.APPEND, e.append(2000, sample(2, 9, 2, 3, 4)));
    assertArrayEquals(chunk(2, 0x00, layout + first + second), e.bytes());

    FloatHistogramChunkIterator it = new FloatHistogramChunkIterator(e.bytes());
    assertTrue(it.next());
    assertEquals(sample(2, 7, 1, 2, 3), it.histogram());
    assertTrue(it.next());
    assertEquals(2000, it.t());
    assertEquals(sample(2, 9, 2, 3, 4).resetHint(Histogram.HINT_NOT_COUNTER_RESET), it.histogram());
  }

  @Test
  void aWholeByteOnAByteBoundaryLeavesTheEmptyByte() {
    // Threshold 0 (8 bits), schema 0 (1), no spans (2), t = 0 (1): 12 bits; the raw count starts
    // at bit 12, not a boundary. With t = 4 (5 bits): 16 bits, so the count, zero count and sum
    // are byte-aligned and the chunk ends with 2.42's empty byte.
    FloatHistogramChunkEncoder e = new FloatHistogramChunkEncoder(Header.GAUGE);
    FloatHistogram h = new FloatHistogram().count(1).sum(2).resetHint(Histogram.HINT_GAUGE);
    e.append(4, h);
    assertEquals(3 + 2 + 24 + 1, e.bytes().length);
    assertEquals(0, e.bytes()[e.bytes().length - 1]);
  }

  /** Bucket index -> count, zero counts left out (a recoded chunk adds them). */
  private static Map<Integer, Double> abs(FloatHistogram.Side s) {
    Map<Integer, Double> m = new TreeMap<>();
    int at = 0;
    int b = 0;
    for (int i = 0; i < s.spanCount(); i++) {
      at += s.spanOffset(i);
      for (int k = 0; k < s.spanLength(i); k++, at++, b++) {
        if (s.count(b) != 0) {
          m.put(at, s.count(b));
        }
      }
    }
    return m;
  }

  private static FloatHistogram of(int schema, TreeMap<Integer, Double> pos, double zc, int hint) {
    int[] idx = pos.keySet().stream().mapToInt(Integer::intValue).toArray();
    double[] c = pos.values().stream().mapToDouble(Double::doubleValue).toArray();
    FloatHistogram h = new FloatHistogram().schema(schema).zeroThreshold(0.001).zeroCount(zc);
    h.positive().setAbsolute(idx, c, idx.length);
    double total = zc;
    for (double v : c) {
      total += v;
    }
    return h.count(total).sum(total * 1.25).resetHint(hint);
  }

  /** Appends like the block writer: cut where refused, the header the encoder says. */
  private static List<byte[]> encode(List<long[]> times, List<FloatHistogram> hs, List<String> v) {
    List<byte[]> chunks = new ArrayList<>();
    FloatHistogramChunkEncoder e = null;
    for (int i = 0; i < hs.size(); i++) {
      FloatHistogram h = hs.get(i);
      long t = times.get(i)[0];
      if (e == null) {
        e = new FloatHistogramChunkEncoder(FloatHistogramChunkEncoder.firstChunkHeader(h));
      }
      Verdict got = e.append(t, h);
      v.add(got.name());
      if (got == Verdict.CUT || got == Verdict.CUT_COUNTER_RESET) {
        Header next = e.nextChunkHeader(h);
        chunks.add(e.bytes());
        e.reset(next);
        assertEquals(Verdict.APPEND, e.append(t, h));
      }
    }
    chunks.add(e.bytes());
    return chunks;
  }

  @Test
  void countersCutAtResetsAndSchemaChangesAndRecodeForNewBuckets() {
    List<FloatHistogram> hs = new ArrayList<>();
    List<long[]> ts = new ArrayList<>();
    TreeMap<Integer, Double> pos = new TreeMap<>(Map.of(0, 1.5, 1, 2.0));
    int schema = 1;
    for (int k = 0; k < 40; k++) {
      if (k == 5) {
        pos.put(4, 0.25); // new bucket: recode
      }
      if (k == 12) {
        pos.replaceAll((i, c) -> c / 8); // counter reset
      }
      if (k == 20) {
        schema = 0; // new chunk, no reset
      }
      if (k == 30) {
        pos.remove(0); // a bucket disappears: a reset
      }
      pos.replaceAll((i, c) -> c + 0.5);
      hs.add(of(schema, new TreeMap<>(pos), k % 7, Histogram.HINT_UNKNOWN));
      ts.add(new long[] {1_000_000L + k * 15_000L});
    }
    // Zero counts k % 7 go down at k = 7, 14, ...: those are resets too.
    List<String> verdicts = new ArrayList<>();
    List<byte[]> chunks = encode(ts, hs, verdicts);
    assertEquals("RECODE", verdicts.get(5));
    assertEquals("CUT_COUNTER_RESET", verdicts.get(7));
    assertEquals("CUT_COUNTER_RESET", verdicts.get(12));
    assertEquals("CUT", verdicts.get(20));
    assertEquals("CUT_COUNTER_RESET", verdicts.get(30));
    List<String> headers = new ArrayList<>();
    int k = 0;
    FloatHistogramChunkIterator it = new FloatHistogramChunkIterator();
    for (byte[] c : chunks) {
      it.reset(c, 0, c.length);
      headers.add(it.header().name());
      while (it.next()) {
        FloatHistogram want = hs.get(k);
        assertEquals(ts.get(k)[0], it.t());
        assertEquals(want.count(), it.histogram().count(), "sample " + k);
        assertEquals(want.zeroCount(), it.histogram().zeroCount());
        assertEquals(want.sum(), it.histogram().sum());
        assertEquals(want.schema(), it.histogram().schema());
        assertEquals(abs(want.positive()), abs(it.histogram().positive()), "sample " + k);
        k++;
      }
    }
    assertEquals(hs.size(), k);
    assertEquals("UNKNOWN", headers.get(0));
    assertTrue(headers.contains("COUNTER_RESET"), headers.toString());
  }

  @Test
  void gaugesKeepBucketsComingAndGoingInOneChunk() {
    Random r = new Random(3);
    List<FloatHistogram> hs = new ArrayList<>();
    List<long[]> ts = new ArrayList<>();
    TreeMap<Integer, Double> pos = new TreeMap<>(Map.of(0, 1.0, 2, 4.0));
    for (int k = 0; k < 100; k++) {
      if (r.nextInt(6) == 0) {
        pos.put(r.nextInt(12) - 3, r.nextDouble());
      }
      if (r.nextInt(6) == 0 && pos.size() > 1) {
        pos.remove(pos.firstKey());
      }
      pos.replaceAll((i, c) -> Math.max(0, c + r.nextGaussian()));
      hs.add(of(2, new TreeMap<>(pos), r.nextInt(4), Histogram.HINT_GAUGE));
      ts.add(new long[] {k * 1000L});
    }
    FloatHistogram stale =
        new FloatHistogram().sum(Double.longBitsToDouble(Histogram.STALE_NAN_BITS));
    hs.add(stale.resetHint(Histogram.HINT_GAUGE));
    ts.add(new long[] {100_000L});
    List<String> verdicts = new ArrayList<>();
    List<byte[]> chunks = encode(ts, hs, verdicts);
    assertEquals(1, chunks.size(), verdicts.toString());
    assertTrue(verdicts.contains("RECODE"));
    FloatHistogramChunkIterator it = new FloatHistogramChunkIterator(chunks.get(0));
    assertEquals(Header.GAUGE, it.header());
    for (int k = 0; k < hs.size(); k++) {
      assertTrue(it.next());
      if (k == 100) {
        assertTrue(it.histogram().isStale());
        assertEquals(0, it.histogram().positive().bucketCount());
        continue;
      }
      assertEquals(hs.get(k).count(), it.histogram().count());
      assertEquals(abs(hs.get(k).positive()), abs(it.histogram().positive()), "sample " + k);
      assertEquals(Histogram.HINT_GAUGE, it.histogram().resetHint());
    }
  }

  @Test
  void floatMessagesRoundTrip() {
    FloatHistogram h = sample(2, 9, 2.5, 3, 4).schema(-2).resetHint(Histogram.HINT_GAUGE);
    h.negative().set(new int[] {-3, 2}, new int[] {1, 1}, new double[] {0.5, 0.75});
    byte[] msg = HistogramProto.encode(77, h);
    FloatHistogram back = new FloatHistogram();
    HistogramProto p = new HistogramProto();
    assertTrue(p.readFloat(msg, 0, msg.length, back));
    assertEquals(h, back);
    assertTrue(!p.readInteger(msg, 0, msg.length, new Histogram()));
    byte[] intMsg = HistogramProto.encode(77, new Histogram().count(3));
    assertTrue(!p.readFloat(intMsg, 0, intMsg.length, back));
  }
}
