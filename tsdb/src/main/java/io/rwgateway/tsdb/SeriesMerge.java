package io.rwgateway.tsdb;

import java.util.Arrays;

/**
 * Joins two {@link SeriesData} of the same series, each sorted by time, into one sorted by time. On
 * a timestamp present in both, the first argument's sample is kept (the caller passes the
 * higher-precedence data first). Floats and histograms are merged separately.
 */
final class SeriesMerge {
  private SeriesMerge() {}

  static SeriesData merge(SeriesData first, SeriesData second) {
    long[] ft = first.sampleT();
    long[] st = second.sampleT();
    long[] t = new long[ft.length + st.length];
    double[] v = new double[t.length];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < ft.length || j < st.length) {
      if (j == st.length || (i < ft.length && ft[i] <= st[j])) {
        if (j < st.length && ft[i] == st[j]) {
          j++; // the same timestamp in the second: dropped, the first wins
        }
        t[n] = ft[i];
        v[n++] = first.sampleV()[i++];
      } else {
        t[n] = st[j];
        v[n++] = second.sampleV()[j++];
      }
    }

    long[] fh = first.histT();
    long[] sh = second.histT();
    long[] ht = new long[fh.length + sh.length];
    byte[][] h = new byte[ht.length][];
    i = 0;
    j = 0;
    int m = 0;
    while (i < fh.length || j < sh.length) {
      if (j == sh.length || (i < fh.length && fh[i] <= sh[j])) {
        if (j < sh.length && fh[i] == sh[j]) {
          j++;
        }
        ht[m] = fh[i];
        h[m++] = first.histograms()[i++];
      } else {
        ht[m] = sh[j];
        h[m++] = second.histograms()[j++];
      }
    }
    return new SeriesData(
        first.labels(),
        Arrays.copyOf(t, n),
        Arrays.copyOf(v, n),
        Arrays.copyOf(ht, m),
        Arrays.copyOf(h, m));
  }
}
