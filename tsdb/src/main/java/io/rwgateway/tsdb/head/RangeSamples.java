package io.rwgateway.tsdb.head;

import io.rwgateway.tsdb.chunk.XorIterator;
import java.util.Arrays;

/**
 * Decodes the float samples of one series snapshot that fall in [mint, maxt] into reused arrays
 * of timestamps and raw value bits (raw, so NaN payloads such as the staleness marker survive).
 * Chunks wholly before mint are skipped without decoding; decoding stops at the first sample
 * after maxt. Out-of-order samples are merged in by time. Shared by the querier and the block
 * export.
 */
final class RangeSamples {
  private final XorIterator it = new XorIterator();
  long[] ts = new long[128];
  long[] bits = new long[128];
  int n;

  void read(MemSeries.Snapshot snap, long mint, long maxt) {
    readInOrder(snap, mint, maxt);
    if (snap.oooT() != null) {
      mergeOutOfOrder(snap.oooT(), snap.oooBits(), mint, maxt);
    }
  }

  private void readInOrder(MemSeries.Snapshot snap, long mint, long maxt) {
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
