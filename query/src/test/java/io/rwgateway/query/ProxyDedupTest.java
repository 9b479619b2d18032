package io.rwgateway.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.query.FakeStore.TestChunk;
import io.rwgateway.query.FakeStore.TestSeries;
import io.rwgateway.query.Results.Decoded;
import io.rwgateway.query.Results.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Deduplication through the proxy, against real gRPC servers that do not remove replica labels
 * themselves (so the proxy re-sorts their answers).
 */
class ProxyDedupTest {
  private static final Matcher UP = Matcher.eq("__name__", "up");
  private static final Labels A = Labels.of("replica", "a");
  private static final Labels B = Labels.of("replica", "b");
  private static final ProxyRequest DEDUP =
      new ProxyRequest(false, true, Set.of("replica"), List.of());

  private static Labels up(String job, String replica) {
    return Labels.of("__name__", "up", "job", job, "replica", replica);
  }

  /**
   * Samples every 15 s over [from, to], value t/1000 (a counter), leaving out [holeFrom, holeTo].
   */
  private static List<TestChunk> every15s(long from, long to, long holeFrom, long holeTo) {
    List<Long> ts = new ArrayList<>();
    for (long t = from; t <= to; t += 15_000) {
      if (t < holeFrom || t > holeTo) {
        ts.add(t);
      }
    }
    List<TestChunk> out = new ArrayList<>();
    for (int i = 0; i < ts.size(); i += 120) {
      List<Long> part = ts.subList(i, Math.min(ts.size(), i + 120));
      long[] t = part.stream().mapToLong(Long::longValue).toArray();
      double[] v = part.stream().mapToDouble(x -> x / 1000.0).toArray();
      out.add(new TestChunk(t, v));
    }
    return out;
  }

  private static List<Long> times(Result r) {
    List<Long> out = new ArrayList<>();
    for (Decoded d : r.chunks()) {
      out.addAll(d.times());
    }
    return out;
  }

  private static List<Result> read(EndpointSet set, ProxyRequest req, String function) {
    try (ProxyChunkQuerier q =
        new ProxyChunkQueryable(set, false).chunkQuerier(req, 0, 10_000_000, function)) {
      List<Result> r = Results.read(q.select(UP));
      assertTrue(q.warnings().isEmpty(), q.warnings().toString());
      return r;
    }
  }

  @Test
  void replicasBecomeOneSeriesWithoutGapWhenTheSecondMissesAMinute() throws Exception {
    // 3,000 s: 201 samples, so more than one chunk comes out of the merge.
    try (FakeStore a =
            new FakeStore(
                List.of(A),
                0,
                10_000_000,
                List.of(new TestSeries(up("x", "a"), every15s(0, 3_000_000, -1, -1))));
        FakeStore b =
            new FakeStore(
                List.of(B),
                0,
                10_000_000,
                List.of(
                    new TestSeries(up("x", "b"), every15s(0, 3_000_000, 600_000, 660_000)),
                    new TestSeries(up("y", "b"), every15s(0, 30_000, -1, -1))));
        EndpointSet set = Results.endpointSet(b, a)) {
      List<Result> r = read(set, DEDUP, null);
      assertEquals(
          List.of(Labels.of("__name__", "up", "job", "x"), Labels.of("__name__", "up", "job", "y")),
          Results.labels(r));
      List<Long> expected = new ArrayList<>();
      for (long t = 0; t <= 3_000_000; t += 15_000) {
        expected.add(t);
      }
      assertEquals(expected, times(r.get(0)), "replica a is complete and read first");
      assertEquals(
          List.of(120, 81), r.get(0).chunks().stream().map(d -> d.times().size()).toList());
      for (Decoded d : r.get(0).chunks()) {
        assertEquals(d.times().get(0), d.min());
        assertEquals(d.times().get(d.times().size() - 1), d.max());
      }
      assertEquals(List.of(0L, 15_000L, 30_000L), times(r.get(1)), "a group of one");

      // dedup=false shows both replicas with their labels.
      ProxyRequest noDedup = new ProxyRequest(false, false, Set.of("replica"), List.of());
      List<Result> raw = read(set, noDedup, null);
      assertEquals(List.of(up("x", "a"), up("x", "b"), up("y", "b")), Results.labels(raw));

      // Label names and values: a deduplicated view has no replica label.
      ProxyChunkQueryable proxy = new ProxyChunkQueryable(set, false);
      try (ProxyChunkQuerier q = proxy.chunkQuerier(DEDUP, 0, 10_000_000, null)) {
        assertEquals(List.of("__name__", "job"), q.labelNames());
        assertEquals(List.of(), q.labelValues("replica"));
        assertEquals(List.of("x", "y"), q.labelValues("job"));
      }
      try (ProxyChunkQuerier q = proxy.chunkQuerier(noDedup, 0, 10_000_000, null)) {
        assertEquals(List.of("__name__", "job", "replica"), q.labelNames());
        assertEquals(List.of("a", "b"), q.labelValues("replica"));
      }
    }
  }

