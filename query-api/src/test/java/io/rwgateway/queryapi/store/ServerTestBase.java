package io.rwgateway.queryapi.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;

/**
 * Starts servers over fake stores and, after every test, checks that every querier was closed
 * exactly once: the leases are back to zero after each call, errors and cancellations included.
 */
abstract class ServerTestBase {
  private final List<StoreApiServer> servers = new ArrayList<>();
  private final List<FakeChunkStore> stores = new ArrayList<>();

  StoreApiServer start(FakeChunkStore data, StoreApiOptions options) {
    return start(data, () -> true, options);
  }

  StoreApiServer start(FakeChunkStore data, BooleanSupplier ready, StoreApiOptions options) {
    StoreApiServer s = new StoreApiServer(data, ready, options);
    servers.add(s);
    stores.add(data);
    return s;
  }

  /** Waits up to 5 s for the open queriers to drop to zero (a cancel is seen asynchronously). */
  static void awaitNoOpenQueriers(FakeChunkStore data) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (data.open.get() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(0, data.open.get(), "queriers left open (leases held)");
  }

  @AfterEach
  void leasesReleased() throws Exception {
    try {
      for (FakeChunkStore d : stores) {
        awaitNoOpenQueriers(d);
        assertEquals(0, d.doubleCloses.get(), "a querier closed twice");
      }
    } finally {
      for (StoreApiServer s : servers) {
        s.close();
      }
    }
  }
}
