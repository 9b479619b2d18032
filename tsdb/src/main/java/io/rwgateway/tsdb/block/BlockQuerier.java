package io.rwgateway.tsdb.block;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.Querier;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.chunk.FloatHistogramChunkIterator;
import io.rwgateway.tsdb.chunk.HistogramChunkIterator;
import io.rwgateway.tsdb.chunk.HistogramChunkReader;
import io.rwgateway.tsdb.chunk.XorIterator;
import io.rwgateway.tsdb.postings.PostingsSelection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.TreeSet;

/**
 * {@link Querier} over one {@link Block}, with the head querier's semantics: the same matcher rules
 * (see {@link BlockPostingsSelector}), results sorted in UTF-8 byte order ({@link LabelOrder}),
 * inclusive [mint, maxt] bounds, an inverted range selects nothing.
 *
 * <p>Time: label names, label values and series count a series when one of its chunks (by the chunk
 * metas' first and last sample times) overlaps [mint, maxt]; {@link #select} decodes those chunks
 * and returns only the samples inside the range, and only series that have one. A query that misses
 * the block's own [minTime, maxTime) returns at once.
 *
 * <p>Histogram and float histogram chunks (encodings 2 and 3) are decoded into protobuf {@code
 * Histogram} messages, as the head returns them ({@link SeriesData#histograms()}); a sample widened
 * by a later layout change in its chunk comes back with the added buckets at zero, as from
 * Prometheus. Chunks of an unknown encoding are skipped and counted on the block ({@link
 * Block#skippedChunks}); the series' other samples are still returned. Stateless and thread-safe;
 * I/O or format errors surface as {@link UncheckedIOException}, since the interface has no checked
 * exceptions.
 */
public final class BlockQuerier implements Querier {
  private static final long[] NO_TIMES = new long[0];
  private static final byte[][] NO_HISTOGRAMS = new byte[0][];

  private final Block block;
  private final IndexReader index;
  private final ChunkReader chunks;

  BlockQuerier(Block block) {
    this.block = block;
    this.index = block.index();
    this.chunks = block.chunks();
  }

  @Override
  public List<String> labelNames(List<Matcher[]> selectors, long mint, long maxt) {
    if (!overlapsBlock(mint, maxt)) {
      return List.of();
    }
    Liveness live = new Liveness(mint, maxt);
    if (selectors.isEmpty()) {
      List<String> out = new ArrayList<>();
      for (String name : index.labelNames()) { // already in byte order
        for (String value : index.labelValues(name)) {
          if (live.any(index.postings(name, value))) {
            out.add(name);
            break;
          }
        }
      }
      return out;
    }
    TreeSet<String> names = new TreeSet<>(LabelOrder.UTF8);
    for (long ref : PostingsSelection.selectUnion(index, selectors)) {
      if (live.test(ref)) {
        index.seriesLabels(ref).forEach((n, v) -> names.add(n));
      }
    }
    return new ArrayList<>(names);
  }

  @Override
  public List<String> labelValues(String name, List<Matcher[]> selectors, long mint, long maxt) {
    if (!overlapsBlock(mint, maxt)) {
      return List.of();
    }
    Liveness live = new Liveness(mint, maxt);
    if (selectors.isEmpty()) {
      List<String> out = new ArrayList<>();
      for (String value : index.labelValues(name)) { // already in byte order
        if (live.any(index.postings(name, value))) {
          out.add(value);
        }
      }
      return out;
    }
    TreeSet<String> values = new TreeSet<>(LabelOrder.UTF8);
    for (long ref : PostingsSelection.selectUnion(index, selectors)) {
      if (live.test(ref)) {
        String v = valueOf(index.seriesLabels(ref), name);
        if (!v.isEmpty()) {
          values.add(v);
        }
      }
    }
    return new ArrayList<>(values);
  }

  @Override
  public List<Labels> series(List<Matcher[]> selectors, long mint, long maxt) {
    if (!overlapsBlock(mint, maxt)) {
      return List.of();
    }
    Liveness live = new Liveness(mint, maxt);
    List<Labels> out = new ArrayList<>();
    for (long ref : PostingsSelection.selectUnion(index, selectors)) {
      if (live.test(ref)) {
        out.add(index.seriesLabels(ref));
      }
    }
    // NOTE: refs ascend in label order in a valid index, so this sort is a linear check in effect;
    // kept because the verifier does not prove the series section sorted.
    out.sort(LabelOrder.LABELS);
    return out;
  }

