package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two other modes of Thanos Receive: a router that owns nothing (no --receive.local-endpoint)
 * forwards every series, and an ingestor (no hashring) writes what it is forwarded. The router
 * answers 503 while its only peer is gone.
 */
class RouterOnlyTest {
  @TempDir Path dir;

  @Test
  @SuppressWarnings(
      "try") // the ingestor is stopped inside its block to take the router's peer away
  void aRouterOnlyForwardsEverythingToItsIngestor() throws Exception {
    long t = System.currentTimeMillis();
    try (InProcessGateway ingestor = InProcessGateway.start(dir.resolve("ingestor"))) {
      String ring = "[{\"endpoints\":[\"127.0.0.1:" + ingestor.server.grpcPort() + "\"]}]";
      try (InProcessGateway router =
          InProcessGateway.start(dir.resolve("router"), "--receive.hashrings", ring)) {
        HttpResponse<String> r =
            router.client.write(RemoteWriteClient.request("routed", 0, 50, t, 1));
        assertEquals(204, r.statusCode(), r.body());
        assertEquals(
            50,
            ingestor
                .client
                .read("routed", t - 1, t + 1, Map.of())
                .getResults(0)
                .getTimeseriesCount());
        assertEquals(
            0,
            router.client.read("routed", t - 1, t + 1, Map.of()).getResults(0).getTimeseriesCount(),
            "the router keeps nothing");

        ingestor.close();
        HttpResponse<String> down =
            router.client.write(RemoteWriteClient.request("routed", 0, 50, t + 1000, 2));
        assertEquals(503, down.statusCode(), down.body());
        assertTrue(down.body().contains("did not reach the write quorum of 1"), down.body());
      }
    }
  }
}
