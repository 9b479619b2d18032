package io.rwgateway.tsdb;

import io.rwgateway.model.Labels;

/**
 * A stream of series in label order ({@link io.rwgateway.model.LabelOrder}), one at a time: a
 * reader holds one series' chunks, not the whole result. Not thread-safe.
 */
public interface ChunkSeriesSet {
  /** Moves to the next series; false when there are no more. */
  boolean next();

  /** The current series' labels. */
  Labels labels();

  /**
   * The current series' chunks that overlap the querier's time range, in time order. One iterator
   * per series, to be consumed before {@link #next}.
   */
  ChunkIterator chunks();

  /** No series. */
  ChunkSeriesSet EMPTY =
      new ChunkSeriesSet() {
        @Override
        public boolean next() {
          return false;
        }

        @Override
        public Labels labels() {
          throw new IllegalStateException("no series");
        }

        @Override
        public ChunkIterator chunks() {
          throw new IllegalStateException("no series");
        }
      };
}
