package io.rwgateway.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.query.FakeStore.TestChunk;
import io.rwgateway.query.FakeStore.TestSeries;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EndpointSetTest {
  private static final Labels EU = Labels.of("cluster", "eu");

  private static FakeStore store(String job) throws Exception {
    return new FakeStore(
        List.of(EU),
        1000,
        9000,
        List.of(
            new TestSeries(
                Labels.of("__name__", "up", "job", job), List.of(TestChunk.of(1000, 10, 5, 1)))));
  }

  private static double gauge(PrometheusRegistry registry, String name) {
    for (MetricSnapshot s : registry.scrape()) {
      if (s.getMetadata().getPrometheusName().equals(name)) {
        return ((GaugeSnapshot) s).getDataPoints().get(0).getValue();
      }
    }
    throw new AssertionError("no metric " + name);
  }

  @Test
  void infoMakesEndpointsActiveAndFailuresTakeThemOut() throws Exception {
    AtomicLong now = new AtomicLong(1_000_000);
    PrometheusRegistry registry = new PrometheusRegistry();
    try (FakeStore good = store("a");
        FakeStore bad = store("b")) {
      bad.failing.set(true);
      EndpointSet.Options options =
          new EndpointSet.Options(
              Duration.ofSeconds(5),
              Duration.ofMinutes(5),
              Duration.ofSeconds(5),
              Duration.ofSeconds(10));
      try (EndpointSet set =
          new EndpointSet(List.of(good.address(), bad.address()), options, registry, now::get)) {
        assertTrue(set.active().isEmpty(), "nothing is active before the first poll");
        set.refresh();

        List<EndpointSet.ActiveEndpoint> active = set.active();
        assertEquals(1, active.size());
        assertEquals(good.address(), active.get(0).endpoint().address());
        assertEquals(
            new EndpointInfo("receive", List.of(EU), 1000, 9000, false), active.get(0).info());
        assertEquals(1.0, gauge(registry, "rwgateway_query_endpoints_active"));

        List<EndpointStatus> status = set.snapshot();
        assertEquals(good.address(), status.get(0).address());
        assertTrue(status.get(0).active());
        assertNull(status.get(0).lastError());
        assertEquals(1_000_000, status.get(0).lastCheckMillis());
        assertEquals(bad.address(), status.get(1).address());
        assertFalse(status.get(1).active());
        assertNull(status.get(1).info());
        assertTrue(
            status.get(1).lastError().contains("fake store down"), status.get(1).lastError());
        assertFalse(status.get(1).down(), "not down before the unhealthy timeout");

        // The failing endpoint is not asked at all, so even without partial response the
        // query answers with the good one's data.
        ProxyChunkQueryable proxy = new ProxyChunkQueryable(set, false);
        try (ProxyChunkQuerier q = proxy.chunkQuerier(ProxyChunkQueryable.TENANT, 0, 10_000)) {
          List<Results.Result> r = Results.read(q.select(Matcher.eq("__name__", "up")));
          assertEquals(List.of(Labels.of("__name__", "up", "job", "a")), Results.labels(r));
        }
        assertEquals(0, bad.seriesCalls.get());
        assertEquals(1000, proxy.minTime(ProxyChunkQueryable.TENANT));

        // Six minutes of failures: the static address is reported down, and still polled.
        now.addAndGet(Duration.ofMinutes(6).toMillis());
        set.refresh();
        assertTrue(set.snapshot().get(1).down());
        int infoCalls = bad.infoCalls.get();

        // The good one fails: out of queries at once; back at its first success.
        good.failing.set(true);
        set.refresh();
        assertTrue(set.active().isEmpty());
        assertEquals(0.0, gauge(registry, "rwgateway_query_endpoints_active"));
        assertEquals(Long.MAX_VALUE, proxy.minTime(ProxyChunkQueryable.TENANT));
        assertFalse(set.snapshot().get(0).down(), "its last success is recent");
        assertNotNull(set.snapshot().get(0).info(), "the last info is kept for the status page");
        try (ProxyChunkQuerier q = proxy.chunkQuerier(ProxyChunkQueryable.TENANT, 0, 10_000)) {
          assertTrue(Results.read(q.select(Matcher.eq("__name__", "up"))).isEmpty());
        }
        assertEquals(1, good.seriesCalls.get());
        assertEquals(infoCalls + 1, bad.infoCalls.get());

        bad.failing.set(false);
        set.refresh();
        assertEquals(
            List.of(bad.address()),
            set.active().stream().map(e -> e.endpoint().address()).toList());
        assertFalse(set.snapshot().get(1).down());
      }
    }
  }

  @Test
  void pollsInTheBackground() throws Exception {
    try (FakeStore good = store("a");
        EndpointSet set =
            new EndpointSet(
                List.of(good.address()),
                new EndpointSet.Options(
                    Duration.ofMillis(50),
                    Duration.ofMinutes(5),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(10)),
                new PrometheusRegistry(),
                System::currentTimeMillis)) {
      set.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (good.infoCalls.get() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertTrue(good.infoCalls.get() >= 3, "polled repeatedly: " + good.infoCalls.get());
      assertEquals(1, set.active().size());
    }
  }
}
