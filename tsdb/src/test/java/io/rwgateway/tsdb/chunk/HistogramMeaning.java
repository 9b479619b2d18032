package io.rwgateway.tsdb.chunk;

import java.util.TreeMap;

/**
 * What a native histogram means, without what a chunk may change, as a comparable string: buckets
 * by absolute index with their counts, empty buckets left out (a re-encoded chunk adds them), no
 * reset hint (a chunk keeps only its header). For tests that compare histograms read back from
 * chunks with the ones written.
 */
public final class HistogramMeaning {
  private HistogramMeaning() {}

  /**
   * Buckets by index with their absolute counts, empty buckets left out (a re-encoded chunk adds
   * them), no reset hint (a chunk keeps only its header).
   */
  public static String normal(Histogram h) {
    return "schema="
        + h.schema()
        + " zt="
        + Double.doubleToRawLongBits(h.zeroThreshold())
        + " zc="
        + h.zeroCount()
        + " count="
        + h.count()
        + " sum="
        + Double.doubleToRawLongBits(h.sum())
        + " pos="
        + side(h.positive())
        + " neg="
        + side(h.negative());
  }

  private static TreeMap<Integer, Long> side(Histogram.Buckets b) {
    int[] idx = new int[b.bucketCount()];
    long[] counts = new long[b.bucketCount()];
    int n = b.absolute(idx, counts);
    TreeMap<Integer, Long> m = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      if (counts[i] != 0) {
        m.put(idx[i], counts[i]);
      }
    }
    return m;
  }

  public static String normal(FloatHistogram h) {
    return "schema="
        + h.schema()
        + " zt="
        + Double.doubleToRawLongBits(h.zeroThreshold())
        + " zc="
        + h.zeroCount()
        + " count="
        + h.count()
        + " sum="
        + Double.doubleToRawLongBits(h.sum())
        + " pos="
        + side(h.positive())
        + " neg="
        + side(h.negative());
  }

  private static TreeMap<Integer, Double> side(FloatHistogram.Side s) {
    TreeMap<Integer, Double> m = new TreeMap<>();
    int at = 0;
    int b = 0;
    for (int i = 0; i < s.spanCount(); i++) {
      at += s.spanOffset(i);
      for (int k = 0; k < s.spanLength(i); k++) {
        double c = s.count(b++);
        if (c != 0) {
          m.put(at, c);
        }
        at++;
      }
    }
    return m;
  }
}
