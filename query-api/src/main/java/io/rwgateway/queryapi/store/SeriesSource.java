package io.rwgateway.queryapi.store;

/** A stream of served series, strictly ascending by their final labels. */
interface SeriesSource {
  /** The next series, or null when there are no more. */
  OutSeries next();
}
