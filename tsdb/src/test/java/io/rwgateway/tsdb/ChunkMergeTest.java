package io.rwgateway.tsdb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

  @Test
  void noPartsNoChunks() {
    assertFalse(ChunkMerge.merge(List.of()).next());
  }
}
