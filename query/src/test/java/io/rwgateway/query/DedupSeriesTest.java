package io.rwgateway.query;

import static io.rwgateway.query.Samples.drain;
import static io.rwgateway.query.Samples.every;
import static io.rwgateway.query.Samples.replica;
import static io.rwgateway.query.Samples.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.rwgateway.model.Labels;
import io.rwgateway.query.DedupSeries.Series;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DedupSeriesTest {
  private static Series series(SampleIterator samples, String... labels) {
    return new Series(Labels.of(labels), samples);
  }

  @Test
  void adjacentSeriesEqualWithoutReplicaLabelsAreMerged() {
    List<Series> in =
        List.of(
            series(replica(0, 1, 10_000, 2), "a", "1", "replica", "x"),
            series(replica(0, 9, 10_000, 9, 20_000, 9, 40_000, 4), "a", "1", "replica", "y"),
            series(replica(5_000, 7), "a", "2", "replica", "x"),
            // Two replica labels; the rule replica has no "replica" label at all.
            series(every(0, 20_000, 10_000, 0), "a", "3", "rule_replica", "r0"),
            series(every(0, 50_000, 10_000, 0.5), "a", "3", "replica", "z"));
    DedupSeries out =
        new DedupSeries(in.iterator(), Set.of("replica", "rule_replica"), DedupMode.PLAIN);

    Series one = out.next();
    assertEquals(Labels.of("a", "1"), one.labels());
    // y's 0 and 10 s are later than or equal to x's; after x ends at 10 s, y's 20 s is within the
    // 2 * 10 s penalty, its 40 s is not.
    assertEquals(List.of(s(0, 1), s(10_000, 2), s(40_000, 4)), drain(one.samples()));

    Series two = out.next();
    assertEquals(Labels.of("a", "2"), two.labels());
    assertEquals(List.of(s(5_000, 7)), drain(two.samples()));

    Series three = out.next();
    assertEquals(Labels.of("a", "3"), three.labels());
    // The first replica ends at 20 s; the other is sought to after 20 + 2 * 10 s, so its 30 and
    // 40 s are skipped.
    assertEquals(
        List.of(s(0, 0), s(10_000, 10), s(20_000, 20), s(50_000, 50.5)), drain(three.samples()));
    assertFalse(out.hasNext());
  }

  @Test
  void seriesWithoutReplicaLabelsAndEmptyInput() {
    DedupSeries none =
        new DedupSeries(List.<Series>of().iterator(), Set.of("replica"), DedupMode.PLAIN);
    assertFalse(none.hasNext());
    DedupSeries plain =
        new DedupSeries(
            List.of(series(replica(1, 1), "a", "1"), series(replica(2, 2), "a", "2")).iterator(),
            Set.of("replica"),
            DedupMode.COUNTER);
    assertEquals(Labels.of("a", "1"), plain.next().labels());
    assertEquals(Labels.of("a", "2"), plain.next().labels());
    assertFalse(plain.hasNext());
  }

  @Test
  void unsortedInputIsNotGroupedAcrossOtherSeries() {
    // Documented precondition: only adjacent series are grouped.
    DedupSeries out =
        new DedupSeries(
            List.of(
                    series(replica(1, 1), "a", "1", "replica", "x"),
                    series(replica(1, 2), "a", "2", "replica", "x"),
                    series(replica(1, 3), "a", "1", "replica", "y"))
                .iterator(),
            Set.of("replica"),
            DedupMode.PLAIN);
    assertEquals(Labels.of("a", "1"), out.next().labels());
    assertEquals(Labels.of("a", "2"), out.next().labels());
    assertEquals(Labels.of("a", "1"), out.next().labels());
    assertFalse(out.hasNext());
  }
}
