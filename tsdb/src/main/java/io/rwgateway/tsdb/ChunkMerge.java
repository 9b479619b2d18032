package io.rwgateway.tsdb;

import io.rwgateway.tsdb.chunk.XorChunk;
import io.rwgateway.tsdb.chunk.XorChunks;
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
 * <p>Only XOR chunks are merged; an overlapping group holding another encoding is passed on
 * unmerged, in time order (native histograms do not reach blocks or the head's chunks yet).
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
      if (group.size() == 1 || !allXor(group)) {
        out.addAll(group);
      } else {
        mergeXor(group, out);
      }
      i = j;
    }
    return new Run(out);
  }

  private static boolean allXor(List<Piece> group) {
    for (Piece p : group) {
      if (p.encoding() != ChunkEncoding.XOR) {
        return false;
      }
    }
    return true;
  }

  /** Decodes the group, keeps one sample per timestamp (highest precedence), re-encodes. */
  private static void mergeXor(List<Piece> group, List<Piece> out) {
    int total = 0;
    for (Piece p : group) {
      total += XorIterator.count(p.data());
    }
    long[] t = new long[total];
    long[] bits = new long[total];
    int[] prec = new int[total];
    int n = 0;
    XorIterator it = new XorIterator();
    for (Piece p : group) {
      it.reset(p.data(), p.data().length);
      while (it.next()) {
        t[n] = it.t();
        bits[n] = it.valueBits();
        prec[n] = p.precedence();
        n++;
      }
    }
    Integer[] order = new Integer[n];
    for (int k = 0; k < n; k++) {
      order[k] = k;
    }
    Arrays.sort(order, (a, b) -> t[a] != t[b] ? Long.compare(t[a], t[b]) : prec[a] - prec[b]);
    long[] mt = new long[n];
    long[] mb = new long[n];
    int m = 0;
    for (int k = 0; k < n; k++) {
      int x = order[k];
      if (m > 0 && mt[m - 1] == t[x]) {
        continue; // the same time from a part of lower precedence
      }
      mt[m] = t[x];
      mb[m++] = bits[x];
    }
    List<byte[]> chunks = XorChunks.encode(mt, mb, m);
    for (int k = 0; k < chunks.size(); k++) {
      long min = mt[k * XorChunk.MAX_SAMPLES];
      long max = mt[Math.min(m, (k + 1) * XorChunk.MAX_SAMPLES) - 1];
      out.add(new Piece(group.get(0).precedence(), ChunkEncoding.XOR, min, max, chunks.get(k)));
    }
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