  @Test
  void aGapInTheFirstReplicaIsFilledFromTheSecondAfterThePenalty() throws Exception {
    try (FakeStore a =
            new FakeStore(
                List.of(A),
                0,
                10_000_000,
                List.of(new TestSeries(up("x", "a"), every15s(0, 300_000, 120_000, 180_000))));
        FakeStore b =
            new FakeStore(
                List.of(B),
                0,
                10_000_000,
                List.of(new TestSeries(up("x", "b"), every15s(0, 300_000, -1, -1))));
        EndpointSet set = Results.endpointSet(a, b)) {
      List<Long> got = times(read(set, DEDUP, null).get(0));
      // a's last sample before its gap is 105 s; b is read from 105 + 1 + 2 * 15 s on, so 120
      // and 135 s are skipped (Thanos' penalty), then the merge stays on b.
      List<Long> expected = new ArrayList<>();
      for (long t = 0; t <= 300_000; t += 15_000) {
        if (t != 120_000 && t != 135_000) {
          expected.add(t);
        }
      }
      assertEquals(expected, got);
    }
  }

  @Test
  void counterFunctionsShiftALowerReplicaUp() throws Exception {
    // b's counter restarted: it is 1000 lower. a stops at 60 s; the merge switches to b.
    List<TestChunk> low = new ArrayList<>();
    long[] t = {0, 15_000, 30_000, 45_000, 60_000, 75_000, 90_000, 105_000, 120_000};
    double[] v = new double[t.length];
    for (int i = 0; i < t.length; i++) {
      v[i] = t[i] / 1000.0;
    }
    low.add(new TestChunk(t, v));
    try (FakeStore a =
            new FakeStore(
                List.of(A),
                0,
                10_000_000,
                List.of(
                    new TestSeries(
                        up("x", "a"),
                        List.of(
                            new TestChunk(
                                new long[] {0, 15_000, 30_000, 45_000, 60_000},
                                new double[] {1000, 1015, 1030, 1045, 1060})))));
        FakeStore b =
            new FakeStore(List.of(B), 0, 10_000_000, List.of(new TestSeries(up("x", "b"), low)));
        EndpointSet set = Results.endpointSet(a, b)) {
      Result plain = read(set, DEDUP, "sum_over_time").get(0);
      Result counter = read(set, DEDUP, "rate").get(0);
      List<Double> plainValues = plain.chunks().get(0).values();
      List<Double> counterValues = counter.chunks().get(0).values();
      assertEquals(List.of(1000.0, 1015.0, 1030.0, 1045.0, 1060.0, 105.0, 120.0), plainValues);
      // At the switch b's 105 is below the last value given out (1060): b is shifted up by 955.
      assertEquals(List.of(1000.0, 1015.0, 1030.0, 1045.0, 1060.0, 1060.0, 1075.0), counterValues);
    }
  }

  @Test
  void anEndpointThatDoesNotRemoveReplicaLabelsIsReSortedAndItsReplicasJoined() throws Exception {
    // Sorted by full labels, {a=1,b=2,replica=a} comes before {a=1,replica=a}; without the
    // replica label the order turns round. The store also holds both replicas of {a=1}.
    Labels withB = Labels.of("__name__", "up", "a", "1", "b", "2", "replica", "a");
    Labels plainA = Labels.of("__name__", "up", "a", "1", "replica", "a");
    Labels plainB = Labels.of("__name__", "up", "a", "1", "replica", "b");
    try (FakeStore s =
            new FakeStore(
                List.of(),
                0,
                10_000_000,
                List.of(
                    new TestSeries(withB, every15s(0, 30_000, -1, -1)),
                    new TestSeries(plainA, every15s(0, 60_000, 15_000, 45_000)),
                    new TestSeries(plainB, every15s(0, 60_000, -1, -1))));
        EndpointSet set = Results.endpointSet(s)) {
      List<Result> r = read(set, DEDUP, null);
      assertEquals(
          List.of(
              Labels.of("__name__", "up", "a", "1"),
              Labels.of("__name__", "up", "a", "1", "b", "2")),
          Results.labels(r));
      // The two replicas of {a=1} arrive as one series with overlapping chunks, split again:
      // replica a has 0 and 60 s; b fills from 0 + 1 + 5 s (the initial penalty) on.
      assertEquals(List.of(0L, 15_000L, 30_000L, 45_000L, 60_000L), times(r.get(0)));
    }
  }
}
