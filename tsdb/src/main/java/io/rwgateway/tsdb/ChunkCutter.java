package io.rwgateway.tsdb;

import io.rwgateway.tsdb.chunk.FloatHistogram;
import io.rwgateway.tsdb.chunk.FloatHistogramChunkEncoder;
import io.rwgateway.tsdb.chunk.Histogram;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Header;
import io.rwgateway.tsdb.chunk.HistogramChunkWriter;
import io.rwgateway.tsdb.chunk.NativeHistogram;
import io.rwgateway.tsdb.chunk.XorChunk;
import io.rwgateway.tsdb.chunk.XorChunks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Cuts one series' samples, handed over in ascending time and of any kind, into chunks as 2.42's
 * head cuts a series that switches between them: a run of floats becomes XOR chunks, a run of
 * integer histograms histogram chunks (encoding 2), a run of float histograms float histogram
 * chunks (encoding 3). XOR chunks hold at most {@value XorChunk#MAX_SAMPLES} samples.
 *
 * <p>Histogram chunks are cut where 2.42's head cuts them by time ({@link ChunkSchedule}: towards
 * the end of the block range, then at equal lengths once the rate is known, or at 240 samples), or
 * when the encoder's {@code append} refuses a sample (a counter reset, another schema or zero
 * threshold, a gauge/counter switch, after a stale marker), each new chunk with the header 2.42
 * gives it ({@code nextChunkHeader}); after a run of another kind the next histogram chunk is a
 * series' first (2.42 has no appender of its type to compare with then).
 *
 * <p>The one cutting rule of the TSDB: the block cut, the head's streaming reader and the merge of
 * overlapping chunks all use it, so a sample range reads back in the same chunks whichever wrote
 * them. Not thread-safe; reused from series to series ({@link #reset}).
 */
public final class ChunkCutter {
  /** The block range histogram chunks are planned within ({@link ChunkSchedule}). */
  private final long range;

  private final HistogramRun<Histogram> ints;
  private final HistogramRun<FloatHistogram> floatHists;

  // The open run of floats, encoded when it ends: XorChunks cuts a run into its chunks.
  private long[] ft = new long[128];
  private long[] fbits = new long[128];
  private int fn;

  private final List<byte[]> chunks = new ArrayList<>();
  private long[] mins = new long[8];
  private long[] maxs = new long[8];
  private byte[] encodings = new byte[8];

  /** Histogram chunks planned within Prometheus' default 2h block range. */
  public ChunkCutter() {
    this(ChunkSchedule.DEFAULT_RANGE);
  }

  /**
   * @param range the block range (ms) whose ends histogram chunks are planned towards, as 2.42's
   *     head plans them ({@link ChunkSchedule})
   */
  public ChunkCutter(long range) {
    this.range = range;
    this.ints =
        new HistogramRun<>(
            ChunkEncoding.HISTOGRAM,
            HistogramChunkEncoder::firstChunkHeader,
            HistogramChunkEncoder::new);
    this.floatHists =
        new HistogramRun<>(
            ChunkEncoding.FLOAT_HISTOGRAM,
            FloatHistogramChunkEncoder::firstChunkHeader,
            FloatHistogramChunkEncoder::new);
  }

  /** Forgets the chunks and open runs of the series before. */
  public void reset() {
    chunks.clear();
    ints.cut = null;
    floatHists.cut = null;
    fn = 0;
  }

  /** Adds a float sample (raw value bits, so NaN payloads survive) after the samples so far. */
  public void addFloat(long t, long valueBits) {
    ints.close();
    floatHists.close();
    if (fn == ft.length) {
      ft = Arrays.copyOf(ft, fn * 2);
      fbits = Arrays.copyOf(fbits, fn * 2);
    }
    ft[fn] = t;
    fbits[fn++] = valueBits;
  }

  /**
   * Adds an integer histogram after the samples so far. The cutter keeps no reference to {@code h}.
   *
   * @throws IllegalArgumentException when no chunk can hold it (buckets that do not match the
   *     spans); the sample is then not added, and the cutter stays usable
   */
  public void addHistogram(long t, Histogram h) {
    flushFloats();
    floatHists.close();
    ints.append(t, h);
  }

  /**
   * Adds a float histogram after the samples so far; as {@link #addHistogram}.
   *
   * @throws IllegalArgumentException as {@link #addHistogram}
   */
  public void addFloatHistogram(long t, FloatHistogram h) {
    flushFloats();
    ints.close();
    floatHists.append(t, h);
  }

  /**
   * Adds a chunk cut elsewhere by these same rules (the head's), after the samples so far: ends the
   * open run of any kind first, so a histogram added next starts a run. The cutter keeps {@code
   * data}.
   */
  public void addChunk(byte[] data, long minTime, long maxTime, int encoding) {
    flushFloats();
    ints.close();
    floatHists.close();
    add(data, minTime, maxTime, encoding);
  }

  /** Ends the series: closes the open run, so that every sample added is in {@link #chunk}s. */
  public void finish() {
    flushFloats();
    ints.close();
    floatHists.close();
  }

  /** Chunks cut so far (all of them after {@link #finish}), in time order. */
  public int chunkCount() {
    return chunks.size();
  }

  /** Chunk {@code i}'s bytes, exactly as long as the encoding (the 2-byte count first). */
  public byte[] chunk(int i) {
    return chunks.get(i);
  }

  /** Time of chunk {@code i}'s first sample. */
  public long minTime(int i) {
    return mins[i];
  }

  /** Time of chunk {@code i}'s last sample. */
  public long maxTime(int i) {
    return maxs[i];
  }

  /** Chunk {@code i}'s {@link ChunkEncoding}. */
  public int encoding(int i) {
    return encodings[i];
  }

  /** Copies of the min times of the chunks cut so far. */
  public long[] minTimes() {
    return Arrays.copyOf(mins, chunks.size());
  }

  /** Copies of the max times of the chunks cut so far. */
  public long[] maxTimes() {
    return Arrays.copyOf(maxs, chunks.size());
  }

  /** Copies of the encodings of the chunks cut so far, one byte each. */
  public byte[] encodings() {
    return Arrays.copyOf(encodings, chunks.size());
  }

  /** The chunks cut so far, as an unmodifiable copy of the list. */
  public List<byte[]> chunks() {
    return List.copyOf(chunks);
  }

  private void flushFloats() {
    int n = fn;
    if (n == 0) {
      return;
    }
    fn = 0;
    List<byte[]> data = XorChunks.encode(ft, fbits, n);
    for (int k = 0; k < data.size(); k++) {
      add(
          data.get(k),
          ft[k * XorChunk.MAX_SAMPLES],
          ft[Math.min(n, (k + 1) * XorChunk.MAX_SAMPLES) - 1],
          ChunkEncoding.XOR);
    }
  }

  private void add(byte[] data, long min, long max, int encoding) {
    int n = chunks.size();
    if (n == mins.length) {
      mins = Arrays.copyOf(mins, n * 2);
      maxs = Arrays.copyOf(maxs, n * 2);
      encodings = Arrays.copyOf(encodings, n * 2);
    }
    chunks.add(data);
    mins[n] = min;
    maxs[n] = max;
    encodings[n] = (byte) encoding;
  }

  /** The open run of one histogram type, or none ({@link #cut} null). */
  private final class HistogramRun<H extends NativeHistogram<H, ?>>
      implements HistogramChunkCut.Sink<Integer> {
    private final int encoding;
    private final Function<H, Header> firstHeader;
    private final Function<Header, HistogramChunkWriter<H>> newEncoder;
    private HistogramChunkCut<H> cut;

    HistogramRun(
        int encoding,
        Function<H, Header> firstHeader,
        Function<Header, HistogramChunkWriter<H>> newEncoder) {
      this.encoding = encoding;
      this.firstHeader = firstHeader;
      this.newEncoder = newEncoder;
    }

    void append(long t, H h) {
      if (cut == null) {
        cut = new HistogramChunkCut<>(newEncoder.apply(firstHeader.apply(h)), range);
      }
      cut.append(t, h, encoding, this);
    }

    @Override
    public void finished(Integer enc, byte[] chunk, long minT, long maxT) {
      add(chunk, minT, maxT, enc);
    }

    /** Ends the run: the next sample of this type starts a series' first chunk. */
    void close() {
      if (cut != null) {
        cut.cut(Header.UNKNOWN, encoding, this);
        cut = null;
      }
    }
  }
}
