package io.rwgateway.tsdb.head;

import java.util.Arrays;

/**
 * Puts a selection of head series into label order, reusing the order of an earlier large
 * selection: head readers return series in label order, and sorting 100k series by their label
 * bytes on every call costs more than reading most of them (Prometheus' head sorts its postings on
 * every query too).
 *
 * <p>The cache is an immutable array of refs in label order, the result of the largest recent
 * selection. A new selection takes its refs that the cache holds by walking the cache (linear),
 * sorts only the rest (series created since, or outside the cached selection) and merges the two.
 * Since a series' labels never change and a ref is never reused, a cached order stays right for as
 * long as the series live; refs of removed series are simply never selected again. The cache is
 * replaced by a selection that found a quarter or more of its series outside it, so that churn (new
 * series, truncated ones) never makes every call sort again.
 *
 * <p>Thread-safe: readers race to publish a cache, and any published one is correct.
 */
final class LabelSortedRefs {
  /** Below this many selected series a plain sort is as cheap as walking the cache. */
  static final int MIN_CACHED = 1024;

  private final Head head;
  private volatile int[] cache = new int[0];

  LabelSortedRefs(Head head) {
    this.head = head;
  }

  /**
   * The live series among {@code refs} (ascending, as postings give them) in label order. A ref
   * whose series is gone is left out.
   */
  MemSeries[] sort(int[] refs) {
    int[] cached = cache;
    if (refs.length < MIN_CACHED || refs.length < cached.length / 8) {
      // A small selection out of many cached series: walking the whole cache would cost more.
      MemSeries[] out = resolve(refs, refs.length);
      sortByLabels(out);
      return out;
    }
    int max = refs[refs.length - 1];
    long[] marked = new long[(max >>> 6) + 1];
    for (int r : refs) {
      marked[r >>> 6] |= 1L << r;
    }
    int[] ordered = new int[refs.length];
    int k = 0;
    for (int r : cached) {
      if (r <= max && (marked[r >>> 6] & 1L << r) != 0) {
        marked[r >>> 6] &= ~(1L << r);
        ordered[k++] = r;
      }
    }
    int[] rest = new int[refs.length - k];
    int m = 0;
    for (int r : refs) {
      if ((marked[r >>> 6] & 1L << r) != 0) {
        rest[m++] = r;
      }
    }
    MemSeries[] fromCache = resolve(ordered, k);
    MemSeries[] others = resolve(rest, m);
    sortByLabels(others);
    MemSeries[] out = merge(fromCache, others);
    if (m * 4L >= refs.length) {
      int[] next = new int[out.length];
      for (int i = 0; i < out.length; i++) {
        next[i] = out[i].ref;
      }
      cache = next;
    }
    return out;
  }

  /** The series of {@code refs[0, n)} that are still in the head, in that order. */
  private MemSeries[] resolve(int[] refs, int n) {
    MemSeries[] out = new MemSeries[n];
    int k = 0;
    for (int i = 0; i < n; i++) {
      MemSeries s = head.series(refs[i]);
      if (s != null) {
        out[k++] = s;
      }
    }
    return k == n ? out : Arrays.copyOf(out, k);
  }

  private void sortByLabels(MemSeries[] series) {
    // NOTE: symbol ids of a series that truncation removes meanwhile stay readable until the
    // truncation after next, so the order stays consistent while this sorts.
    SymbolTable symbols = head.symbols;
    Arrays.sort(series, (a, b) -> symbols.compare(a.labelRefs, b.labelRefs));
  }

  private MemSeries[] merge(MemSeries[] a, MemSeries[] b) {
    if (b.length == 0) {
      return a;
    }
    if (a.length == 0) {
      return b;
    }
    SymbolTable symbols = head.symbols;
    MemSeries[] out = new MemSeries[a.length + b.length];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < a.length && j < b.length) {
      out[k++] = symbols.compare(a[i].labelRefs, b[j].labelRefs) <= 0 ? a[i++] : b[j++];
    }
    while (i < a.length) {
      out[k++] = a[i++];
    }
    while (j < b.length) {
      out[k++] = b[j++];
    }
    return out;
  }
}
