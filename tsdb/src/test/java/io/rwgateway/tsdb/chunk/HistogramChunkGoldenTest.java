package io.rwgateway.tsdb.chunk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Header;
import org.junit.jupiter.api.Test;

/**
 * Chunks built by hand from docs/format/histogram-chunks.md, bit by bit, against the encoder's
 * bytes; and the iterator reading them back.
 */
class HistogramChunkGoldenTest {
  private static byte[] bytes(int... v) {
    byte[] b = new byte[v.length];
    for (int i = 0; i < v.length; i++) {
      b[i] = (byte) v[i];
    }
    return b;
  }

  /** Schema 0, zero threshold 2^-128, buckets 0 and 1 holding 2 and 3, zero bucket 2. */
  private static Histogram first() {
    Histogram h = new Histogram().schema(0).zeroThreshold(0x1p-128).zeroCount(2).count(7).sum(1.0);
    h.positive().set(new int[] {0}, new int[] {2}, new long[] {2, 1});
    return h;
  }

  // Bit stream of the one-sample chunk (after 00 01 = count 1, 00 = header UNKNOWN):
  //   01110100                 zero threshold 2^-128 = 0.5 * 2^-127: code -127 + 243 = 116
  //   0                        schema 0
  //   10 001                   1 positive span
  //   10 010                     length 2
  //   0                          offset 0
  //   0                        0 negative spans
  //   11110 001111101000       t = 1000 (12-bit bucket: -2047..2048)
  //   10 111                   count 7
  //   10 010                   zero count 2
  //   0011111111110000 ...0    sum 1.0, 64 raw bits
  //   10 010                   bucket 0: 2
  //   10 001                   bucket 1: delta 1
  //   000000                   padding (122 bits in all)
  private static final byte[] ONE_SAMPLE =
      bytes(
          0x00, 0x01, 0x00, 0x74, 0x46, 0x47, 0x8f, 0xa2, 0xf2, 0x3f, 0xf0, 0x00, 0x00, 0x00, 0x00,
          0x00, 0x00, 0x94, 0x40);

  @Test
  void oneSample() {
    HistogramChunkEncoder e = new HistogramChunkEncoder(Header.UNKNOWN);
    assertEquals(HistogramChunkEncoder.Verdict.APPEND, e.append(1000, first()));
    assertArrayEquals(ONE_SAMPLE, e.bytes());

    HistogramChunkIterator it = new HistogramChunkIterator(ONE_SAMPLE);
    assertTrue(it.next());
    assertEquals(1000, it.t());
    assertEquals(first().resetHint(Histogram.HINT_UNKNOWN), it.histogram());
    assertFalse(it.next());
  }

  // The second sample, t = 2000, count 9, zero count 2, sum 2.0, buckets 3 and 4 (deltas 3, 1),
  // appended to the bit stream above from bit 122 on (no padding in between):
  //   11110 001111101000       time: delta 1000 - previous delta 0
  //   10 010                   count: 9 - 7 = 2
  //   0                        zero count: unchanged
  //   1 1 00001 001011         sum: 1.0 xor 2.0 = 0x7ff0..0: new window, 1 leading zero,
  //   11111111111                11 significant bits, then those bits
  //   10 001                   bucket 0: delta 3 - 2 = 1, minus the previous delta 0
  //   0                        bucket 1: delta 1 - 1 = 0
  //   000000                   padding (175 bits in all)
  // and the header NOT_COUNTER_RESET (0x40).
  private static final byte[] TWO_SAMPLES =
      bytes(
          0x00, 0x02, 0x40, 0x74, 0x46, 0x47, 0x8f, 0xa2, 0xf2, 0x3f, 0xf0, 0x00, 0x00, 0x00, 0x00,
          0x00, 0x00, 0x94, 0x7c, 0x7d, 0x12, 0x61, 0x2f, 0xff, 0xc4);

  @Test
  void twoSamples() {
    HistogramChunkEncoder e = new HistogramChunkEncoder(Header.NOT_COUNTER_RESET);
    e.append(1000, first());
    Histogram second = first().count(9).sum(2.0);
    second.positive().set(new int[] {0}, new int[] {2}, new long[] {3, 1});
    assertEquals(HistogramChunkEncoder.Verdict.APPEND, e.append(2000, second));
    assertArrayEquals(TWO_SAMPLES, e.bytes());

    HistogramChunkIterator it = new HistogramChunkIterator(TWO_SAMPLES);
    assertEquals(Header.NOT_COUNTER_RESET, it.header());
    assertTrue(it.next());
    assertTrue(it.next());
    assertEquals(2000, it.t());
    assertEquals(second.resetHint(Histogram.HINT_NOT_COUNTER_RESET), it.histogram());
    assertFalse(it.next());
  }

  // A gauge chunk with a zero threshold that is not a power of two, no buckets, and a sum that
  // starts on a byte boundary, so 2.42's bit stream keeps an empty byte after it:
  //   11111111                 zero threshold code 255: the 64 bits of the double follow
  //   0x3f50624dd2f1a9fc       0.001
  //   0 0 0                    schema 0, no positive spans, no negative spans
  //   111110 000011000011010100000   t = 100000 (18-bit bucket)
  //   111110 000001001110001000      count 5000 (18 bits; the encoder does not check sums)
  //   10 011                   zero count 3
  //   0x4004000000000000       sum 2.5, starting at bit 128 of the stream: a byte boundary
  //   00000000                 the empty byte 2.42 appended with the sum's last byte
  private static final byte[] EMPTY_BYTE_AT_END =
      bytes(
          0x00, 0x01, 0xc0, 0xff, 0x3f, 0x50, 0x62, 0x4d, 0xd2, 0xf1, 0xa9, 0xfc, 0x1f, 0x30, 0xd4,
          0x1f, 0x02, 0x71, 0x13, 0x40, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00);

  @Test
  void trailingEmptyByteAndFullZeroThreshold() {
    Histogram h =
        new Histogram()
            .zeroThreshold(0.001)
            .count(5000)
            .zeroCount(3)
            .sum(2.5)
            .resetHint(Histogram.HINT_GAUGE);
    HistogramChunkEncoder e = new HistogramChunkEncoder(HistogramChunkEncoder.firstChunkHeader(h));
    e.append(100_000, h);
    assertArrayEquals(EMPTY_BYTE_AT_END, e.bytes());
    assertEquals(EMPTY_BYTE_AT_END.length, e.length());

    HistogramChunkIterator it = new HistogramChunkIterator(EMPTY_BYTE_AT_END);
    assertTrue(it.next());
    assertEquals(100_000, it.t());
    assertEquals(h, it.histogram());
    assertFalse(it.next());
  }
}
