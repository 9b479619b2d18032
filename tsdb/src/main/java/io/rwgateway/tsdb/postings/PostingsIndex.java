package io.rwgateway.tsdb.postings;

import java.util.Collection;

/**
 * What selecting series by matchers needs from an index: the head's in-memory one and a block's
 * index file both offer it, so that {@link PostingsSelection} is the one place the selection rules
 * live.
 */
public interface PostingsIndex {
  /** Ascending references of the series whose label {@code name} is {@code value}; may be empty. */
  long[] postings(String name, String value);

  /** Every value label {@code name} has in this index, in any order; empty when it has none. */
  Collection<String> labelValues(String name);

  /** Ascending references of every series. */
  long[] seriesRefs();
}
