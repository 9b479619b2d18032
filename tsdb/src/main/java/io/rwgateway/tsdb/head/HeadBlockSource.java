package io.rwgateway.tsdb.head;

import io.rwgateway.model.LabelBytes;
import io.rwgateway.model.LabelOrder;
import io.rwgateway.tsdb.layout.BlockSeries;
import io.rwgateway.tsdb.layout.BlockSeriesSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The float samples and native histograms a head holds in a block range [mint, maxt), as a {@link
 * BlockSeriesSource}: series in index order, each re-encoded into chunks of at most 120 samples
 * that stay inside the range. Only one series' samples are decoded at a time.
 *
 * <p>NOTE: float samples are re-encoded instead of copying head chunks that lie wholly inside the
 * range: one code path, and chunks that start at the block boundary; it costs one decode and encode
 * per sample, small next to writing the index. Histogram chunks are copied when they are what the
 * re-cut would give ({@link BlockChunks}): the head cuts them by the same rules and never across a
 * block boundary.
 *
 * <p>Safe while the writer appends, as long as no sample inside the range can still be appended
 * (the caller raised the head's min valid time to {@code maxt} first): each series is snapshotted
 * under the head's read lock, like a query.
 *
 * <p>Native histograms are written as histogram chunks (integer counts, encoding 2) or float
 * histogram chunks (encoding 3) next to the float chunks ({@link BlockChunks}); the rare one no
 * chunk can hold is counted in {@link #histogramsSkipped()}.
 */
public final class HeadBlockSource implements BlockSeriesSource {
  private final Head head;
  private final long mint;
  private final long maxtInclusive;
  private final MemSeries[] candidates;
  private final RangeSamples samples;
  private int next;
  private final BlockChunks builder;
  private long notChunked = -1;

  public HeadBlockSource(Head head, long mint, long maxtExclusive) {
    if (mint >= maxtExclusive) {
      throw new IllegalArgumentException("empty range [" + mint + ", " + maxtExclusive + ")");
    }
    this.head = head;
    this.samples = new RangeSamples(head.chunks);
    this.builder = new BlockChunks(head.chunks, head.histograms.chunkRange, true);
    this.mint = mint;
    this.maxtInclusive = maxtExclusive - 1;
    List<MemSeries> found = new ArrayList<>();
    int max = head.maxRef();
    for (int r = 1; r <= max; r++) {
      MemSeries s = head.series(r);
      if (s != null && s.overlaps(head.lock, mint, maxtInclusive)) {
        found.add(s);
      }
    }
    candidates = found.toArray(new MemSeries[0]);
    SymbolTable symbols = head.symbols;
    Arrays.sort(candidates, (a, b) -> symbols.compare(a.labelRefs, b.labelRefs));
  }

  /** Series whose time bounds overlap the range (some may turn out to hold only histograms). */
  public int candidateCount() {
    return candidates.length;
  }

  /**
   * Names and values of the candidate series, taken from the head's label index (its strings
   * already exist there), so no label is decoded twice.
   */
  @Override
  public SortedSet<String> symbols() {
    BitSet refs = new BitSet(head.maxRef() + 1);
    for (MemSeries s : candidates) {
      refs.set(s.ref);
    }
    TreeSet<String> symbols = new TreeSet<>(LabelOrder.UTF8);
    for (Map.Entry<String, ConcurrentHashMap<String, Postings>> byName :
        head.index.all().entrySet()) {
      boolean nameUsed = false;
      for (Map.Entry<String, Postings> e : byName.getValue().entrySet()) {
        if (e.getValue().any(refs::get)) {
          symbols.add(e.getKey());
          nameUsed = true;
        }
      }
      if (nameUsed) {
        symbols.add(byName.getKey());
      }
    }
    return symbols;
  }

  @Override
  public BlockSeries next() {
    while (next < candidates.length) {
      MemSeries s = candidates[next];
      candidates[next++] = null; // let a truncated series go as soon as it is written
      MemSeries.Snapshot snap = s.snapshot(head.lock, head.chunks);
      samples.read(snap, mint, maxtInclusive);
      if (samples.n == 0 && !snap.mayHaveHistogramsIn(mint, maxtInclusive)) {
        continue;
      }
      BlockSeries out =
          builder.build(LabelBytes.decode(head.labelBytes(s)), samples, snap, mint, maxtInclusive);
      if (out != null) {
        return out;
      }
    }
    return null;
  }

  /**
   * Native histogram samples in the range that were left out of the block: the rare ones a block
   * series cannot hold ({@link BlockChunks}), and those the head kept out of its chunks (mixed or
   * undecodable counts: {@link HistogramScratch}) in block ranges that start before the range's
   * end, taken from the head's count by the first call.
   */
  public long histogramsSkipped() {
    if (notChunked < 0) {
      notChunked = head.takeHistogramsNotInChunks(maxtInclusive + 1);
    }
    return builder.skipped + notChunked;
  }

  /** Series whose histogram chunks were re-cut rather than copied as stored (for tests). */
  long seriesRecut() {
    return builder.recut;
  }
}
