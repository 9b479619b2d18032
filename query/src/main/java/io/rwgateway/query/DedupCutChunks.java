package io.rwgateway.query;

import io.rwgateway.tsdb.ChunkCutter;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.ChunkIterator;
import java.nio.ByteBuffer;

/**
 * Deduplicated samples of a series with native histograms, re-cut into chunks by the TSDB's own
 * rule ({@link ChunkCutter}: XOR, histogram and float histogram chunks as Prometheus 2.42's head
 * cuts them). NOTE: unlike {@link DedupChunks}, the whole series is cut when first read: the cutter
 * decides a histogram chunk's layout and header from what follows. One series' chunks are held.
 */
final class DedupCutChunks implements ChunkIterator {
  private final SampleIterator samples;
  private ChunkCutter cutter;
  private int i = -1;

  DedupCutChunks(SampleIterator samples) {
    this.samples = samples;
  }

  @Override
  public boolean next() {
    if (cutter == null) {
      cutter = cut(samples);
    }
    if (i + 1 >= cutter.chunkCount()) {
      i = cutter.chunkCount();
      return false;
    }
    i++;
    return true;
  }

  private static ChunkCutter cut(SampleIterator s) {
    ChunkCutter c = new ChunkCutter();
    while (s.next()) {
      switch (s.encoding()) {
        case ChunkEncoding.XOR -> c.addFloat(s.t(), Double.doubleToRawLongBits(s.v()));
        case ChunkEncoding.HISTOGRAM -> c.addHistogram(s.t(), s.histogram());
        default -> c.addFloatHistogram(s.t(), s.floatHistogram());
      }
    }
    c.finish();
    return c;
  }

  private void check() {
    if (cutter == null || i < 0 || i >= cutter.chunkCount()) {
      throw new IllegalStateException("no chunk");
    }
  }

  @Override
  public int encoding() {
    check();
    return cutter.encoding(i);
  }

  @Override
  public long minTime() {
    check();
    return cutter.minTime(i);
  }

  @Override
  public long maxTime() {
    check();
    return cutter.maxTime(i);
  }

  @Override
  public ByteBuffer bytes() {
    check();
    return ByteBuffer.wrap(cutter.chunk(i)).asReadOnlyBuffer();
  }
}
