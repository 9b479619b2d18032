package io.rwgateway.tsdb.head;

import io.rwgateway.model.LabelBytes;
import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.chunk.XorIterator;
import java.util.Arrays;

/**
 * Reads a head one series at a time for a time range, for writing blocks: only one series'
 * samples are decoded at once, unlike {@link HeadQuerier#select}, which materializes every
 * selected series. Safe while the writer appends (each series is snapshotted under the head's
 * read lock, as the querier does).
 * <p>
 * Float samples only: native histograms are counted in {@link #histogramsSkipped()} and not
 * passed on (blocks do not carry histogram chunks yet).
 */
public final class HeadRangeReader {
  /** Receives one series; the arrays are reused after the call returns, copy what you keep. */
  public interface Sink {
    void series(Labels labels, long[] t, long[] valueBits, int n);
  }

  private final Head head;
  private final XorIterator it = new XorIterator();
  private long[] ts = new long[256];
  private long[] vs = new long[256];
  private int n;
  private long histogramsSkipped;

  public HeadRangeReader(Head head) {
    this.head = head;
  }

  /**
   * Calls {@code sink} for every series with at least one float sample in [mint, maxt] (both
   * inclusive), in ref order (not label order: sort afterwards). Values are raw double bits,
   * so NaN payloads such as the staleness marker survive.
   */
  public void forEach(long mint, long maxt, Sink sink) {
    int max = head.maxRef();
    for (int r = 1; r <= max; r++) {
      MemSeries s = head.series(r);
      if (s == null || !s.overlaps(head.lock, mint, maxt)) {
        continue;
      }
      MemSeries.Snapshot snap = s.snapshot(head.lock);
      read(snap, mint, maxt);
      for (int h = 0; h < snap.histCount(); h++) {
        long t = snap.histT()[h];
        if (t >= mint && t <= maxt) {
          histogramsSkipped++;
        }
      }
      if (n > 0) {
        sink.series(LabelBytes.decode(s.labels), ts, vs, n);
      }
    }
  }

  /** Native histogram samples in the ranges read so far that were left out. */
  public long histogramsSkipped() {
    return histogramsSkipped;
  }

  private void read(MemSeries.Snapshot snap, long mint, long maxt) {
    n = 0;
    byte[][] closed = snap.closed();
    for (int c = 0; c < closed.length; c++) {
      byte[] next = c + 1 < closed.length ? closed[c + 1] : snap.open();
      if (next != null && XorIterator.firstTime(next) <= mint) {
        continue; // every sample of chunk c is older than the next chunk's first, so before mint
      }
      if (decode(closed[c], mint, maxt)) {
        return;
      }
    }
    if (snap.open() != null) {
      decode(snap.open(), mint, maxt);
    }
  }

  /** Appends the chunk's samples in range; true once a sample after maxt was seen. */
  private boolean decode(byte[] chunk, long mint, long maxt) {
    it.reset(chunk, chunk.length);
    while (it.next()) {
      long t = it.t();
      if (t > maxt) {
        return true;
      }
      if (t >= mint) {
        if (n == ts.length) {
          ts = Arrays.copyOf(ts, n * 2);
          vs = Arrays.copyOf(vs, n * 2);
        }
        ts[n] = t;
        vs[n] = it.valueBits();
        n++;
      }
    }
    return false;
  }
}
