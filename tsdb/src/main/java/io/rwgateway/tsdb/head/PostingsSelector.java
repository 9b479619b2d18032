package io.rwgateway.tsdb.head;

import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.postings.PostingsIndex;
import io.rwgateway.tsdb.postings.PostingsSelection;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The head's label index as a {@link PostingsIndex}, so that the head selects series with the same
 * {@link PostingsSelection} rules as blocks. Series references are the head's int refs.
 */
final class PostingsSelector implements PostingsIndex {
  private final Head head;

  private PostingsSelector(Head head) {
    this.head = head;
  }

  /** Refs of the series every matcher accepts, ascending. */
  static int[] select(Head head, Matcher[] matchers) {
    return toInts(PostingsSelection.select(new PostingsSelector(head), matchers));
  }

  /** Refs of the series any selector selects, ascending (none: every series). */
  static int[] selectUnion(Head head, List<Matcher[]> selectors) {
    return toInts(PostingsSelection.selectUnion(new PostingsSelector(head), selectors));
  }

  @Override
  public long[] postings(String name, String value) {
    Postings p = head.index.get(name, value);
    return p == null ? new long[0] : toLongs(p.snapshot());
  }

  @Override
  public Collection<String> labelValues(String name) {
    Map<String, Postings> values = head.index.values(name);
    return values == null ? List.of() : values.keySet();
  }

  @Override
  public long[] seriesRefs() {
    return toLongs(allRefs(head));
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

  private static long[] toLongs(int[] refs) {
    long[] out = new long[refs.length];
    for (int i = 0; i < refs.length; i++) {
      out[i] = refs[i];
    }
    return out;
  }

  private static int[] toInts(long[] refs) {
    int[] out = new int[refs.length];
    for (int i = 0; i < refs.length; i++) {
      out[i] = (int) refs[i];
    }
    return out;
  }
}
