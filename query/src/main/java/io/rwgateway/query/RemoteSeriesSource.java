package io.rwgateway.query;

import java.util.List;

/** One endpoint's series in the order the merge reads them. */
interface RemoteSeriesSource {
  /**
   * Whether there is another series; blocks until the endpoint sent it or ended.
   *
   * @throws RuntimeException when the endpoint's call failed
   */
  boolean hasNext();

  RemoteSeries next();

  /** Warnings the endpoint sent so far. */
  List<String> warnings();
}
