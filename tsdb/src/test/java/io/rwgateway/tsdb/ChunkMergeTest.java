package io.rwgateway.tsdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.tsdb.chunk.Histogram;
import io.rwgateway.tsdb.chunk.HistogramChunkIterator;
import io.rwgateway.tsdb.chunk.XorChunks;
import io.rwgateway.tsdb.chunk.XorIterator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Chunks of one series from several parts: passed through, or merged where they overlap. */
class ChunkMergeTest {
  /** A part holding XOR chunks of the given samples (t, v pairs), one chunk per array. */
  private static ChunkIterator part(double[]... chunks) {
    List<byte[]> data = new ArrayList<>();
    List<long[]> bounds = new ArrayList<>();
    for (double[] tv : chunks) {
      int n = tv.length / 2;
      long[] t = new long[n];
      long[] bits = new long[n];
      for (int i = 0; i < n; i++) {
        t[i] = (long) tv[2 * i];
        bits[i] = Double.doubleToRawLongBits(tv[2 * i + 1]);
      }
      data.add(XorChunks.encode(t, bits, n).get(0));
      bounds.add(new long[] {t[0], t[n - 1]});
    }
    return new ChunkIterator() {
      int at = -1;

      @Override
      public boolean next() {
        return ++at < data.size();
      }

      @Override
      public int encoding() {
        return ChunkEncoding.XOR;
      }

      @Override
      public long minTime() {
        return bounds.get(at)[0];
      }

      @Override
      public long maxTime() {
        return bounds.get(at)[1];
      }

      @Override
      public ByteBuffer bytes() {
        return ByteBuffer.wrap(data.get(at));
      }
    };
  }

  /** All samples of the run as t, v pairs; checks chunks ascend without overlap. */
  private static double[] samples(ChunkIterator it, List<byte[]> seen) {
    List<Double> out = new ArrayList<>();
    long lastMax = Long.MIN_VALUE;
    XorIterator x = new XorIterator();
    while (it.next()) {
      assertTrue(it.minTime() > lastMax);
      lastMax = it.maxTime();
      ByteBuffer b = it.bytes();
      byte[] data = new byte[b.remaining()];
      b.get(data);
      seen.add(data);
      x.reset(data, data.length);
      while (x.next()) {
        out.add((double) x.t());
        out.add(Double.longBitsToDouble(x.valueBits()));
      }
    }
    return out.stream().mapToDouble(Double::doubleValue).toArray();
  }

  @Test
  void disjointChunksPassThroughInTimeOrder() {
    ChunkIterator run =
        ChunkMerge.merge(
            List.of(part(new double[] {10, 1, 20, 2}), part(new double[] {1, 0, 5, 9})));
    List<byte[]> seen = new ArrayList<>();
    assertArrayEquals(new double[] {1, 0, 5, 9, 10, 1, 20, 2}, samples(run, seen));
    assertEquals(2, seen.size(), "not re-encoded into one");
  }

  @Test
  void overlappingChunksMergeAndTheFirstPartWinsATimestamp() {
    ChunkIterator block = part(new double[] {10, 1, 20, 2, 30, 3});
    ChunkIterator head = part(new double[] {20, 99, 25, 2.5}, new double[] {40, 4});
    List<byte[]> seen = new ArrayList<>();
    double[] got = samples(ChunkMerge.merge(List.of(block, head)), seen);
    assertArrayEquals(new double[] {10, 1, 20, 2, 25, 2.5, 30, 3, 40, 4}, got);
    assertEquals(2, seen.size(), "the overlapping pair became one chunk; the last passed through");
  }

  /** A part holding what the cutter cut (its chunks, encodings and times). */
  private static ChunkIterator part(ChunkCutter c) {
    c.finish();
    return new ChunkIterator() {
      int at = -1;

      @Override
      public boolean next() {
        return ++at < c.chunkCount();
      }

      @Override
      public int encoding() {
        return c.encoding(at);
      }

      @Override
      public long minTime() {
        return c.minTime(at);
      }

      @Override
      public long maxTime() {
        return c.maxTime(at);
      }

      @Override
      public ByteBuffer bytes() {
        return ByteBuffer.wrap(c.chunk(at));
      }
    };
  }

  private static Histogram hist(long count) {
    Histogram h = new Histogram();
    h.positive().setAbsolute(new int[] {0}, new long[] {count}, 1);
    return h.count(count);
  }

  /** Every sample of the run as "t kind count", checking chunks ascend without overlap. */
  private static List<String> typed(ChunkIterator it) {
    List<String> out = new ArrayList<>();
    long lastMax = Long.MIN_VALUE;
    XorIterator x = new XorIterator();
    HistogramChunkIterator h = new HistogramChunkIterator();
    while (it.next()) {
      assertTrue(it.minTime() > lastMax);
      lastMax = it.maxTime();
      ByteBuffer b = it.bytes();
      byte[] data = new byte[b.remaining()];
      b.get(data);
      if (it.encoding() == ChunkEncoding.XOR) {
        x.reset(data, data.length);
        while (x.next()) {
          out.add(x.t() + " F " + x.v());
        }
      } else {
        assertEquals(ChunkEncoding.HISTOGRAM, it.encoding());
        h.reset(data, 0, data.length);
        while (h.next()) {
          out.add(h.t() + " H " + h.histogram().count());
        }
      }
    }
    return out;
  }

  @Test
  void overlappingHistogramChunksMergeAndTheFirstPartWinsATimestamp() {
    ChunkCutter block = new ChunkCutter();
    block.addHistogram(10, hist(1));
    block.addHistogram(20, hist(2));
    block.addHistogram(30, hist(3));
    ChunkCutter head = new ChunkCutter();
    head.addHistogram(20, hist(99)); // the same time: the block's wins
    head.addHistogram(25, hist(100));
    head.addHistogram(40, hist(101));
    assertEquals(
        List.of("10 H 1", "20 H 2", "25 H 100", "30 H 3", "40 H 101"),
        typed(ChunkMerge.merge(List.of(part(block), part(head)))));
  }

  @Test
  void aGroupMixingFloatsAndHistogramsIsCutByKind() {
    ChunkCutter a = new ChunkCutter();
    a.addFloat(10, Double.doubleToRawLongBits(1.5));
    a.addFloat(30, Double.doubleToRawLongBits(3.5));
    ChunkCutter b = new ChunkCutter();
    b.addHistogram(20, hist(7));
    b.addFloat(30, Double.doubleToRawLongBits(-1)); // the same time: the first part's float wins
    // Three chunks: a float, a histogram, a float (a chunk holds one kind).
    assertEquals(
        List.of("10 F 1.5", "20 H 7", "30 F 3.5"),
        typed(ChunkMerge.merge(List.of(part(a), part(b)))));
  }

  @Test
  void noPartsNoChunks() {
    assertFalse(ChunkMerge.merge(List.of()).next());
  }
}
