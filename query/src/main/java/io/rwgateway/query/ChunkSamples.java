package io.rwgateway.query;

import io.rwgateway.tsdb.chunk.XorIterator;
import java.util.List;

/**
 * The float samples of one run of XOR chunks (in time order, not overlapping), decoded one chunk at
 * a time into a reused buffer. A sample not after the previous one is skipped.
 */
final class ChunkSamples implements SampleIterator {
  private final List<RemoteChunk> chunks;
  private final XorIterator xor = new XorIterator();
  private byte[] buf = new byte[256];
  private int next;
  private boolean open;
  private long t = Long.MIN_VALUE;
  private double v;

  /** Every chunk must be XOR ({@link io.rwgateway.tsdb.ChunkEncoding#XOR}). */
  ChunkSamples(List<RemoteChunk> chunks) {
    this.chunks = chunks;
  }

  @Override
  public boolean next() {
    while (true) {
      if (open && xor.next()) {
        long ts = xor.t();
        if (ts <= t) {
          continue;
        }
        t = ts;
        v = xor.v();
        return true;
      }
      if (next == chunks.size()) {
        open = false;
        return false;
      }
      RemoteChunk c = chunks.get(next++);
      int len = c.data().size();
      if (buf.length < len) {
        buf = new byte[Math.max(len, 2 * buf.length)];
      }
      c.data().copyTo(buf, 0);
      xor.reset(buf, 0, len);
      open = true;
    }
  }

  @Override
  public long t() {
    return t;
  }

  @Override
  public double v() {
    return v;
  }
}
