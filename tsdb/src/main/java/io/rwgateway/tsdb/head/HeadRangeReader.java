package io.rwgateway.tsdb.head;

import io.rwgateway.model.LabelBytes;
import io.rwgateway.model.Labels;

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
  private final RangeSamples samples = new RangeSamples();
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
      samples.read(snap, mint, maxt);
      for (int h = 0; h < snap.histCount(); h++) {
        long t = snap.histT()[h];
        if (t >= mint && t <= maxt) {
          histogramsSkipped++;
        }
      }
      if (samples.n > 0) {
        sink.series(LabelBytes.decode(s.labels), samples.ts, samples.bits, samples.n);
      }
    }
  }

  /** Native histogram samples in the ranges read so far that were left out. */
  public long histogramsSkipped() {
    return histogramsSkipped;
  }
}
