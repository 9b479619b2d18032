package io.rwgateway.tsdb.head;

import io.rwgateway.model.LabelBytes;
import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.ExemplarData;
import io.rwgateway.tsdb.Querier;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.chunk.FloatHistogramChunkIterator;
import io.rwgateway.tsdb.chunk.HistogramChunkIterator;
import io.rwgateway.tsdb.chunk.HistogramChunkReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link Querier} over one head. Safe from any thread while the writer appends: postings and the
 * series table are published lock-free, and each series is copied under ({@link
 * MemSeries#snapshot}) and decoded outside it (finished chunks are read from the head's {@link
 * HeadChunks} file only when their time range is needed).
 *
 * <p>A series takes part in a query over [mint, maxt] when its samples' min/max time overlap it;
 * {@link #select} additionally drops series with no sample inside the range. Names, values and
 * series come back in UTF-8 byte order ({@link #LABELS_ORDER}, {@link LabelOrder#UTF8}), the order
 * of block queriers too.
 */
public final class HeadQuerier implements Querier {
  // NOTE: head truncation may remove a series between reading postings and looking up its ref,
  // so every lookup here allows null.
  /**
   * Prometheus' label set order: pairwise by name, then value, in UTF-8 byte order; a prefix sorts
   * first. The one order of every querier's results (head, blocks, merge), so that merged lists
   * line up. NOTE: not Java's String order, which differs above U+FFFF; see {@link LabelOrder}.
   */
  public static final Comparator<Labels> LABELS_ORDER = LabelOrder.LABELS;

  private final Head head;

  public HeadQuerier(Head head) {
    this.head = head;
  }

  @Override
  public List<String> labelNames(List<Matcher[]> selectors, long mint, long maxt) {
    if (mint > maxt) {
      return List.of(); // an inverted range holds no samples (min/max overlap alone would say yes)
    }
    TreeSet<String> names = new TreeSet<>(LabelOrder.UTF8);
    if (selectors.isEmpty()) {
      for (Map.Entry<String, ConcurrentHashMap<String, Postings>> e : head.index.all().entrySet()) {
        for (Postings p : e.getValue().values()) {
          if (anyOverlaps(p, mint, maxt)) {
            names.add(e.getKey());
            break;
          }
        }
      }
      return new ArrayList<>(names);
    }
    for (int r : PostingsSelector.selectUnion(head, selectors)) {
      MemSeries s = head.series(r);
      Labels l = s != null && s.overlaps(head.lock, mint, maxt) ? head.labels(s) : null;
      if (l != null) {
        for (int i = 0; i < l.size(); i++) {
          names.add(l.name(i));
        }
      }
    }
    return new ArrayList<>(names);
  }

  @Override
  public List<String> labelValues(String name, List<Matcher[]> selectors, long mint, long maxt) {
    if (mint > maxt) {
      return List.of(); // an inverted range holds no samples (min/max overlap alone would say yes)
    }
    TreeSet<String> values = new TreeSet<>(LabelOrder.UTF8);
    if (selectors.isEmpty()) {
      Map<String, Postings> byValue = head.index.values(name);
      if (byValue != null) {
        for (Map.Entry<String, Postings> e : byValue.entrySet()) {
          if (anyOverlaps(e.getValue(), mint, maxt)) {
            values.add(e.getKey());
          }
        }
      }
      return new ArrayList<>(values);
    }
    for (int r : PostingsSelector.selectUnion(head, selectors)) {
      MemSeries s = head.series(r);
      Labels l = s != null && s.overlaps(head.lock, mint, maxt) ? head.labels(s) : null;
      if (l != null) {
        String v = l.get(name);
        if (!v.isEmpty()) {
          values.add(v);
        }
      }
    }
    return new ArrayList<>(values);
  }

  @Override
  public List<Labels> series(List<Matcher[]> selectors, long mint, long maxt) {
    if (mint > maxt) {
      return List.of(); // an inverted range holds no samples (min/max overlap alone would say yes)
    }
    int[] refs = PostingsSelector.selectUnion(head, selectors);
    List<Labels> out = new ArrayList<>();
    for (int r : refs) {
      MemSeries s = head.series(r);
      Labels l = s != null && s.overlaps(head.lock, mint, maxt) ? head.labels(s) : null;
      if (l != null) {
        out.add(l);
      }
    }
    out.sort(LABELS_ORDER);
    return out;
  }

  @Override
  public List<SeriesData> select(Matcher[] matchers, long mint, long maxt) {
    if (mint > maxt) {
      return List.of(); // an inverted range holds no samples (min/max overlap alone would say yes)
    }
    List<SeriesData> out = new ArrayList<>();
    SampleReader reader = new SampleReader(head.chunks);
    for (int r : PostingsSelector.select(head, matchers)) {
      MemSeries s = head.series(r);
      if (s == null || !s.overlaps(head.lock, mint, maxt)) {
        continue;
      }
      MemSeries.Snapshot snap = s.snapshot(head.lock, head.chunks);
      Labels l = head.labels(s);
      SeriesData d = l == null ? null : reader.read(l, snap, mint, maxt);
      if (d != null) {
        out.add(d);
      }
    }
    out.sort((a, b) -> LABELS_ORDER.compare(a.labels(), b.labels()));
    return out;
  }

  /** Exemplars of the series matching all {@code matchers} in [mint, maxt], oldest first. */
  public List<ExemplarData> exemplars(Matcher[] matchers, long mint, long maxt) {
    int[] refs = PostingsSelector.select(head, matchers);
    List<ExemplarData> out = new ArrayList<>();
    head.exemplars.forEach(
        refs,
        mint,
        maxt,
        (ref, t, v, labels) -> {
          MemSeries s = head.series(ref);
          Labels l =
              s == null ? null : head.labels(s); // null: removed by head truncation meanwhile
          if (l != null) {
            out.add(new ExemplarData(l, LabelBytes.decode(labels), t, v));
          }
        });
    return out;
  }

  private boolean anyOverlaps(Postings p, long mint, long maxt) {
    return p.any(
        r -> {
          MemSeries s = head.series(r);
          return s != null && s.overlaps(head.lock, mint, maxt);
        });
  }

  /** Turns a series snapshot's samples within a time range into right-sized arrays. */
  private static final class SampleReader {
    private final RangeSamples samples;
    private final HistogramChunkList hists;
    private final HistogramChunkIterator hit = new HistogramChunkIterator();
    private final FloatHistogramChunkIterator fhit = new FloatHistogramChunkIterator();

    SampleReader(HeadChunks chunks) {
      samples = new RangeSamples(chunks);
      hists = new HistogramChunkList(chunks);
    }

    SeriesData read(Labels labels, MemSeries.Snapshot snap, long mint, long maxt) {
      samples.read(snap, mint, maxt);
      int n = samples.n;
      long[] floatT = Arrays.copyOf(samples.ts, n);
      double[] floatV = new double[n];
      for (int i = 0; i < n; i++) {
        floatV[i] = Double.longBitsToDouble(samples.bits[i]);
      }
      // Histograms decoded from the head's chunks into protobuf messages, as the block's list
      // querier decodes a block's histogram chunks: what a block of this range would return.
      int chunks = snap.mayHaveHistogramsIn(mint, maxt) ? hists.load(snap, mint, maxt) : 0;
      List<Long> histT = new ArrayList<>();
      List<byte[]> hist = new ArrayList<>();
      for (int c = 0; c < chunks; c++) {
        HistogramChunkReader r =
            hists.encoding(c) == ChunkEncoding.HISTOGRAM
                ? hit.reset(hists.array(c), hists.offset(c), hists.length(c))
                : fhit.reset(hists.array(c), hists.offset(c), hists.length(c));
        while (r.next()) {
          long t = r.t();
          if (t > maxt) {
            break;
          }
          if (t >= mint) {
            histT.add(t);
            hist.add(r.proto());
          }
        }
      }
      int hn = histT.size();
      if (n == 0 && hn == 0) {
        return null;
      }
      long[] ht = new long[hn];
      for (int k = 0; k < hn; k++) {
        ht[k] = histT.get(k);
      }
      return new SeriesData(labels, floatT, floatV, ht, hist.toArray(new byte[0][]));
    }
  }
}
