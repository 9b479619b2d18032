package io.rwgateway.tsdb.head;

import static io.rwgateway.tsdb.db.Batches.samples;
import static io.rwgateway.tsdb.db.Batches.series;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.model.Matcher.Type;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.WriteBatch;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HeadQuerierTest {
  private static final long MIN = Long.MIN_VALUE;
  private static final long MAX = Long.MAX_VALUE;

  private final Head head = new Head(100);
  private final HeadQuerier q = new HeadQuerier(head);

  /** Series (name, job, instance?) with samples at the given times. */
  @BeforeEach
  void fill() {
    WriteBatch b = new WriteBatch();
    series(b, "__name__", "up", "job", "api", "instance", "a");
    samples(b, 100, 1, 200, 1);
    series(b, "__name__", "up", "job", "api", "instance", "b");
    samples(b, 300, 1);
    series(b, "__name__", "up", "job", "db");
    samples(b, 100, 0);
    series(b, "__name__", "requests", "job", "api", "instance", "a");
    samples(b, 500, 7, 600, 8);
    series(b, "__name__", "requests", "instance", "c"); // no job label
    samples(b, 50, 1);
    HeadAppender a = new HeadAppender(head, 0);
    a.prepare(b, new Recorder());
    a.commit(b);
  }

  private static Matcher m(String name, Type type, String value) {
    return new Matcher(type, name, value);
  }

  private List<Labels> select(long mint, long maxt, Matcher... ms) {
    List<Labels> out = new ArrayList<>();
    for (SeriesData d : q.select(ms, mint, maxt)) {
      out.add(d.labels());
    }
    return out;
  }

  private static Labels l(String... nv) {
    return Labels.of(nv);
  }

  @Test
  void equalityMatchersIntersectPostings() {
    assertEquals(
        List.of(
            l("__name__", "up", "job", "api", "instance", "a"),
            l("__name__", "up", "job", "api", "instance", "b")),
        select(MIN, MAX, Matcher.eq("__name__", "up"), Matcher.eq("job", "api")));
    assertEquals(
        List.of(), select(MIN, MAX, Matcher.eq("__name__", "up"), Matcher.eq("job", "nope")));
    assertEquals(List.of(), select(MIN, MAX, Matcher.eq("nolabel", "x")));
  }

  @Test
  void matcherForTheEmptyValueSelectsSeriesWithoutTheLabel() {
    assertEquals(
        List.of(l("__name__", "requests", "instance", "c")),
        select(MIN, MAX, m("job", Type.EQ, "")));
    assertEquals(
        List.of(l("__name__", "up", "job", "db")), select(MIN, MAX, m("instance", Type.EQ, "")));
  }

  @Test
  void notEqualAndRegexMatchers() {
    assertEquals(
        List.of(l("__name__", "requests", "instance", "c"), l("__name__", "up", "job", "db")),
        select(MIN, MAX, m("job", Type.NEQ, "api")),
        "!= also selects series without the label");
    assertEquals(4, select(MIN, MAX, m("job", Type.NEQ, "")).size());
    assertEquals(
        List.of(
            l("__name__", "requests", "instance", "a", "job", "api"),
            l("__name__", "up", "instance", "a", "job", "api"),
            l("__name__", "up", "instance", "b", "job", "api")),
        select(MIN, MAX, m("job", Type.RE, "a.*")));
    assertEquals(
        List.of(l("__name__", "requests", "instance", "c"), l("__name__", "up", "job", "db")),
        select(MIN, MAX, m("job", Type.NRE, "a.*")));
    assertEquals(5, select(MIN, MAX, m("job", Type.RE, ".*")).size(), "matches empty: everything");
    assertEquals(
        List.of(l("__name__", "requests", "instance", "c")),
        select(MIN, MAX, m("__name__", Type.EQ, "requests"), m("job", Type.RE, "|db")));
    assertEquals(
        List.of(l("__name__", "up", "instance", "b", "job", "api")),
        select(MIN, MAX, m("__name__", Type.EQ, "up"), m("instance", Type.NRE, "a|")));
    assertEquals(5, select(MIN, MAX).size(), "no matchers select all series");
  }

  @Test
  void timeRangesFilterSeriesAndSamples() {
    assertEquals(
        List.of(l("__name__", "up", "instance", "b", "job", "api")),
        select(250, 400, Matcher.eq("__name__", "up")));
    List<SeriesData> d =
        q.select(
            new Matcher[] {Matcher.eq("__name__", "up"), Matcher.eq("instance", "a")}, 150, 1000);
    assertEquals(1, d.size());
    assertEquals(1, d.get(0).sampleCount());
    assertEquals(200, d.get(0).sampleT()[0]);
    // Overlapping min/max but no sample inside: not returned by select.
    assertEquals(
        List.of(), select(150, 190, Matcher.eq("__name__", "up"), Matcher.eq("instance", "a")));
    assertEquals(List.of(), select(601, MAX));
  }

  @Test
  void labelNamesValuesAndSeries() {
    assertEquals(List.of("__name__", "instance", "job"), q.labelNames(List.of(), MIN, MAX));
    assertEquals(
        List.of("__name__", "job"),
        q.labelNames(List.<Matcher[]>of(new Matcher[] {Matcher.eq("job", "db")}), MIN, MAX));
    assertEquals(List.of("__name__", "instance", "job"), q.labelNames(List.of(), 250, 350));
    assertEquals(List.of("__name__", "instance"), q.labelNames(List.of(), 0, 60));
    assertEquals(List.of("api", "db"), q.labelValues("job", List.of(), MIN, MAX));
    assertEquals(List.of("api"), q.labelValues("job", List.of(), 400, MAX));
    assertEquals(
        List.of("a", "c"),
        q.labelValues(
            "instance",
            List.<Matcher[]>of(new Matcher[] {Matcher.eq("__name__", "requests")}),
            MIN,
            MAX));
    assertEquals(List.of(), q.labelValues("nope", List.of(), MIN, MAX));

    List<Matcher[]> union =
        List.of(
            new Matcher[] {Matcher.eq("job", "db")}, new Matcher[] {Matcher.eq("instance", "c")});
    assertEquals(
        List.of(l("__name__", "requests", "instance", "c"), l("__name__", "up", "job", "db")),
        q.series(union, MIN, MAX));
    assertEquals(List.of(l("__name__", "up", "job", "db")), q.series(union, 60, MAX));
    assertEquals(5, q.series(List.of(), MIN, MAX).size());
  }
}
