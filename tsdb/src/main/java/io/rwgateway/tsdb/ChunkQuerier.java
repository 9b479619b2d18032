package io.rwgateway.tsdb;

import io.rwgateway.model.Matcher;
import java.util.List;

/**
 * A streaming reader of the chunks in one time range [mint, maxt] (inclusive ms), holding leases on
 * what it reads (blocks, head chunk files) until {@link #close}: block cuts, head truncation and
 * retention wait for the leases before they delete anything, so a reader never sees data vanish
 * under it and never needs to retry. Close it promptly: a lease held for long keeps deleted blocks
 * on disk.
 *
 * <p>Matchers follow {@link Matcher}'s rules (RE2, a missing label matches as ""); a series is
 * returned when all matchers accept it and it has a chunk overlapping the range.
 */
public interface ChunkQuerier extends AutoCloseable {
  /** The series every matcher accepts, in label order, with their chunks in the range. */
  ChunkSeriesSet select(Matcher... matchers);

  /**
   * The same series as {@link #select}, for a caller that needs their labels only (the StoreAPI's
   * {@code skip_chunks}, the series endpoint): {@link ChunkSeriesSet#chunks} must not be called,
   * and a querier may skip reading chunks. A series is still returned only if it has data that
   * meets the range by its chunks' or its own time bounds.
   */
  default ChunkSeriesSet selectSeries(Matcher... matchers) {
    return select(matchers);
  }

  /**
   * Label names of the series every matcher accepts (no matcher: of every series) that have data in
   * the range, sorted in UTF-8 byte order.
   */
  List<String> labelNames(Matcher... matchers);

  /**
   * Values of label {@code name} over the series every matcher accepts (no matcher: every series)
   * that have data in the range, sorted in UTF-8 byte order; never the empty value.
   */
  List<String> labelValues(String name, Matcher... matchers);

  /**
   * Problems the reads met without failing (a store left out of a proxy's answer under partial
   * response), for the answer's {@code warnings}; valid after {@link #close} too. Local data has
   * none.
   */
  default List<String> warnings() {
    return List.of();
  }

  /** First millisecond of the range, inclusive. */
  long mint();

  /** Last millisecond of the range, inclusive. */
  long maxt();

  /**
   * {@code matchers} as the list-returning {@link Querier}'s selectors: none is no selector (every
   * series), else one selector. For implementations that answer label calls through it.
   */
  static List<Matcher[]> asSelectors(Matcher... matchers) {
    return matchers.length == 0 ? List.of() : List.<Matcher[]>of(matchers);
  }

  /** A querier over [mint, maxt] that selects nothing and holds nothing (an unknown tenant). */
  static ChunkQuerier empty(long mint, long maxt) {
    return new Empty(mint, maxt);
  }

  /** See {@link #empty}. */
  record Empty(long mint, long maxt) implements ChunkQuerier {
    @Override
    public ChunkSeriesSet select(Matcher... matchers) {
      return ChunkSeriesSet.EMPTY;
    }

    @Override
    public List<String> labelNames(Matcher... matchers) {
      return List.of();
    }

    @Override
    public List<String> labelValues(String name, Matcher... matchers) {
      return List.of();
    }

    @Override
    public void close() {}
  }

  /** Releases the leases; the sets this querier returned must not be used afterwards. */
  @Override
  void close();
}