  @Override
  public List<SeriesData> select(Matcher[] matchers, long mint, long maxt) {
    if (!overlapsBlock(mint, maxt)) {
      return List.of();
    }
    List<SeriesData> out = new ArrayList<>();
    SampleBuffer buf = new SampleBuffer();
    for (long ref : PostingsSelection.select(index, matchers)) {
      IndexSeries s = index.series(ref);
      buf.n = 0;
      buf.hn = 0;
      for (ChunkMeta c : s.chunks()) {
        if (c.maxTime() < mint) {
          continue;
        }
        if (c.minTime() > maxt) {
          break;
        }
        buf.readChunk(c, mint, maxt);
      }
      if (buf.n > 0 || buf.hn > 0) {
        out.add(buf.toSeriesData(s.labels()));
      }
    }
    out.sort((a, b) -> LabelOrder.compareLabels(a.labels(), b.labels()));
    return out;
  }

  /** Whether [mint, maxt] (inclusive) meets the block's [minTime, maxTime). */
  private boolean overlapsBlock(long mint, long maxt) {
    return mint <= maxt && mint < block.maxTime() && maxt >= block.minTime();
  }

  /**
   * The value of {@code name}, or "" when absent. NOTE: a linear scan on purpose: labels from the
   * index are in UTF-8 name order, which {@link Labels#get}'s early exit (Java order) may not
   * expect.
   */
  private static String valueOf(Labels labels, String name) {
    for (int i = 0; i < labels.size(); i++) {
      if (labels.name(i).equals(name)) {
        return labels.value(i);
      }
    }
    return "";
  }

  /**
   * Which series have a chunk in the query range, worked out at most once per series and query (a
   * series appears in the postings of each of its labels).
   */
  private final class Liveness {
    private final long mint;
    private final long maxt;
    private final BitSet checked = new BitSet();
    private final BitSet live = new BitSet();

    Liveness(long mint, long maxt) {
      this.mint = mint;
      this.maxt = maxt;
    }

    boolean test(long ref) {
      // NOTE: refs are offset / 16 in an index of at most 2 GiB (IndexReader's limit): below 2^27.
      int i = Math.toIntExact(ref);
      if (!checked.get(i)) {
        checked.set(i);
        if (index.hasChunkIn(ref, mint, maxt)) {
          live.set(i);
        }
      }
      return live.get(i);
    }

    boolean any(long[] refs) {
      for (long r : refs) {
        if (test(r)) {
          return true;
        }
      }
      return false;
    }
  }

  /** Samples of the series being read, grown as needed and reused across series of one query. */
  private final class SampleBuffer {
    private final XorIterator it = new XorIterator();
    private final HistogramChunkIterator hit = new HistogramChunkIterator();
    private final FloatHistogramChunkIterator fit = new FloatHistogramChunkIterator();
    long[] ht = new long[16];
    byte[][] hs = new byte[16][];
    int hn;
    long[] t = new long[128];
    long[] bits = new long[128];
    int n;

    void readChunk(ChunkMeta c, long mint, long maxt) {
      byte[] data;
      try {
        int encoding = chunks.encoding(c.ref());
        if (encoding == ChunkEncoding.HISTOGRAM || encoding == ChunkEncoding.FLOAT_HISTOGRAM) {
          ByteBuffer b = chunks.chunkData(c.ref());
          data = new byte[b.remaining()];
          b.get(data);
          readHistograms(
              encoding == ChunkEncoding.HISTOGRAM
                  ? hit.reset(data, 0, data.length)
                  : fit.reset(data, 0, data.length),
              mint,
              maxt);
          return;
        }
        if (encoding != ChunkWriter.ENCODING_XOR) {
          block.skippedChunk(c.ref(), encoding);
          return;
        }
        data = chunks.xorChunk(c.ref());
      } catch (IOException e) {
        throw new UncheckedIOException("block " + block.ulid() + ": " + e.getMessage(), e);
      }
      it.reset(data, data.length);
      while (it.next()) {
        long ts = it.t();
        if (ts < mint) {
          continue;
        }
        if (ts > maxt) {
          break;
        }
        if (n == t.length) {
          t = Arrays.copyOf(t, 2 * n);
          bits = Arrays.copyOf(bits, 2 * n);
        }
        t[n] = ts;
        bits[n] = it.valueBits();
        n++;
      }
    }

    /** Decodes a (float) histogram chunk's samples in [mint, maxt] into protobuf messages. */
    private void readHistograms(HistogramChunkReader r, long mint, long maxt) {
      while (r.next()) {
        long ts = r.t();
        if (ts < mint) {
          continue;
        }
        if (ts > maxt) {
          break;
        }
        if (hn == ht.length) {
          ht = Arrays.copyOf(ht, 2 * hn);
          hs = Arrays.copyOf(hs, 2 * hn);
        }
        ht[hn] = ts;
        hs[hn++] = r.proto();
      }
    }

    SeriesData toSeriesData(Labels labels) {
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = Double.longBitsToDouble(bits[i]);
      }
      return new SeriesData(
          labels,
          Arrays.copyOf(t, n),
          v,
          hn == 0 ? NO_TIMES : Arrays.copyOf(ht, hn),
          hn == 0 ? NO_HISTOGRAMS : Arrays.copyOf(hs, hn));
    }
  }
}
