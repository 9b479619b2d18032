package io.rwgateway.query;

import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.chunk.XorChunk;
import java.nio.ByteBuffer;

/**
 * Deduplicated samples as XOR chunks of up to {@value XorChunk#MAX_SAMPLES} samples, encoded as the
 * reader asks for them: readers of a {@link io.rwgateway.tsdb.ChunkSeriesSet} (PromQL, the
 * StoreAPI) take chunks, and a merged series has no stored chunk to pass on. One chunk's encoder is
 * held at a time.
 */
final class DedupChunks implements ChunkIterator {
  private final SampleIterator samples;
  private final XorChunk chunk = new XorChunk(256);

  /** Whether {@link #samples} is on a sample not yet encoded. */
  private boolean onSample;

  private boolean exhausted;
  private long minTime;
  private long maxTime;
  private ByteBuffer bytes;

  DedupChunks(SampleIterator samples) {
    this.samples = samples;
  }

  @Override
  public boolean next() {
    bytes = null;
    if (!onSample && !advance()) {
      return false;
    }
    minTime = samples.t();
    while (onSample && !chunk.isFull()) {
      maxTime = samples.t();
      chunk.append(maxTime, samples.v());
      advance();
    }
    int len = chunk.length();
    // NOTE: cut() hands the buffer over and starts a new one, so this view stays valid after the
    // reader moves on (ChunkIterator's contract asks less).
    bytes = ByteBuffer.wrap(chunk.cut(256), 0, len).slice().asReadOnlyBuffer();
    return true;
  }

  private boolean advance() {
    onSample = !exhausted && samples.next();
    exhausted = !onSample;
    return onSample;
  }

  @Override
  public int encoding() {
    check();
    return ChunkEncoding.XOR;
  }

  @Override
  public long minTime() {
    check();
    return minTime;
  }

  @Override
  public long maxTime() {
    check();
    return maxTime;
  }

  @Override
  public ByteBuffer bytes() {
    check();
    return bytes.duplicate();
  }

  private void check() {
    if (bytes == null) {
      throw new IllegalStateException("no chunk");
    }
  }
}
