package io.rwgateway.sidecar;

/** A pull stream of whole series. */
interface SeriesSource {
  /** The next series, or null when there are no more. */
  ReadSeries next();
}
