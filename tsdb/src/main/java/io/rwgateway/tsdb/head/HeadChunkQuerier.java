package io.rwgateway.tsdb.head;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.EpochLeases;
import io.rwgateway.tsdb.chunk.XorIterator;
import io.rwgateway.tsdb.layout.BlockSeries;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Streams the head's chunks in [mint, maxt]: series in label order, one series snapshotted at a
 * time (under the head's read lock, like every head read). A series' finished chunks, float and
 * histogram, are read from {@code chunks_head/} as they were written, its open chunks as consistent
 * copies, and handed out in time order. Holds a lease on the head's chunk files ({@link
 * EpochLeases}) from creation to {@link #close}, so truncation never closes a file this reader may
 * still read.
 *
 * <p>Two kinds of series are re-encoded instead, from their samples in the range, so that a reader
 * never gets overlapping chunks from the head: one with out-of-order floats in the range (merged by
 * time, as {@link RangeSamples} does for every head read), and one whose float chunks overlap its
 * histogram chunks in time (the head keeps them in separate chains; a sender switching a series'
 * type). Both go through {@link BlockChunks}, the block cut's code: floats and histograms in one
 * time order, XOR, histogram and float histogram chunks cut as the block will cut them.
 *
 * <p>Memory: the selected series' objects (a reference each), one series' snapshot and its chunks
 * in the range (one chunk at a time on the float-only path).
 */
final class HeadChunkQuerier implements ChunkQuerier {
  private final Head head;
  private final long mint;
  private final long maxt;
  private final long lease;
  private boolean closed;

  HeadChunkQuerier(Head head, long mint, long maxt) {
    this.head = head;
    this.mint = mint;
    this.maxt = maxt;
    this.lease = head.chunks.readers().acquire();
  }

  @Override
  public ChunkSeriesSet select(Matcher... matchers) {
    checkOpen();
    if (mint > maxt) {
      return ChunkSeriesSet.EMPTY;
    }
    return new Series(selected(matchers));
  }

  /**
   * Labels only: a series is returned when its time bounds (over floats and histograms) meet the
   * range; no chunk is read.
   */
  @Override
  public ChunkSeriesSet selectSeries(Matcher... matchers) {
    checkOpen();
    if (mint > maxt) {
      return ChunkSeriesSet.EMPTY;
    }
    MemSeries[] series = selected(matchers);
    return new ChunkSeriesSet() {
      private int next;
      private Labels labels;

      @Override
      public boolean next() {
        checkOpen();
        while (next < series.length) {
          MemSeries s = series[next];
          series[next++] = null;
          Labels l = head.labels(s);
          if (l != null) {
            labels = l;
            return true;
          }
        }
        labels = null;
        return false;
      }

      @Override
      public Labels labels() {
        if (labels == null) {
          throw new IllegalStateException("no current series");
        }
        return labels;
      }

      @Override
      public ChunkIterator chunks() {
        throw new IllegalStateException("series selected for their labels only");
      }
    };
  }

  /** The series every matcher accepts whose time bounds meet the range, in label order. */
  private MemSeries[] selected(Matcher[] matchers) {
    // NOTE: a series that truncation removes meanwhile is skipped later (Head.labels returns
    // null); its samples come from the block it went to.
    MemSeries[] sorted = head.labelOrder.sort(PostingsSelector.select(head, matchers));
    int n = 0;
    for (MemSeries s : sorted) {
      if (s.overlaps(head.lock, mint, maxt)) {
        sorted[n++] = s;
      }
    }
    return n == sorted.length ? sorted : Arrays.copyOf(sorted, n);
  }

  @Override
  public List<String> labelNames(Matcher... matchers) {
    checkOpen();
    return new HeadQuerier(head).labelNames(ChunkQuerier.asSelectors(matchers), mint, maxt);
  }

  @Override
  public List<String> labelValues(String name, Matcher... matchers) {
    checkOpen();
    return new HeadQuerier(head).labelValues(name, ChunkQuerier.asSelectors(matchers), mint, maxt);
  }

  @Override
  public long mint() {
    return mint;
  }

  @Override
  public long maxt() {
    return maxt;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      head.chunks.readers().release(lease);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("head querier is closed");
    }
  }

  private final class Series implements ChunkSeriesSet {
    private final MemSeries[] series;
    private int next;
    private Labels labels;
    private final Chunks chunks = new Chunks();

    Series(MemSeries[] series) {
      this.series = series;
    }

    @Override
    public boolean next() {
      checkOpen();
      while (next < series.length) {
        MemSeries s = series[next];
        series[next++] = null; // let a truncated series go as soon as it is passed
        MemSeries.Snapshot snap = s.snapshot(head.lock, head.chunks);
        Labels l = head.labels(s);
        if (l != null && chunks.start(snap)) {
          labels = l;
          return true;
        }
      }
      labels = null;
      return false;
    }

    @Override
    public Labels labels() {
      if (labels == null) {
        throw new IllegalStateException("no current series");
      }
      return labels;
    }

    @Override
    public ChunkIterator chunks() {
      labels();
      return chunks;
    }
  }

  /**
   * The chunks of one snapshot. {@link #start} moves to the first chunk in range already, so that a
   * series without one is never returned; {@link #next} hands that one out first.
   */
  private final class Chunks implements ChunkIterator {
    private final FinishedChunks finished = new FinishedChunks(head.chunks);
    private final RangeSamples samples = new RangeSamples(head.chunks);
    private final BlockChunks builder =
        new BlockChunks(head.chunks, head.histograms.chunkRange, false);
    private final HistogramChunkList hists = new HistogramChunkList(head.chunks);
    private MemSeries.Snapshot snap;
    private int closedCount; // finished chunks loaded for this series
    private int closedAt; // next finished chunk to hand out
    private boolean openDone;
    private List<byte[]> encoded; // re-encoded series: fresh chunks, with their times
    private long[] encodedMin;
    private long[] encodedMax;
    private byte[] encodedEncoding;
    private int encoding;
    private int encodedAt;
    private boolean primed;
    private boolean has;
    private ByteBuffer bytes;
    private long min;
    private long max;

    boolean start(MemSeries.Snapshot s) {
      snap = s;
      closedAt = 0;
      closedCount = 0;
      openDone = s.open() == null;
      encoded = null;
      boolean reencode = hasOutOfOrderInRange(s);
      if (!reencode) {
        closedCount = finished.load(s, mint, maxt);
        int hn = s.mayHaveHistogramsIn(mint, maxt) ? hists.load(s, mint, maxt) : 0;
        if (hn > 0) {
          if (floatsOverlapHistograms(hn)) {
            reencode = true;
          } else {
            mergeStored(hn);
          }
        }
      }
      if (reencode) {
        closedCount = 0;
        samples.read(s, mint, maxt);
        BlockSeries b = builder.build(Labels.EMPTY, samples, s, mint, maxt);
        if (b == null) {
          return false;
        }
        encoded = b.chunks();
        encodedMin = b.chunkMinTimes();
        encodedMax = b.chunkMaxTimes();
        encodedEncoding = b.encodings();
        encodedAt = 0;
      }
      has = advance();
      primed = true;
      return has;
    }

    /** Whether the open float chunk has samples in range; its first sample's time in openMin. */
    private boolean openFloatsInRange() {
      byte[] open = snap.open();
      if (open == null) {
        return false;
      }
      openMin = XorIterator.firstTime(open);
      return openMin <= maxt && snap.openMaxT() >= mint;
    }

    private long openMin;

    /** Whether a float chunk in range overlaps one of the {@code hn} histogram chunks in time. */
    private boolean floatsOverlapHistograms(int hn) {
      boolean open = openFloatsInRange();
      for (int h = 0; h < hn; h++) {
        long hmin = hists.minTime(h);
        long hmax = hists.maxTime(h);
        for (int c = 0; c < closedCount; c++) {
          if (finished.minTime(c) <= hmax && hmin <= finished.maxTime(c)) {
            return true;
          }
        }
        if (open && openMin <= hmax && hmin <= snap.openMaxT()) {
          return true;
        }
      }
      return false;
    }

    /**
     * The series' float chunks and {@code hn} histogram chunks in range, as stored, in time order
     * (they do not overlap): handed out from the {@code encoded} lists.
     */
    private void mergeStored(int hn) {
      boolean open = openFloatsInRange();
      int total = closedCount + (open ? 1 : 0) + hn;
      encoded = new ArrayList<>(total);
      encodedMin = new long[total];
      encodedMax = new long[total];
      encodedEncoding = new byte[total];
      encodedAt = 0;
      int c = 0;
      int h = 0;
      int k = 0;
      while (k < total) {
        boolean floatsLeft = c < closedCount || (c == closedCount && open);
        long fmin = c < closedCount ? finished.minTime(c) : openMin;
        if (floatsLeft && (h == hn || fmin < hists.minTime(h))) {
          if (c < closedCount) {
            int off = finished.offset(c);
            encoded.add(Arrays.copyOfRange(finished.bytes(), off, off + finished.length(c)));
            encodedMax[k] = finished.maxTime(c);
          } else {
            encoded.add(snap.open());
            encodedMax[k] = snap.openMaxT();
          }
          encodedMin[k] = fmin;
          encodedEncoding[k] = ChunkEncoding.XOR;
          c++;
        } else {
          encoded.add(hists.copy(h));
          encodedMin[k] = hists.minTime(h);
          encodedMax[k] = hists.maxTime(h);
          encodedEncoding[k] = (byte) hists.encoding(h);
          h++;
        }
        k++;
      }
      closedCount = 0;
      openDone = true;
    }

    private boolean hasOutOfOrderInRange(MemSeries.Snapshot s) {
      long[] t = s.oooT();
      if (t == null) {
        return false;
      }
      for (long x : t) {
        if (x >= mint && x <= maxt) {
          return true;
        }
      }
      return false;
    }

    @Override
    public boolean next() {
      checkOpen();
      if (primed) {
        primed = false;
        return has;
      }
      has = has && advance();
      return has;
    }

    /** Moves to the next chunk that meets [mint, maxt]; false when there is none. */
    private boolean advance() {
      if (encoded != null) {
        if (encodedAt == encoded.size()) {
          return false;
        }
        bytes = ByteBuffer.wrap(encoded.get(encodedAt)).asReadOnlyBuffer();
        min = encodedMin[encodedAt];
        max = encodedMax[encodedAt];
        encoding = encodedEncoding[encodedAt];
        encodedAt++;
        return true;
      }
      if (closedAt < closedCount) {
        int c = closedAt++;
        bytes =
            ByteBuffer.wrap(finished.bytes(), finished.offset(c), finished.length(c))
                .slice()
                .asReadOnlyBuffer();
        min = finished.minTime(c);
        max = finished.maxTime(c);
        encoding = ChunkEncoding.XOR;
        return true;
      }
      if (!openDone) {
        openDone = true;
        byte[] open = snap.open();
        long first = XorIterator.firstTime(open);
        if (first <= maxt && snap.openMaxT() >= mint) {
          bytes = ByteBuffer.wrap(open).asReadOnlyBuffer();
          min = first;
          max = snap.openMaxT();
          encoding = ChunkEncoding.XOR;
          return true;
        }
      }
      return false;
    }

    @Override
    public int encoding() {
      current();
      return encoding;
    }

    @Override
    public long minTime() {
      current();
      return min;
    }

    @Override
    public long maxTime() {
      current();
      return max;
    }

    @Override
    public ByteBuffer bytes() {
      current();
      return bytes.duplicate();
    }

    private void current() {
      if (!has || primed) {
        throw new IllegalStateException("no current chunk");
      }
    }
  }
}
