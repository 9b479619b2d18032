package io.rwgateway.tsdb;

import io.rwgateway.tsdb.chunk.FloatHistogram;
import io.rwgateway.tsdb.chunk.FloatHistogramChunkIterator;
import io.rwgateway.tsdb.chunk.Histogram;
import io.rwgateway.tsdb.chunk.HistogramChunkIterator;
import io.rwgateway.tsdb.chunk.XorIterator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Joins the chunks one series has in several parts (blocks, head) into one ascending,
 * non-overlapping run. Chunks that overlap no other pass through as they are; a group of chunks
 * whose time ranges overlap is decoded, merged by time and re-encoded, a timestamp present in
 * several kept once, from the part of highest precedence (lowest index). Overlaps happen rarely (a
 * resend the head took after a block was cut, out-of-order data across a block boundary), so the
 * common path copies bytes and nothing more.
 *
 * <p>XOR, histogram and float histogram chunks are merged alike, into one time order that may
 * switch between them (a block and the head both holding a series' histograms while a block is
 * cut), and re-cut by {@link ChunkCutter}, the block cut's rules. A group holding an encoding this
 * does not know is passed on unmerged, in time order.
 */
final class ChunkMerge {
  private ChunkMerge() {}

  private record Piece(int precedence, int encoding, long min, long max, byte[] data) {}

  /** Reads every iterator to its end now and returns the merged run. */
  static ChunkIterator merge(List<ChunkIterator> parts) {
    List<Piece> pieces = new ArrayList<>();
    for (int p = 0; p < parts.size(); p++) {
      ChunkIterator it = parts.get(p);
      while (it.next()) {
        ByteBuffer b = it.bytes();
        byte[] data = new byte[b.remaining()];
        b.get(data);
        pieces.add(new Piece(p, it.encoding(), it.minTime(), it.maxTime(), data));
      }
    }
    pieces.sort(Comparator.comparingLong(Piece::min).thenComparingInt(Piece::precedence));
    List<Piece> out = new ArrayList<>(pieces.size());
    int i = 0;
    while (i < pieces.size()) {
      int j = i + 1;
      long groupMax = pieces.get(i).max();
      while (j < pieces.size() && pieces.get(j).min() <= groupMax) {
        groupMax = Math.max(groupMax, pieces.get(j).max());
        j++;
      }
      List<Piece> group = pieces.subList(i, j);
      if (group.size() == 1 || !allKnown(group)) {
        out.addAll(group);
      } else {
        mergeGroup(group, out);
      }
      i = j;
    }
    return new Run(out);
  }

  private static boolean allKnown(List<Piece> group) {
    for (Piece p : group) {
      int e = p.encoding();
      if (e != ChunkEncoding.XOR
          && e != ChunkEncoding.HISTOGRAM
          && e != ChunkEncoding.FLOAT_HISTOGRAM) {
        return false;
      }
    }
    return true;
  }

  /**
   * Decodes the group, keeps one sample per timestamp (highest precedence, whatever its kind), and
   * re-cuts the rest. NOTE: a histogram is copied into an object of its own, since the cutter needs
   * them in time order, not chunk order; only histograms in overlapping chunks pay that, rarely.
   */
  private static void mergeGroup(List<Piece> group, List<Piece> out) {
    int total = 0;
    for (Piece p : group) {
      total += sampleCount(p.data());
    }
    long[] t = new long[total];
    long[] bits = new long[total]; // a float's value bits, or the index into hists
    int[] prec = new int[total];
    byte[] kind = new byte[total];
    List<Object> hists = new ArrayList<>();
    int n = 0;
    XorIterator xit = new XorIterator();
    HistogramChunkIterator hit = new HistogramChunkIterator();
    FloatHistogramChunkIterator fit = new FloatHistogramChunkIterator();
    for (Piece p : group) {
      byte[] d = p.data();
      switch (p.encoding()) {
        case ChunkEncoding.XOR:
          xit.reset(d, d.length);
          while (xit.next()) {
            t[n] = xit.t();
            bits[n] = xit.valueBits();
            kind[n] = ChunkEncoding.XOR;
            prec[n++] = p.precedence();
          }
          break;
        case ChunkEncoding.HISTOGRAM:
          hit.reset(d, 0, d.length);
          while (hit.next()) {
            t[n] = hit.t();
            bits[n] = hists.size();
            hists.add(new Histogram().copyFrom(hit.histogram()));
            kind[n] = ChunkEncoding.HISTOGRAM;
            prec[n++] = p.precedence();
          }
          break;
        default:
          fit.reset(d, 0, d.length);
          while (fit.next()) {
            t[n] = fit.t();
            bits[n] = hists.size();
            hists.add(new FloatHistogram().copyFrom(fit.histogram()));
            kind[n] = ChunkEncoding.FLOAT_HISTOGRAM;
            prec[n++] = p.precedence();
          }
          break;
      }
    }
    Integer[] order = new Integer[n];
    for (int k = 0; k < n; k++) {
      order[k] = k;
    }
    Arrays.sort(order, (a, b) -> t[a] != t[b] ? Long.compare(t[a], t[b]) : prec[a] - prec[b]);
    ChunkCutter cutter = new ChunkCutter();
    long last = 0;
    for (int k = 0; k < n; k++) {
      int x = order[k];
      if (k > 0 && last == t[x]) {
        continue; // the same time from a part of lower precedence
      }
      last = t[x];
      switch (kind[x]) {
        case ChunkEncoding.XOR:
          cutter.addFloat(t[x], bits[x]);
          break;
        case ChunkEncoding.HISTOGRAM:
          cutter.addHistogram(t[x], (Histogram) hists.get((int) bits[x]));
          break;
        default:
          cutter.addFloatHistogram(t[x], (FloatHistogram) hists.get((int) bits[x]));
          break;
      }
    }
    cutter.finish();
    int precedence = group.get(0).precedence();
    for (int c = 0; c < cutter.chunkCount(); c++) {
      out.add(
          new Piece(
              precedence,
              cutter.encoding(c),
              cutter.minTime(c),
              cutter.maxTime(c),
              cutter.chunk(c)));
    }
  }

  /** The sample count every encoding starts with. */
  private static int sampleCount(byte[] chunk) {
    return chunk.length < 2 ? 0 : ((chunk[0] & 0xff) << 8) | (chunk[1] & 0xff);
  }

  private static final class Run extends ListChunkIterator<Piece> {
    Run(List<Piece> pieces) {
      super(pieces);
    }

    @Override
    public int encoding() {
      return current().encoding();
    }

    @Override
    public long minTime() {
      return current().min();
    }

    @Override
    public long maxTime() {
      return current().max();
    }

    @Override
    public ByteBuffer bytes() {
      return ByteBuffer.wrap(current().data()).asReadOnlyBuffer();
    }
  }
}
