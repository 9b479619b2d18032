package io.rwgateway.tsdb.head;

import io.rwgateway.model.Matcher;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;

/**
 * Resolves matchers to the sorted refs of the series they select, with Prometheus' semantics:
 * matchers that cannot match the empty string select through postings (intersected, smallest first
 * in effect); matchers that match "" also select series lacking the label, so they only remove
 * series whose value for the label does not match.
 */
final class PostingsSelector {
  private PostingsSelector() {}

  static int[] select(Head head, Matcher[] matchers) {
    int[] result = null;
    boolean hasNegative = false;
    for (Matcher m : matchers) {
      if (m.matchesEmpty()) {
        hasNegative = true;
        continue;
      }
      int[] p = positive(head, m);
      result = result == null ? p : intersect(result, p);
      if (result.length == 0) {
        return result;
      }
    }
    if (result == null) {
      result = allRefs(head);
    }
    if (!hasNegative) {
      return result;
    }
    BitSet excluded = new BitSet();
    for (Matcher m : matchers) {
      if (!m.matchesEmpty()) {
        continue;
      }
      Map<String, Postings> values = head.index.values(m.name());
      if (values == null) {
        continue;
      }
      for (Map.Entry<String, Postings> e : values.entrySet()) {
        if (!m.matches(e.getKey())) {
          for (int r : e.getValue().snapshot()) {
            excluded.set(r);
          }
        }
      }
    }
    int n = 0;
    for (int r : result) {
      if (!excluded.get(r)) {
        result[n++] = r;
      }
    }
    return Arrays.copyOf(result, n);
  }

  /** Union of the postings of every value of the label that the matcher accepts. */
  private static int[] positive(Head head, Matcher m) {
    if (m.type() == Matcher.Type.EQ) {
      Postings p = head.index.get(m.name(), m.value());
      return p == null ? new int[0] : p.snapshot();
    }
    Map<String, Postings> values = head.index.values(m.name());
    if (values == null) {
      return new int[0];
    }
    BitSet union = new BitSet();
    for (Map.Entry<String, Postings> e : values.entrySet()) {
      if (m.matches(e.getKey())) {
        for (int r : e.getValue().snapshot()) {
          union.set(r);
        }
      }
    }
    return union.stream().toArray();
  }

  static int[] allRefs(Head head) {
    int max = head.maxRef();
    int[] out = new int[head.seriesCount()];
    int n = 0;
    for (int r = 1; r <= max && n < out.length; r++) {
      if (head.series(r) != null) {
        out[n++] = r;
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  static int[] intersect(int[] a, int[] b) {
    int[] out = new int[Math.min(a.length, b.length)];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < a.length && j < b.length) {
      if (a[i] < b[j]) {
        i++;
      } else if (a[i] > b[j]) {
        j++;
      } else {
        out[n++] = a[i];
        i++;
        j++;
      }
    }
    return Arrays.copyOf(out, n);
  }
}
