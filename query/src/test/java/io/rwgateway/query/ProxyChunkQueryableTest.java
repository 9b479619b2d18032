package io.rwgateway.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.query.FakeStore.TestChunk;
import io.rwgateway.query.FakeStore.TestSeries;
import io.rwgateway.query.Results.Decoded;
import io.rwgateway.query.Results.Result;
import io.rwgateway.tsdb.ChunkSeriesSet;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProxyChunkQueryableTest {
  private static final String T = ProxyChunkQueryable.TENANT;
  private static final Matcher UP = Matcher.eq("__name__", "up");

  private static Labels up(String instance) {
    return Labels.of("__name__", "up", "instance", instance);
  }

  private static FakeStore store(List<Labels> labelSets, long min, long max, TestSeries... s)
      throws Exception {
    return new FakeStore(labelSets, min, max, List.of(s));
  }

  @Test
  void mergesSortedStreamsJoiningEqualSeries() throws Exception {
    TestChunk shared = TestChunk.of(1000, 15, 10, 1);
    TestChunk laterA = TestChunk.of(2000, 15, 10, 100);
    TestChunk overlapA = TestChunk.of(1000, 10, 5, 7);
    TestChunk overlapB = TestChunk.of(1005, 10, 5, 70);
    TestChunk solo = TestChunk.of(500, 30, 4, 3);
    try (FakeStore a =
            store(
                List.of(),
                0,
                10_000,
                new TestSeries(up("b"), List.of(shared, laterA)),
                new TestSeries(up("d"), List.of(overlapA)),
                new TestSeries(up("a"), List.of(solo)));
        FakeStore b =
            store(
                List.of(),
                0,
                10_000,
                new TestSeries(up("b"), List.of(shared)),
                new TestSeries(up("c"), List.of(solo)),
                new TestSeries(up("d"), List.of(overlapB)),
                new TestSeries(up("e"), List.of(solo)));
        EndpointSet set = Results.endpointSet(a, b)) {
      ProxyChunkQueryable proxy = new ProxyChunkQueryable(set, false);
      List<Result> r;
      try (ProxyChunkQuerier q = proxy.chunkQuerier(T, 0, 10_000)) {
        r = Results.read(q.select(UP));
        assertTrue(q.warnings().isEmpty(), q.warnings().toString());
      }
      assertEquals(
          List.of(up("a"), up("b"), up("c"), up("d"), up("e")), Results.labels(r), "sorted, once");
      for (int i = 1; i < r.size(); i++) {
        assertTrue(LabelOrder.compareLabels(r.get(i - 1).labels(), r.get(i).labels()) < 0);
      }
      assertEquals(List.of(Decoded.of(solo)), r.get(0).chunks());
      // The chunk both sent is kept once; the one only A has follows it.
      assertEquals(List.of(Decoded.of(shared), Decoded.of(laterA)), r.get(1).chunks());
      assertEquals(List.of(Decoded.of(solo)), r.get(2).chunks());
      // Overlapping but different chunks (HA replicas) are both kept, in time order.
      assertEquals(List.of(Decoded.of(overlapA), Decoded.of(overlapB)), r.get(3).chunks());
      assertEquals(List.of(1005L, 1015L, 1025L, 1035L, 1045L), r.get(3).chunks().get(1).times());
      assertEquals(List.of(70.0, 71.0, 72.0, 73.0, 74.0), r.get(3).chunks().get(1).values());
      assertEquals(1, a.seriesCalls.get());
      assertEquals(1, b.seriesCalls.get());
    }
  }

  @Test
  void selectSeriesAsksForNoChunks() throws Exception {
    try (FakeStore a =
            store(
                List.of(), 0, 10_000, new TestSeries(up("a"), List.of(TestChunk.of(0, 1, 3, 0))));
        EndpointSet set = Results.endpointSet(a);
        ProxyChunkQuerier q = new ProxyChunkQueryable(set, false).chunkQuerier(T, 0, 10_000)) {
      List<Result> r = Results.read(q.selectSeries(UP));
      assertEquals(List.of(new Result(up("a"), List.of())), r);
    }
  }

  @Test
  void prunesEndpointsByTimeAndExternalLabels() throws Exception {
    TestSeries s = new TestSeries(up("x"), List.of(TestChunk.of(1000, 10, 3, 0)));
    Labels eu = Labels.of("cluster", "eu", "replica", "0");
    Labels us = Labels.of("cluster", "us", "replica", "0");
    try (FakeStore euStore = store(List.of(eu), 0, 2000, s);
        FakeStore usStore = store(List.of(us), 0, 2000, s);
        FakeStore old = store(List.of(), 5000, 6000, s);
        FakeStore two = store(List.of(eu, us), 0, 2000, s);
        EndpointSet set = Results.endpointSet(euStore, usStore, old, two);
        ProxyChunkQuerier q = new ProxyChunkQueryable(set, false).chunkQuerier(T, 0, 2000)) {
      Results.read(q.select(UP, Matcher.eq("cluster", "eu")));
      assertEquals(1, euStore.seriesCalls.get());
      assertEquals(0, usStore.seriesCalls.get(), "its only label set has cluster=us");
      assertEquals(0, old.seriesCalls.get(), "its data starts after the range");
      assertEquals(1, two.seriesCalls.get(), "one of its label sets has cluster=eu");

      Results.read(q.select(UP, new Matcher(Matcher.Type.RE, "cluster", "u.")));
      assertEquals(1, euStore.seriesCalls.get());
      assertEquals(1, usStore.seriesCalls.get());
      assertEquals(2, two.seriesCalls.get());

      // A matcher on a label none of the sets has prunes nothing (but the time range).
      Results.read(q.select(UP, Matcher.eq("job", "node")));
      assertEquals(2, euStore.seriesCalls.get());
      assertEquals(2, usStore.seriesCalls.get());
      assertEquals(0, old.seriesCalls.get());

      assertEquals(List.of("__name__", "instance"), q.labelNames(Matcher.eq("cluster", "us")));
      assertEquals(0, euStore.labelCalls.get());
      assertEquals(1, usStore.labelCalls.get());
      assertEquals(0, old.labelCalls.get());
    }
  }

  @Test
  void joinsASeriesSplitOverFrames() throws Exception {
    TestChunk c1 = TestChunk.of(0, 10, 120, 0);
    TestChunk c2 = TestChunk.of(1200, 10, 120, 120);
    TestChunk c3 = TestChunk.of(2400, 10, 5, 240);
    try (FakeStore a =
            store(
                List.of(),
                0,
                10_000,
                new TestSeries(up("a"), List.of(c1, c2, c3)),
                new TestSeries(up("b"), List.of(c1, c2)));
        EndpointSet set = Results.endpointSet(a);
        ProxyChunkQuerier q = new ProxyChunkQueryable(set, false).chunkQuerier(T, 0, 10_000)) {
      a.framePerChunk = true;
      List<Result> r = Results.read(q.select(UP));
      assertEquals(
          List.of(
              new Result(up("a"), List.of(Decoded.of(c1), Decoded.of(c2), Decoded.of(c3))),
              new Result(up("b"), List.of(Decoded.of(c1), Decoded.of(c2)))),
          r);
    }
  }

  @Test
  void partialResponseLeavesAFailingEndpointOutWithAWarning() throws Exception {
    TestChunk c = TestChunk.of(0, 10, 3, 0);
    try (FakeStore good = store(List.of(), 0, 10_000, new TestSeries(up("a"), List.of(c)));
        FakeStore bad = store(List.of(), 0, 10_000, new TestSeries(up("b"), List.of(c)));
        EndpointSet set = Results.endpointSet(good, bad)) {
      // Active at the last poll, failing now: the query is the first to see it.
      bad.failing.set(true);
      try (ProxyChunkQuerier q = new ProxyChunkQueryable(set, true).chunkQuerier(T, 0, 10_000)) {
        assertEquals(
            List.of(new Result(up("a"), List.of(Decoded.of(c)))), Results.read(q.select(UP)));
        assertEquals(1, q.warnings().size(), q.warnings().toString());
        assertTrue(q.warnings().get(0).startsWith("endpoint " + bad.address() + ": "));
        assertTrue(q.warnings().get(0).contains("fake store down"), q.warnings().get(0));

        assertEquals(List.of("__name__", "instance"), q.labelNames());
        assertEquals(2, q.warnings().size());
      }
      try (ProxyChunkQuerier q = new ProxyChunkQueryable(set, false).chunkQuerier(T, 0, 10_000)) {
        ChunkSeriesSet s = q.select(UP);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Results.read(s));
        assertTrue(e.getMessage().contains(bad.address()), e.getMessage());
        assertThrows(IllegalStateException.class, q::labelNames);
        assertThrows(IllegalStateException.class, () -> q.labelValues("instance"));
      }
    }
  }

  @Test
  void labelNamesAndValuesAreSortedUnions() throws Exception {
    TestChunk c = TestChunk.of(0, 10, 3, 0);
    try (FakeStore a =
            store(
                List.of(),
                0,
                10_000,
                new TestSeries(Labels.of("__name__", "up", "job", "api", "zone", "z1"), List.of(c)),
                new TestSeries(Labels.of("__name__", "cpu", "job", "db"), List.of(c)));
        FakeStore b =
            store(
                List.of(),
                0,
                10_000,
                new TestSeries(Labels.of("__name__", "up", "job", "web", "az", "1"), List.of(c)),
                new TestSeries(Labels.of("__name__", "up", "job", "api"), List.of(c)));
        EndpointSet set = Results.endpointSet(a, b);
        ProxyChunkQuerier q = new ProxyChunkQueryable(set, false).chunkQuerier(T, 0, 10_000)) {
      assertEquals(List.of("__name__", "az", "job", "zone"), q.labelNames());
      assertEquals(List.of("api", "db", "web"), q.labelValues("job"));
      assertEquals(List.of("api", "web"), q.labelValues("job", UP));
      assertEquals(List.of("__name__", "job"), q.labelNames(Matcher.eq("job", "db")));
      assertEquals(List.of(), q.labelValues("nope"));
    }
  }

  @Test
  void unknownTenantSelectsNothing() throws Exception {
    try (FakeStore a =
            store(
                List.of(), 0, 10_000, new TestSeries(up("a"), List.of(TestChunk.of(0, 1, 3, 0))));
        EndpointSet set = Results.endpointSet(a);
        ProxyChunkQuerier q = new ProxyChunkQueryable(set, false).chunkQuerier("other", 0, 100)) {
      assertTrue(Results.read(q.select(UP)).isEmpty());
      assertEquals(0, a.seriesCalls.get());
      assertEquals(
          List.of(ProxyChunkQueryable.TENANT), new ProxyChunkQueryable(set, false).tenants());
    }
  }

  @Test
  void callsStartOnEveryEndpointBeforeTheFirstSeriesIsRead() throws Exception {
    TestChunk c = TestChunk.of(0, 10, 3, 0);
    try (FakeStore a = store(List.of(), 0, 10_000, new TestSeries(up("a"), List.of(c)));
        FakeStore b = store(List.of(), 0, 10_000, new TestSeries(up("b"), List.of(c)));
        EndpointSet set = Results.endpointSet(a, b);
        ProxyChunkQuerier q = new ProxyChunkQueryable(set, false).chunkQuerier(T, 0, 10_000)) {
      ChunkSeriesSet s = q.select(UP);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while ((a.seriesCalls.get() == 0 || b.seriesCalls.get() == 0)
          && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(1, a.seriesCalls.get());
      assertEquals(1, b.seriesCalls.get());
      assertEquals(List.of(up("a"), up("b")), Results.labels(Results.read(s)));
    }
  }

  @Test
  void aSlowEndpointTimesOut() throws Exception {
    TestChunk c = TestChunk.of(0, 10, 3, 0);
    try (FakeStore good = store(List.of(), 0, 10_000, new TestSeries(up("a"), List.of(c)));
        FakeStore slow = store(List.of(), 0, 10_000, new TestSeries(up("b"), List.of(c)));
        EndpointSet set = Results.endpointSet(Duration.ofMillis(300), good, slow)) {
      slow.seriesDelayMillis = 3000;
      long start = System.nanoTime();
      try (ProxyChunkQuerier q = new ProxyChunkQueryable(set, true).chunkQuerier(T, 0, 10_000)) {
        assertEquals(List.of(up("a")), Results.labels(Results.read(q.select(UP))));
        assertEquals(1, q.warnings().size(), q.warnings().toString());
        assertTrue(q.warnings().get(0).contains("DEADLINE_EXCEEDED"), q.warnings().get(0));
      }
      assertTrue(
          System.nanoTime() - start < Duration.ofMillis(2500).toNanos(),
          "answered at the deadline, not when the slow endpoint was done");
      try (ProxyChunkQuerier q = new ProxyChunkQueryable(set, false).chunkQuerier(T, 0, 10_000)) {
        ChunkSeriesSet s = q.select(UP);
        assertThrows(IllegalStateException.class, () -> Results.read(s));
      }
    }
  }

  @Test
  void warningsEndpointsSendArePassedOn() throws Exception {
    TestChunk c = TestChunk.of(0, 10, 3, 0);
    try (FakeStore a = store(List.of(), 0, 10_000, new TestSeries(up("a"), List.of(c)));
        EndpointSet set = Results.endpointSet(a);
        ProxyChunkQuerier q = new ProxyChunkQueryable(set, false).chunkQuerier(T, 0, 10_000)) {
      a.seriesWarning = "block 01X unreadable";
      assertEquals(
          List.of(new Result(up("a"), List.of(Decoded.of(c)))), Results.read(q.select(UP)));
      assertEquals(List.of("endpoint " + a.address() + ": block 01X unreadable"), q.warnings());
    }
  }

  @Test
  void closingTheQuerierCancelsACallTheEndpointIsStillSending() throws Exception {
    TestChunk c = TestChunk.of(0, 10, 3, 0);
    try (FakeStore a = store(List.of(), 0, 10_000, new TestSeries(up("a"), List.of(c)));
        EndpointSet set = Results.endpointSet(a)) {
      a.endless = true;
      ProxyChunkQuerier q = new ProxyChunkQueryable(set, false).chunkQuerier(T, 0, 10_000);
      ChunkSeriesSet s = q.select(UP);
      for (int i = 0; i < 1000; i++) {
        assertTrue(s.next(), "series " + i);
      }
      q.close();
      assertTrue(a.seriesCancelled.await(10, TimeUnit.SECONDS), "the store saw the cancellation");
    }
  }
}
