package io.rwgateway.tsdb.head;

import io.rwgateway.tsdb.chunk.XorIterator;
import java.util.Arrays;

/**
 * Decodes the float samples of one series snapshot that fall in [mint, maxt] into reused arrays of
 * timestamps and raw value bits (raw, so NaN payloads such as the staleness marker survive).
 * Finished chunks come from {@link FinishedChunks} (those wholly before mint are not read);
 * decoding stops at the first sample after maxt. Out-of-order samples are merged in by time. Shared
 * by the querier and the block export.
 */
final class RangeSamples {
  private final FinishedChunks finished;
  private final XorIterator it = new XorIterator();
  long[] ts = new long[128];
  long[] bits = new long[128];
  int n;

  RangeSamples(HeadChunks chunks) {
    this.finished = new FinishedChunks(chunks);
  }

  void read(MemSeries.Snapshot snap, long mint, long maxt) {
    readInOrder(snap, mint, maxt);
    if (snap.oooT() != null) {
      mergeOutOfOrder(snap.oooT(), snap.oooBits(), mint, maxt);
    }
  }

  private void readInOrder(MemSeries.Snapshot snap, long mint, long maxt) {
    n = 0;
    int k = finished.load(snap, mint, maxt);
    byte[] b = finished.bytes();
    for (int c = 0; c < k; c++) {
      if (decode(b, finished.offset(c), finished.length(c), mint, maxt)) {
        return;
      }
    }
    byte[] open = snap.open();
    if (open != null) {
      decode(open, 0, open.length, mint, maxt);
    }
  }

  /**
   * Merges the out-of-order samples in range into the in-order ones; at a time both have, the
   * in-order sample wins (the append path does not look into chunks for out-of-order duplicates).
   */
  private void mergeOutOfOrder(long[] oT, long[] oBits, long mint, long maxt) {
    int from = 0;
    while (from < oT.length && oT[from] < mint) {
      from++;
    }
    int to = from;
    while (to < oT.length && oT[to] <= maxt) {
      to++;
    }
    if (from == to) {
      return;
    }
    int total = n + (to - from);
    long[] mt = new long[Math.max(128, total)];
    long[] mb = new long[mt.length];
    int i = 0;
    int j = from;
    int k = 0;
    while (i < n || j < to) {
      if (j == to || (i < n && ts[i] <= oT[j])) {
        if (j < to && ts[i] == oT[j]) {
          j++; // same time out of order: the in-order sample wins
        }
        mt[k] = ts[i];
        mb[k++] = bits[i++];
      } else {
        mt[k] = oT[j];
        mb[k++] = oBits[j++];
      }
    }
    ts = mt;
    bits = mb;
    n = k;
  }

  /** Appends the chunk's samples in range; true once a sample after maxt was seen. */
  private boolean decode(byte[] chunk, int offset, int length, long mint, long maxt) {
    it.reset(chunk, offset, length);
    while (it.next()) {
      long t = it.t();
      if (t > maxt) {
        return true;
      }
      if (t >= mint) {
        if (n == ts.length) {
          ts = Arrays.copyOf(ts, n * 2);
          bits = Arrays.copyOf(bits, n * 2);
        }
        ts[n] = t;
        bits[n] = it.valueBits();
        n++;
      }
    }
    return false;
  }
}
