package io.rwgateway.tsdb.chunk;

/** Absolute bucket indices of one side's spans, ascending. */
final class Indices {
  int[] idx = new int[0];
  int n;

  void of(Histogram.Buckets side) {
    int total = (int) side.bucketsInSpans();
    if (idx.length < total) {
      idx = new int[Math.max(total, idx.length * 2)];
    }
    n = 0;
    int at = 0;
    for (int s = 0; s < side.spanCount(); s++) {
      at += side.spanOffset(s);
      for (int k = 0; k < side.spanLength(s); k++) {
        idx[n++] = at++;
      }
    }
  }

  boolean subsetOf(Indices o) {
    int j = 0;
    for (int i = 0; i < n; i++) {
      while (j < o.n && o.idx[j] < idx[i]) {
        j++;
      }
      if (j == o.n || o.idx[j] != idx[i]) {
        return false;
      }
    }
    return true;
  }

  void union(Indices a, Indices b) {
    if (idx.length < a.n + b.n) {
      idx = new int[a.n + b.n];
    }
    int i = 0;
    int j = 0;
    n = 0;
    while (i < a.n || j < b.n) {
      int v;
      if (j == b.n || (i < a.n && a.idx[i] < b.idx[j])) {
        v = a.idx[i++];
      } else if (i == a.n || b.idx[j] < a.idx[i]) {
        v = b.idx[j++];
      } else {
        v = a.idx[i++];
        j++;
      }
      idx[n++] = v;
    }
  }
}
