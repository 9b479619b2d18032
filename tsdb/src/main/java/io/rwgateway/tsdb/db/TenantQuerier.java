package io.rwgateway.tsdb.db;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.Querier;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.head.Head;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A tenant's {@link Querier}: each call reads the block list and the head as one consistent view.
 *
 * <p>NOTE: why. A block cut publishes the new block and then truncates the head. A call that took
 * the block list before the new block appeared and read the head after the truncation began would
 * miss the samples that moved (up to a whole block range of recent data, silently). Every call
 * therefore notes {@link Head#truncations()} before taking the block list and checks it after
 * reading: if a truncation started meanwhile, the call runs again on the new list. A cut comes once
 * per block range (2 h by default) and a call takes milliseconds, so a retry is rare and a second
 * one rarer still. Prometheus solves the same race by making truncation wait for open queriers; our
 * calls return materialized results, so checking afterwards is simpler and never delays a cut. A
 * call that failed while a truncation started runs again the same way.
 */
final class TenantQuerier implements Querier {
  private final Head head;
  private final Supplier<Querier> current;

  TenantQuerier(Head head, Supplier<Querier> current) {
    this.head = head;
    this.current = current;
  }

  private <R> R consistent(Function<Querier, R> call) {
    while (true) {
      long before = head.truncations();
      R result;
      try {
        result = call.apply(current.get());
      } catch (RuntimeException e) {
        // A read that outlived two truncations can find a head chunk file deleted under it
        // (HeadChunks closes a segment one truncation after its last chunk went); the new view
        // does not need that file. Any other failure is the caller's.
        if (head.truncations() != before) {
          continue;
        }
        throw e;
      }
      if (head.truncations() == before) {
        return result;
      }
    }
  }

  @Override
  public List<String> labelNames(List<Matcher[]> selectors, long mint, long maxt) {
    return consistent(q -> q.labelNames(selectors, mint, maxt));
  }

  @Override
  public List<String> labelValues(String name, List<Matcher[]> selectors, long mint, long maxt) {
    return consistent(q -> q.labelValues(name, selectors, mint, maxt));
  }

  @Override
  public List<Labels> series(List<Matcher[]> selectors, long mint, long maxt) {
    return consistent(q -> q.series(selectors, mint, maxt));
  }

  @Override
  public List<SeriesData> select(Matcher[] matchers, long mint, long maxt) {
    return consistent(q -> q.select(matchers, mint, maxt));
  }
}
