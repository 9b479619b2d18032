package io.rwgateway.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.db.QueryData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Head answers that must agree with the block querier's: UTF-8 byte order, not Java's UTF-16 order
 * (the two differ when U+E000..U+FFFF meets a character above U+FFFF), and nothing for an inverted
 * time range.
 */
class HeadQuerierConsistencyTest {
  private static final String FULLWIDTH_A = "\uFF21";
  private static final String SMILE = "\uD83D\uDE00";

  @Test
  void namesValuesAndSeriesComeInUtf8ByteOrder() {
    assertTrue(SMILE.compareTo(FULLWIDTH_A) < 0, "Java puts the supplementary character first");
    Head head = new Head(10);
    List<QueryData.Series> data = new ArrayList<>();
    for (String v : List.of(SMILE, FULLWIDTH_A, "z")) {
      data.add(QueryData.Series.of(Labels.of("__name__", v, "v", v), new long[] {1}, 1.0));
      data.add(QueryData.Series.of(Labels.of("__name__", "m", v, "x"), new long[] {1}, 1.0));
    }
    QueryData.append(head, data);
    HeadQuerier q = new HeadQuerier(head);
    long min = Long.MIN_VALUE;
    long max = Long.MAX_VALUE;

    assertEquals(List.of("z", FULLWIDTH_A, SMILE), q.labelValues("v", List.of(), min, max));
    assertEquals(
        List.of("z", FULLWIDTH_A, SMILE),
        q.labelValues(
            "v",
            List.<Matcher[]>of(new Matcher[] {new Matcher(Matcher.Type.RE, "v", ".+")}),
            min,
            max));
    assertEquals(
        List.of("__name__", "v", "z", FULLWIDTH_A, SMILE), q.labelNames(List.of(), min, max));
    List<Labels> series = q.series(List.of(), min, max);
    assertEquals(
        List.of(
            Labels.of("__name__", "m", "z", "x"),
            Labels.of("__name__", "m", FULLWIDTH_A, "x"),
            Labels.of("__name__", "m", SMILE, "x"),
            Labels.of("__name__", "z", "v", "z"),
            Labels.of("__name__", FULLWIDTH_A, "v", FULLWIDTH_A),
            Labels.of("__name__", SMILE, "v", SMILE)),
        series);
    List<Labels> selected = new ArrayList<>();
    for (SeriesData d :
        q.select(new Matcher[] {new Matcher(Matcher.Type.NEQ, "v", "")}, min, max)) {
      selected.add(d.labels());
    }
    assertEquals(series.subList(3, 6), selected);
  }

  @Test
  void anInvertedRangeSelectsNothing() {
    Head head = new Head(10);
    QueryData.append(
        head,
        List.of(QueryData.Series.of(Labels.of("__name__", "m"), new long[] {100, 300}, 1, 2)));
    HeadQuerier q = new HeadQuerier(head);
    // [200, 250] and [250, 200]: the series' min/max overlaps both, but no sample lies in either.
    assertEquals(
        List.of(Labels.of("__name__", "m")),
        q.series(List.of(), 200, 250),
        "min/max overlap counts");
    assertEquals(List.of(), q.series(List.of(), 250, 200));
    assertEquals(List.of(), q.labelNames(List.of(), 250, 200));
    assertEquals(List.of(), q.labelValues("__name__", List.of(), 250, 200));
    assertEquals(List.of(), q.select(new Matcher[0], 250, 200));
  }
}
