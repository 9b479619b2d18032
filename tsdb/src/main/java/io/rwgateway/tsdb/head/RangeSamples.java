package io.rwgateway.tsdb.head;

import io.rwgateway.tsdb.chunk.XorIterator;
import java.util.Arrays;

/**
 * Decodes the float samples of one series snapshot that fall in [mint, maxt] into reused arrays of
 * timestamps and raw value bits (raw, so NaN payloads such as the staleness marker survive).
 * Finished chunks wholly before mint or after maxt are skipped by their first times, without being
 * read from the {@link HeadChunks} file; decoding stops at the first sample after maxt.
 * Out-of-order samples are merged in by time. Shared by the querier and the block export.
 */
final class RangeSamples {
  private final HeadChunks chunks;
  private final HeadChunks.ReadBuffer chunk = new HeadChunks.ReadBuffer();
  private final XorIterator it = new XorIterator();
  long[] ts = new long[128];
  long[] bits = new long[128];
  int n;

  RangeSamples(HeadChunks chunks) {
    this.chunks = chunks;
  }

  void read(MemSeries.Snapshot snap, long mint, long maxt) {
    readInOrder(snap, mint, maxt);
    if (snap.oooT() != null) {
      mergeOutOfOrder(snap.oooT(), snap.oooBits(), mint, maxt);
    }
  }

  private void readInOrder(MemSeries.Snapshot snap, long mint, long maxt) {
    n = 0;
    long[] refs = snap.closedRefs();
    long[] minT = snap.closedMinT();
    byte[] open = snap.open();
    for (int c = 0; c < refs.length; c++) {
      if (minT[c] > maxt) {
        return; // this chunk and every later one start after the range
      }
      boolean hasNext = c + 1 < refs.length || open != null;
      long nextMin =
          c + 1 < refs.length
              ? minT[c + 1]
              : open != null ? XorIterator.firstTime(open) : Long.MAX_VALUE;
      if (hasNext && nextMin <= mint) {
        continue; // every sample of chunk c is older than the next chunk's first, so before mint
      }
      chunks.read(refs[c], chunk);
      if (decode(chunk.bytes, chunk.length, mint, maxt)) {
        return;
      }
    }
    if (open != null) {
      decode(open, open.length, mint, maxt);
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
  private boolean decode(byte[] chunk, int length, long mint, long maxt) {
    it.reset(chunk, length);
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
