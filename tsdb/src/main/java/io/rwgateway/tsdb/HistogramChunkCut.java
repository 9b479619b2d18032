package io.rwgateway.tsdb;

import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Header;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Verdict;
import io.rwgateway.tsdb.chunk.HistogramChunkWriter;
import io.rwgateway.tsdb.chunk.NativeHistogram;

/**
 * The open chunk of a run of one histogram type and where it ends, as 2.42's head cuts it: by time
 * ({@link ChunkSchedule}), and where the writer refuses a sample (a counter reset, another schema
 * or zero threshold or custom bounds, a gauge/counter switch, after a stale marker), each new chunk
 * with the header 2.42 gives it. The one cutting step of the TSDB: {@link ChunkCutter} (block cut,
 * merges, re-cuts) and the head's appender both append through it, so the head's chunks are the
 * ones a cut of the same samples writes.
 *
 * @param <H> the histogram type of the run
 */
public final class HistogramChunkCut<H extends NativeHistogram<H, ?>> {
  /** Receives a finished chunk; {@code ctx} is the caller's, passed through (no capture). */
  @FunctionalInterface
  public interface Sink<C> {
    void finished(C ctx, byte[] chunk, long minT, long maxT);
  }

  private final HistogramChunkWriter<H> writer;
  private final ChunkSchedule schedule;
  private long minT;

  /**
   * @param writer the run's writer, with the header of a run's first chunk
   * @param range the block range whose ends chunks are planned towards
   */
  public HistogramChunkCut(HistogramChunkWriter<H> writer, long range) {
    this.writer = writer;
    this.schedule = new ChunkSchedule(range);
  }

  /**
   * Appends {@code h} at {@code t} (after the samples so far); a chunk it ends first goes to {@code
   * sink}. The cut keeps no reference to {@code h}.
   *
   * @throws IllegalArgumentException when no chunk can hold {@code h} (buckets that do not match
   *     the spans); nothing is appended then, and a chunk ended by time has gone to {@code sink}
   */
  public <C> void append(long t, H h, C ctx, Sink<C> sink) {
    if (writer.count() > 0 && schedule.cutBefore(t, writer.count(), writer.lastTime())) {
      cut(writer.nextChunkHeader(h), ctx, sink);
    }
    if (writer.count() == 0) {
      start(t);
    }
    Verdict v = writer.append(t, h);
    if (v == Verdict.CUT || v == Verdict.CUT_COUNTER_RESET) {
      cut(writer.nextChunkHeader(h), ctx, sink);
      start(t);
      v = writer.append(t, h);
      if (v != Verdict.APPEND) {
        throw new IllegalStateException("an empty histogram chunk refused a sample: " + v);
      }
    }
  }

  /**
   * Hands the open chunk, if it holds samples, to {@code sink}; the next starts with {@code next}.
   */
  public <C> void cut(Header next, C ctx, Sink<C> sink) {
    if (writer.count() > 0) {
      sink.finished(ctx, writer.bytes(), minT, writer.lastTime());
    }
    writer.reset(next);
  }

  private void start(long t) {
    minT = t;
    schedule.start(t);
  }

  /** Samples in the open chunk. */
  public int count() {
    return writer.count();
  }

  /** The open chunk's first sample time; valid while it holds samples. */
  public long minTime() {
    return minT;
  }

  /** The open chunk's last sample time; valid while it holds samples. */
  public long lastTime() {
    return writer.lastTime();
  }

  /** Bytes of the open chunk. */
  public int length() {
    return writer.length();
  }

  /** Heap the open chunk and its writer hold ({@link HistogramChunkWriter#heapBytes}). */
  public long heapBytes() {
    return writer.heapBytes() + 32 + 40; // this object and its schedule
  }

  /**
   * Memory pressure: hands the open chunk to {@code sink} now (the next gets {@code next}) and
   * gives back the writer's grown buffer ({@link HistogramChunkWriter#trimBuffer}).
   */
  public <C> void cutEarly(Header next, C ctx, Sink<C> sink) {
    cut(next, ctx, sink);
    writer.trimBuffer();
  }

  /** A copy of the open chunk. */
  public byte[] bytes() {
    return writer.bytes();
  }
}
