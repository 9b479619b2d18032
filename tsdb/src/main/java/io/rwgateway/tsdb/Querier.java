package io.rwgateway.tsdb;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import java.util.List;

/**
 * Read access to one tenant's data (the head now; head plus local blocks later). Safe to call from
 * any thread while the tenant's writer appends. Time bounds are inclusive milliseconds; {@link
 * Long#MIN_VALUE}/{@link Long#MAX_VALUE} mean unbounded.
 *
 * <p>A selector is an array of matchers that must all match; a list of selectors is their union (as
 * {@code match[]} is in the Prometheus HTTP API). An empty list selects every series.
 */
public interface Querier {
  /** Label names of the selected series that have samples in [mint, maxt], sorted. */
  List<String> labelNames(List<Matcher[]> selectors, long mint, long maxt);

  /** Values of label {@code name} over the selected series with samples in [mint, maxt], sorted. */
  List<String> labelValues(String name, List<Matcher[]> selectors, long mint, long maxt);

  /** The selected series with samples in [mint, maxt], sorted by labels. */
  List<Labels> series(List<Matcher[]> selectors, long mint, long maxt);

  /** Samples of the series matching all {@code matchers} in [mint, maxt], sorted by labels. */
  List<SeriesData> select(Matcher[] matchers, long mint, long maxt);
}
