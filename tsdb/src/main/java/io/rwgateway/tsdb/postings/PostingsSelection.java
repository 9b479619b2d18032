package io.rwgateway.tsdb.postings;

import io.rwgateway.model.Matcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Resolves matchers to the ascending references of the series they select, with Prometheus'
 * semantics, for any {@link PostingsIndex} (head or block, so the two never diverge):
 *
 * <ul>
 *   <li>a matcher that cannot match the empty string selects through postings: the union of the
 *       postings of the values it accepts; several such matchers intersect;
 *   <li>a matcher that matches "" also selects series that lack the label, so it only removes the
 *       series whose value it rejects;
 *   <li>no matcher of the first kind means "start from every series".
 * </ul>
 *
 * A matcher for a finite set of values ({@code =}, or {@code =~} over literals such as {@code
 * a|b|c}) looks those values up directly instead of testing every value of the label.
 */
public final class PostingsSelection {
  private PostingsSelection() {}

  /** The series that every matcher accepts. */
  public static long[] select(PostingsIndex index, Matcher[] matchers) {
    long[] result = null;
    boolean hasNegative = false;
    for (Matcher m : matchers) {
      if (m.matchesEmpty()) {
        hasNegative = true;
        continue;
      }
      long[] p = positive(index, m);
      result = result == null ? p : intersect(result, p);
      if (result.length == 0) {
        return result;
      }
    }
    if (result == null) {
      result = index.seriesRefs();
    }
    if (!hasNegative) {
      return result;
    }
    List<long[]> excluded = new ArrayList<>();
    for (Matcher m : matchers) {
      if (!m.matchesEmpty()) {
        continue;
      }
      for (String v : index.labelValues(m.name())) {
        if (!m.matches(v)) {
          excluded.add(index.postings(m.name(), v));
        }
      }
    }
    return subtract(result, unionAll(excluded));
  }

  /** The union of what each selector selects (an empty list is every series). */
  public static long[] selectUnion(PostingsIndex index, List<Matcher[]> selectors) {
    if (selectors.isEmpty()) {
      return index.seriesRefs();
    }
    long[] out = select(index, selectors.get(0));
    for (int i = 1; i < selectors.size(); i++) {
      out = union(out, select(index, selectors.get(i)));
    }
    return out;
  }

  /** Union of the postings of every value of the label that the matcher accepts. */
  private static long[] positive(PostingsIndex index, Matcher m) {
    List<long[]> lists = new ArrayList<>();
    Set<String> values = m.matchedValues();
    if (values != null) {
      for (String v : values) {
        lists.add(index.postings(m.name(), v));
      }
    } else {
      for (String v : index.labelValues(m.name())) {
        if (m.matches(v)) {
          lists.add(index.postings(m.name(), v));
        }
      }
    }
    return unionAll(lists);
  }

  /**
   * Union of many ascending lists. NOTE: one sort of the concatenation rather than pairwise merges,
   * which would be quadratic for a regex accepting thousands of values.
   */
  static long[] unionAll(List<long[]> lists) {
    if (lists.isEmpty()) {
      return new long[0];
    }
    if (lists.size() == 1) {
      return lists.get(0);
    }
    int total = 0;
    for (long[] l : lists) {
      total += l.length;
    }
    long[] all = new long[total];
    int n = 0;
    for (long[] l : lists) {
      System.arraycopy(l, 0, all, n, l.length);
      n += l.length;
    }
    Arrays.sort(all);
    int m = 0;
    for (int i = 0; i < all.length; i++) {
      if (m == 0 || all[i] != all[m - 1]) {
        all[m++] = all[i];
      }
    }
    return m == all.length ? all : Arrays.copyOf(all, m);
  }

  static long[] intersect(long[] a, long[] b) {
    long[] out = new long[Math.min(a.length, b.length)];
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

  static long[] union(long[] a, long[] b) {
    if (a.length == 0) {
      return b;
    }
    if (b.length == 0) {
      return a;
    }
    long[] out = new long[a.length + b.length];
    int i = 0;
    int j = 0;
    int n = 0;
    while (i < a.length || j < b.length) {
      long x;
      if (j == b.length || (i < a.length && a[i] < b[j])) {
        x = a[i++];
      } else if (i == a.length || b[j] < a[i]) {
        x = b[j++];
      } else {
        x = a[i++];
        j++;
      }
      out[n++] = x;
    }
    return Arrays.copyOf(out, n);
  }

  /** What is in {@code a} but not in {@code b}; both ascending. */
  static long[] subtract(long[] a, long[] b) {
    long[] out = new long[a.length];
    int j = 0;
    int n = 0;
    for (long x : a) {
      while (j < b.length && b[j] < x) {
        j++;
      }
      if (j == b.length || b[j] != x) {
        out[n++] = x;
      }
    }
    return Arrays.copyOf(out, n);
  }
}
