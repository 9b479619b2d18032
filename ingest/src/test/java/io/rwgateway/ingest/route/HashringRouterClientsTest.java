package io.rwgateway.ingest.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.hashring.HashringWatcher;
import io.rwgateway.ingest.RoutingFailure;
import io.rwgateway.ingest.forward.ForwardClientOptions;
import io.rwgateway.ingest.forward.ForwardMetrics;
import io.rwgateway.model.LabelBytes;
import io.rwgateway.model.XxHash64;
import io.rwgateway.tsdb.WriteBatch;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The router keeps one gRPC client per peer, and drops those of peers that left the ring. */
class HashringRouterClientsTest {
  private static HashringWatcher ring(String... endpoints) throws Exception {
    String json = "[{\"endpoints\": [\"" + String.join("\", \"", endpoints) + "\"]}]";
    HashringWatcher w =
        HashringWatcher.builder()
            .inline(json)
            .replicationFactor(endpoints.length)
            .registry(new PrometheusRegistry())
            .build();
    w.start();
    return w;
  }

  @Test
  void clientsOfPeersThatLeaveTheRingAreDropped() throws Exception {
    // Router only, three peers on loopback ports nothing listens on: every forward fails fast.
    HashringWatcher three = ring("127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3");
    HashringRouter router =
        new HashringRouter(
            three::current,
            null,
            null,
            ForwardClientOptions.defaults().withTimeout(Duration.ofSeconds(2)),
            new ForwardMetrics(new PrometheusRegistry()));
    try {
      WriteBatch b = new WriteBatch();
      b.tenant = "t";
      byte[] l = LabelBytes.encode("__name__", "m");
      int off = b.reserveBytes(l.length);
      System.arraycopy(l, 0, b.bytes, off, l.length);
      b.beginSeries(XxHash64.hash(b.bytes, off, l.length, 0), off, l.length);
      b.addSample(1_700_000_000_000L, 1);
      CountDownLatch done = new CountDownLatch(1);
      router.route(b, Runnable::run, done::countDown);
      assertTrue(done.await(10, TimeUnit.SECONDS));
      assertTrue(b.failure instanceof RoutingFailure, String.valueOf(b.failure));
      assertEquals(3, router.clientCount(), "one client per peer");

      router.hashringChanged(ring("127.0.0.1:2").current(), 2);
      assertEquals(1, router.clientCount(), "the peers that left are dropped");
    } finally {
      router.close();
    }
  }
}
