package io.rwgateway.query;

import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.chunk.FloatHistogram;
import io.rwgateway.tsdb.chunk.FloatHistogramChunkIterator;
import io.rwgateway.tsdb.chunk.Histogram;
import io.rwgateway.tsdb.chunk.HistogramChunkIterator;
import io.rwgateway.tsdb.chunk.XorIterator;
import java.util.List;

/**
 * The samples of one run of chunks (in time order, not overlapping): XOR chunks give floats,
 * histogram and float histogram chunks native histograms. Decoded one chunk at a time into a reused
 * buffer; a sample not after the previous one is skipped, and a chunk of another encoding is left
 * out.
 */
final class ChunkSamples implements SampleIterator {
  private final List<RemoteChunk> chunks;
  private final XorIterator xor = new XorIterator();
  private HistogramChunkIterator ints;
  private FloatHistogramChunkIterator floats;
  private byte[] buf = new byte[256];
  private int next;
  private int open; // the encoding of the chunk being read, 0 for none
  private long t = Long.MIN_VALUE;
  private double v;

  ChunkSamples(List<RemoteChunk> chunks) {
    this.chunks = chunks;
  }

  @Override
  public boolean next() {
    while (true) {
      if (open != 0 && advance()) {
        long ts = currentT();
        if (ts <= t) {
          continue;
        }
        t = ts;
        v = open == ChunkEncoding.XOR ? xor.v() : 0;
        return true;
      }
      if (next == chunks.size()) {
        open = 0;
        return false;
      }
      RemoteChunk c = chunks.get(next++);
      int len = c.data().size();
      if (buf.length < len) {
        buf = new byte[Math.max(len, 2 * buf.length)];
      }
      c.data().copyTo(buf, 0);
      open = c.encoding();
      switch (open) {
        case ChunkEncoding.XOR -> xor.reset(buf, 0, len);
        case ChunkEncoding.HISTOGRAM -> {
          if (ints == null) {
            ints = new HistogramChunkIterator();
          }
          ints.reset(buf, 0, len);
        }
        case ChunkEncoding.FLOAT_HISTOGRAM -> {
          if (floats == null) {
            floats = new FloatHistogramChunkIterator();
          }
          floats.reset(buf, 0, len);
        }
        default -> open = 0;
      }
    }
  }

  private boolean advance() {
    return switch (open) {
      case ChunkEncoding.XOR -> xor.next();
      case ChunkEncoding.HISTOGRAM -> ints.next();
      default -> floats.next();
    };
  }

  private long currentT() {
    return switch (open) {
      case ChunkEncoding.XOR -> xor.t();
      case ChunkEncoding.HISTOGRAM -> ints.t();
      default -> floats.t();
    };
  }

  @Override
  public long t() {
    return t;
  }

  @Override
  public double v() {
    return v;
  }

  @Override
  public int encoding() {
    return open;
  }

  @Override
  public Histogram histogram() {
    return open == ChunkEncoding.HISTOGRAM ? ints.histogram() : null;
  }

  @Override
  public FloatHistogram floatHistogram() {
    return open == ChunkEncoding.FLOAT_HISTOGRAM ? floats.histogram() : null;
  }
}
