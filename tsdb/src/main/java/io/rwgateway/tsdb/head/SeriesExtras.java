package io.rwgateway.tsdb.head;

import io.rwgateway.model.XxHash64;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.HistogramChunkCut;
import io.rwgateway.tsdb.chunk.FloatHistogram;
import io.rwgateway.tsdb.chunk.FloatHistogramChunkEncoder;
import io.rwgateway.tsdb.chunk.Histogram;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Header;
import io.rwgateway.tsdb.chunk.HistogramChunkWriter;
import io.rwgateway.tsdb.chunk.NativeHistogram;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * State most float-only series never need: native histograms (the open histogram or float histogram
 * chunk, and the chain of finished ones in the head's {@link HeadChunks}), out-of-order floats, and
 * the last accepted exemplar, which decides exemplar ordering.
 *
 * <p>Histograms are cut into chunks as they are appended, by the TSDB's one cutting step ({@link
 * HistogramChunkCut}, which {@link io.rwgateway.tsdb.ChunkCutter} uses too). A new <em>run</em>
 * starts (its first chunk headed as a series' first, {@code firstChunkHeader}) at the series' first
 * histogram, at a switch between integer and float histograms, after a float sample newer than the
 * last histogram, and at each block-range boundary ({@link HistogramScratch#chunkRange}), so that a
 * block range's histogram chunks are those {@code ChunkCutter} cuts from that range's samples.
 * Finished chunks carry that run-start flag in their record (docs/format/head-chunks.md).
 */
final class SeriesExtras implements HistogramChunkCut.Sink<HeadChunks> {
  private static final Logger LOG = LoggerFactory.getLogger(SeriesExtras.class);

  /** The open histogram chunk, of {@link #hwKind}; null before the first histogram. */
  @SuppressWarnings("rawtypes")
  HistogramChunkCut hw;

  /** {@link ChunkEncoding#HISTOGRAM} or {@link ChunkEncoding#FLOAT_HISTOGRAM}: {@link #hw}'s. */
  int hwKind;

  /**
   * The encoding of the run the open chunk belongs to, or 0 when no run is open: the next histogram
   * then starts a new run (a chunk headed as a series' first).
   */
  int runKind;

  /** Whether the open chunk starts a run. */
  boolean openRunStart;

  /** Set while {@link #cutHistogramIfAtLeast} hands the open chunk on. */
  private boolean cuttingEarly;

  /** The newest finished histogram chunk's ref ({@link HeadChunks#NO_CHUNK} for none). */
  long histLastRef = HeadChunks.NO_CHUNK;

  /** The time of its last sample. */
  long histLastMaxT = Long.MIN_VALUE;

  /**
   * Time of the newest accepted histogram (also one no chunk could hold): ingest and replay refuse
   * histograms at or before it, and floats at it.
   */
  long histMaxT = Long.MIN_VALUE;

  /**
   * Hash and length of the newest accepted histogram's protobuf bytes (a resent one is a no-op).
   */
  long histLastHash;

  int histLastLen = -1;

  /**
   * Out-of-order float samples (older than the series' newest, inside the out-of-order window),
   * sorted by time, unique times. Changed in place under the head's write lock; readers copy them
   * under the read lock (they are few: bounded by the window).
   */
  long[] oooT;

  long[] oooBits;
  int oooCount;

  long exT = Long.MIN_VALUE;
  long exVBits;
  byte[] exLabels;
  int exLabelsLen;

  /** True when the newest accepted histogram had exactly these bytes (by a 64-bit hash). */
  boolean lastHistogramEquals(byte[] b, int off, int len) {
    return len == histLastLen && XxHash64.hash(b, off, len, 0) == histLastHash;
  }

  /** Remembers the newest accepted histogram (time and bytes' hash). */
  void acceptHistogram(long t, byte[] b, int off, int len) {
    histMaxT = t;
    histLastHash = XxHash64.hash(b, off, len, 0);
    histLastLen = len;
  }

  /**
   * Appends a decoded histogram of encoding {@code kind} to the open chunk, cutting as described in
   * the class comment. The caller holds the head's write lock (or replays); {@code h} is not kept.
   *
   * @throws IllegalArgumentException when no chunk can hold it (buckets that do not match the
   *     spans); nothing is appended then
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  void appendHistogram(HeadChunks chunks, long t, int kind, NativeHistogram<?, ?> h, long range) {
    if (runKind != 0
        && (kind != runKind
            || (hw.count() > 0 && Math.floorDiv(t, range) != Math.floorDiv(hw.minTime(), range)))) {
      closeRun(chunks);
    }
    if (runKind == 0) {
      // A new writer, as ChunkCutter starts a run with: no state of the run before.
      HistogramChunkWriter w =
          kind == ChunkEncoding.HISTOGRAM
              ? new HistogramChunkEncoder(HistogramChunkEncoder.firstChunkHeader((Histogram) h))
              : new FloatHistogramChunkEncoder(
                  FloatHistogramChunkEncoder.firstChunkHeader((FloatHistogram) h));
      hw = new HistogramChunkCut(w, range);
      hwKind = kind;
      runKind = kind;
      openRunStart = true;
    }
    hw.append(t, (NativeHistogram) h, chunks, this);
  }

  /**
   * Ends the open run (a float sample came after the last histogram): the open chunk goes to {@code
   * chunks}, and the next histogram starts a run. The caller holds the write lock (or replays).
   */
  @SuppressWarnings("unchecked")
  void closeRun(HeadChunks chunks) {
    if (hw != null) {
      hw.cut(Header.UNKNOWN, chunks, this);
    }
    runKind = 0;
  }

  /** A finished chunk of the open run goes to {@code chunks} (buffered) as the chain's newest. */
  @Override
  public void finished(HeadChunks chunks, byte[] done, long minT, long maxT) {
    histLastRef =
        chunks.append(
            done,
            0,
            done.length,
            minT,
            maxT,
            histLastRef,
            histLastMaxT,
            hwKind
                | (openRunStart ? HeadChunks.RUN_START : 0)
                | (cuttingEarly ? HeadChunks.EARLY_CUT : 0));
    histLastMaxT = maxT;
    openRunStart = false;
  }

  /**
   * Memory pressure: cuts the open histogram chunk to {@code chunks} when it holds at least {@code
   * minBytes}, flagged {@link HeadChunks#EARLY_CUT} (the block cut then re-cuts its range), and
   * gives back its writer's grown buffer. The run goes on; the next chunk is headed {@link
   * Header#UNKNOWN}, since nothing is known yet of the histogram that will start it (a reader then
   * checks for a reset itself). The caller holds the head's write lock.
   */
  @SuppressWarnings("unchecked")
  boolean cutHistogramIfAtLeast(HeadChunks chunks, int minBytes) {
    if (hw == null || hw.count() == 0 || hw.length() < minBytes) {
      return false;
    }
    cuttingEarly = true;
    try {
      hw.cutEarly(Header.UNKNOWN, chunks, this);
    } finally {
      cuttingEarly = false;
    }
    return true;
  }

  /**
   * Heap this object holds (estimated, as {@link HeapSizes}): itself, the open histogram chunk and
   * its writer, the out-of-order samples and the last exemplar's labels. Read by the memory
   * accounting from any thread: a racing change only makes the estimate a little stale.
   */
  long heapBytes() {
    long n = EXTRAS_HEAP_BYTES;
    HistogramChunkCut<?> w = hw;
    if (w != null) {
      n += w.heapBytes();
    }
    long[] t = oooT;
    if (t != null) {
      n += 2 * HeapSizes.longArray(t.length);
    }
    byte[] ex = exLabels;
    if (ex != null) {
      n += HeapSizes.byteArray(ex.length);
    }
    return n;
  }

  /** This object without its arrays and open chunk: header, fields. */
  private static final int EXTRAS_HEAP_BYTES = 104;

  /** Samples in the open histogram chunk. */
  int openHistCount() {
    return hw == null ? 0 : hw.count();
  }

  /**
   * Head truncation, before the head's {@link HeadChunks#liveFrom} is raised and with the writer
   * excluded (the chain does not change): the number of samples in finished histogram chunks that
   * end before {@code t} and were not dropped before ({@code liveFrom}, the old truncation time).
   * Reads those chunks' records; a read error is logged and the count is then short.
   */
  long finishedHistogramsBefore(
      HeadChunks chunks, long t, long liveFrom, HeadChunks.ReadBuffer rb) {
    long n = 0;
    long ref = histLastRef;
    long last = histLastMaxT;
    try {
      while (ref != HeadChunks.NO_CHUNK && last >= liveFrom) {
        chunks.read(ref, rb);
        if (rb.maxTime < t) {
          n += (rb.bytes[0] & 0xff) << 8 | (rb.bytes[1] & 0xff);
        }
        ref = rb.prevRef;
        last = rb.prevMaxTime;
      }
    } catch (UncheckedIOException e) {
      LOG.warn("cannot count the histograms truncation drops: {}", e.getMessage());
    }
    return n;
  }

  /**
   * Head truncation, under the write lock: forgets the finished histogram chunks that end before
   * {@code t} (see {@link MemSeries#truncateBefore}) and the open chunk if it does too. Returns the
   * open chunk's samples dropped.
   */
  int dropHistogramsBefore(long t) {
    if (histLastRef != HeadChunks.NO_CHUNK && histLastMaxT < t) {
      histLastRef = HeadChunks.NO_CHUNK;
      histLastMaxT = Long.MIN_VALUE;
    }
    int n = openHistCount();
    if (n > 0 && hw.lastTime() < t) {
      hw = null; // the next histogram starts a run
      runKind = 0;
      openRunStart = false;
      return n;
    }
    return 0;
  }

  /** A lower bound of the oldest histogram time kept after a truncation at {@code t}. */
  long histMinT(long t, long seriesMin) {
    if (histLastRef != HeadChunks.NO_CHUNK) {
      return Math.max(seriesMin, t);
    }
    return openHistCount() > 0 ? hw.minTime() : Long.MAX_VALUE;
  }

  /** Index of the out-of-order sample at {@code t}, or {@code -(insertion point) - 1}. */
  int oooFind(long t) {
    return oooCount == 0 ? -1 : Arrays.binarySearch(oooT, 0, oooCount, t);
  }

  /** Inserts an out-of-order sample; an existing time keeps its first value (false returned). */
  boolean oooInsert(long t, long bits) {
    int at = oooFind(t);
    if (at >= 0) {
      return false;
    }
    at = -at - 1;
    int n = oooCount;
    if (oooT == null) {
      oooT = new long[4];
      oooBits = new long[4];
    } else if (n == oooT.length) {
      oooT = Arrays.copyOf(oooT, n * 2);
      oooBits = Arrays.copyOf(oooBits, n * 2);
    }
    System.arraycopy(oooT, at, oooT, at + 1, n - at);
    System.arraycopy(oooBits, at, oooBits, at + 1, n - at);
    oooT[at] = t;
    oooBits[at] = bits;
    oooCount = n + 1;
    return true;
  }

  /** Head truncation (write lock held): drops out-of-order samples before {@code t}. */
  void oooDropBefore(long t) {
    int k = 0;
    while (k < oooCount && oooT[k] < t) {
      k++;
    }
    if (k == 0) {
      return;
    }
    int keep = oooCount - k;
    if (keep == 0) {
      oooT = null;
      oooBits = null;
    } else {
      System.arraycopy(oooT, k, oooT, 0, keep);
      System.arraycopy(oooBits, k, oooBits, 0, keep);
    }
    oooCount = keep;
  }

  /** Oldest out-of-order sample time, or Long.MAX_VALUE when none. */
  long oooMinT() {
    return oooCount == 0 ? Long.MAX_VALUE : oooT[0];
  }

  void setLastExemplar(long t, long vBits, byte[] b, int off, int len) {
    exT = t;
    exVBits = vBits;
    if (exLabels == null || exLabels.length < len) {
      exLabels = new byte[Math.max(len, 16)];
    }
    System.arraycopy(b, off, exLabels, 0, len);
    exLabelsLen = len;
  }

  boolean lastExemplarEquals(long t, long vBits, byte[] b, int off, int len) {
    return exLabels != null
        && exT == t
        && exVBits == vBits
        && Arrays.equals(exLabels, 0, exLabelsLen, b, off, off + len);
  }
}
