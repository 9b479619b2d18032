package io.rwgateway.promql.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.promql.parser.PromqlParser;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.DataUnavailableException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The engine's own checks with answers worked out by hand; the differential test against a real
 * Prometheus (gateway module) is the oracle for everything else.
 */
class EngineTest {
  private static final long STEP = 15_000;

  /** Counters scraped every 15 s for 10 minutes: job a counts 0, 1, 2...; job b twice that. */
  private static MemorySource data() {
    MemorySource src = new MemorySource();
    int n = 41; // 0 .. 600 s
    long[] t = new long[n];
    double[] a = new double[n];
    double[] b = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = i * STEP;
      a[i] = i;
      b[i] = 2 * i;
    }
    src.add(Labels.of("__name__", "req", "job", "a", "instance", "1"), t, a);
    src.add(Labels.of("__name__", "req", "job", "b", "instance", "1"), t, b);
    src.add(Labels.of("__name__", "limit", "job", "a"), new long[] {0}, new double[] {100});
    src.add(Labels.of("__name__", "limit", "job", "b"), new long[] {0}, new double[] {200});
    // A series that went stale at 120 s.
    src.add(
        Labels.of("__name__", "gone", "job", "a"),
        new long[] {0, 60_000, 120_000},
        new double[] {1, 2, Double.longBitsToDouble(RawSeries.STALE_NAN_BITS)});
    return src;
  }

  private static Map<Labels, Double> instant(MemorySource src, String q, long t) {
    QueryResult r =
        new Engine(Engine.Options.DEFAULTS).instant(src, PromqlParser.parse(q), t, 10_000);
    Map<Labels, Double> out = new HashMap<>();
    for (QueryResult.Sample s : ((QueryResult.Vector) r).samples()) {
      out.put(s.labels(), s.v());
    }
    return out;
  }

  @Test
  void selectorTakesTheLatestSampleWithinTheLookback() {
    MemorySource src = data();
    assertEquals(
        Map.of(Labels.of("__name__", "req", "job", "a", "instance", "1"), 20.0),
        instant(src, "req{job=\"a\"}", 300_000 + 14_999));
    // The last sample is at 600 s: seen until exactly 600 s + 5 m, not a millisecond later.
    assertEquals(2, instant(src, "req", 900_000).size());
    assertEquals(0, instant(src, "req", 900_001).size());
    // A staleness marker ends the series at once.
    assertEquals(1, instant(src, "gone", 119_999).size());
    assertEquals(0, instant(src, "gone", 130_000).size());
    assertEquals(src.opened, src.closed, "every querier closed");
  }

  @Test
  void rateExtrapolatesAndDropsTheName() {
    MemorySource src = data();
    Map<Labels, Double> r = instant(src, "rate(req[1m])", 300_000);
    // Samples at 240..300 s: 4 increments over 60 s, both edges on a sample: 4 / 60.
    assertEquals(4.0 / 60, r.get(Labels.of("job", "a", "instance", "1")), 1e-12);
    assertEquals(8.0 / 60, r.get(Labels.of("job", "b", "instance", "1")), 1e-12);
    assertEquals(
        Map.of(Labels.of("job", "a"), 4.0 / 60, Labels.of("job", "b"), 8.0 / 60),
        instant(src, "sum by (job) (rate(req[1m]))", 300_000));
  }

  @Test
  void vectorMatchingAndItsErrors() {
    MemorySource src = data();
    Map<Labels, Double> r = instant(src, "req / on(job) group_left limit", 150_000);
    assertEquals(0.1, r.get(Labels.of("job", "a", "instance", "1")), 1e-12);
    assertEquals(0.1, r.get(Labels.of("job", "b", "instance", "1")), 1e-12);
    // One-to-one without group_left: both sides keep only "job".
    assertEquals(
        Map.of(Labels.of("job", "a"), 0.1, Labels.of("job", "b"), 0.1),
        instant(src, "req / on(job) limit", 150_000));
    QueryException e =
        assertThrows(QueryException.class, () -> instant(src, "limit / on() req", 150_000));
    assertEquals(QueryException.Kind.EXECUTION, e.kind());
    assertTrue(e.getMessage().contains("many-to-many matching not allowed"), e.getMessage());
    assertEquals(src.opened, src.closed, "every querier closed after an error too");
  }

  @Test
  void rangeQueryIsSortedAndMergesSeriesOfTheSameLabels() {
    MemorySource src = data();
    QueryResult r =
        new Engine(Engine.Options.DEFAULTS)
            .range(
                src,
                PromqlParser.parse("sum without (instance) (req)"),
                0,
                600_000,
                60_000,
                10_000);
    List<QueryResult.Series> series = ((QueryResult.Matrix) r).series();
    assertEquals(2, series.size());
    assertEquals(Labels.of("job", "a"), series.get(0).labels());
    assertEquals(11, series.get(0).t().length);
    assertEquals(40.0, series.get(0).v()[10]);
    assertEquals(80.0, series.get(1).v()[10]);
  }

  @Test
  void aCanceledQueryStopsAndClosesWhatItRead() {
    MemorySource src = new MemorySource();
    for (int i = 0; i < 200; i++) {
      src.add(
          Labels.of("__name__", "m", "i", Integer.toString(i)), new long[] {0}, new double[] {i});
    }
    QueryException e =
        assertThrows(
            QueryException.class,
            () ->
                new Engine(Engine.Options.DEFAULTS)
                    .range(
                        src, PromqlParser.parse("sum(m)"), 0, 60_000, 15_000, 10_000, () -> true));
    assertEquals(QueryException.Kind.CANCELED, e.kind());
    assertEquals("query was canceled in expression evaluation", e.getMessage());
    assertEquals(src.opened, src.closed);
  }

  @Test
  void aSourceThatCannotBeReadNowIsUnavailable() {
    // A sidecar's Prometheus or a proxy's store that is down: 503, which a client retries.
    QuerierSource down =
        (mint, maxt) ->
            new ChunkQuerier() {
              @Override
              public ChunkSeriesSet select(Matcher... matchers) {
                throw new DataUnavailableException("prometheus at http://127.0.0.1:1 is down");
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
              public long mint() {
                return mint;
              }

              @Override
              public long maxt() {
                return maxt;
              }

              @Override
              public void close() {}
            };
    QueryException e =
        assertThrows(
            QueryException.class,
            () ->
                new Engine(Engine.Options.DEFAULTS)
                    .instant(down, PromqlParser.parse("sum(up)"), 0, 10_000));
    assertEquals(QueryException.Kind.UNAVAILABLE, e.kind());
    assertEquals("prometheus at http://127.0.0.1:1 is down", e.getMessage());
  }

  @Test
  void tooManySamplesIsAnExecutionError() {
    MemorySource src = data();
    Engine small = new Engine(new Engine.Options(300_000, 10, 60_000));
    QueryException e =
        assertThrows(
            QueryException.class,
            () -> small.range(src, PromqlParser.parse("req"), 0, 600_000, 15_000, 10_000));
    assertEquals(QueryException.Kind.EXECUTION, e.kind());
    assertEquals(QueryContext.TOO_MANY_SAMPLES, e.getMessage());
  }
}
