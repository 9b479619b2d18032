package io.rwgateway.ingest.route;

import io.netty.util.concurrent.FastThreadLocal;
import io.rwgateway.hashring.Endpoint;
import io.rwgateway.hashring.Hashring;
import io.rwgateway.hashring.HashringWatcher;
import io.rwgateway.hashring.SingleHashring;
import io.rwgateway.hashring.TenantPlacer;
import io.rwgateway.ingest.RoutingFailure;
import io.rwgateway.ingest.WriteRing;
import io.rwgateway.ingest.WriteRouter;
import io.rwgateway.ingest.forward.ForwardClient;
import io.rwgateway.ingest.forward.ForwardClientOptions;
import io.rwgateway.ingest.forward.ForwardMetrics;
import io.rwgateway.ingest.forward.ForwardOutcome;
import io.rwgateway.tsdb.WriteBatch;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Routes a remote-write batch over the hashring, as Thanos Receive's router does: each series goes
 * to its replication-factor owners (the local WAL when this receiver is one, peers over gRPC
 * otherwise), one request per (peer, replica); the request succeeds when every series reached the
 * write quorum ({@link Hashring#quorum}).
 *
 * <p>The answer for a series that missed quorum follows from why its replicas failed: anything
 * retryable (peer down, not ready, timeout, queue full, WAL failure) makes the request 503, so the
 * sender retries; otherwise bad data makes it 400 and conflicts alone make it 409. An outcome
 * applies to every series of the request that carried it, as in Thanos.
 *
 * <p>Runs on the event loops; the local part goes through the same WAL ring as unrouted writes.
 */
public final class HashringRouter implements WriteRouter, HashringWatcher.Listener {
  private final Supplier<Hashring> hashring;
  private final String localEndpoint;
  private final WriteRing ring;
  private final ForwardClientOptions clientOptions;
  private final ForwardMetrics forwardMetrics;
  private final ConcurrentHashMap<String, ForwardClient> clients = new ConcurrentHashMap<>();
  private final FastThreadLocal<RouteState> states =
      new FastThreadLocal<>() {
        @Override
        protected RouteState initialValue() {
          return new RouteState();
        }
      };

  /**
   * @param localEndpoint this receiver's address as the hashring file names it (its gRPC address);
   *     null or absent from the ring = router only
   */
  public HashringRouter(
      Supplier<Hashring> hashring,
      String localEndpoint,
      WriteRing ring,
      ForwardClientOptions clientOptions,
      ForwardMetrics forwardMetrics) {
    this.hashring = hashring;
    this.localEndpoint = localEndpoint;
    this.ring = ring;
    this.clientOptions = clientOptions;
    this.forwardMetrics = forwardMetrics;
  }

  @Override
  public void route(WriteBatch batch, Executor executor, Runnable done) {
    SingleHashring r = hashring.get().ringFor(batch.tenant);
    if (r == null) {
      batch.failure = new RoutingFailure("no hashring handles tenant \"" + batch.tenant + "\"");
      executor.execute(done);
      return;
    }
    RouteState st = states.get();
    Plan plan = st.plan(r, batch, localEndpoint);
    List<Endpoint> nodes = r.nodes();
    boolean writeLocal = plan.writesLocally(batch.metaCount);
    if (!plan.localInRing && batch.metaCount > 0) {
      forwardMetrics.metadataNotKept(batch.metaCount);
    }
    int requests = plan.groupCount + (writeLocal ? 1 : 0);
    CompletableFuture<?>[] futures = new CompletableFuture<?>[requests];
    Outcomes outcomes = new Outcomes(batch.seriesCount, requests);
    int k = 0;
    WriteBatch local = null;
    if (writeLocal) {
      local = st.takeLocal();
      BatchSlice.copy(batch, plan.localSeries, plan.localCount, local);
      outcomes.requestSeries[k] = Arrays.copyOf(plan.localSeries, plan.localCount);
      futures[k] = writeLocal(local, outcomes, k);
      k++;
    }
    for (int g = 0; g < plan.groupCount; g++) {
      int node = plan.groupNode(g);
      int replica = plan.groupReplica(g);
      int[] series = plan.groupSeries(g);
      int count = plan.groupSize(g);
      outcomes.requestSeries[k] = Arrays.copyOf(series, count);
      ForwardClient c =
          clients.computeIfAbsent(
              nodes.get(node).address(), a -> new ForwardClient(a, clientOptions, forwardMetrics));
      int slot = k;
      futures[k] =
          c.forward(batch, series, count, batch.tenant, replica)
              .thenAccept(res -> outcomes.set(slot, res.outcome(), res.message()));
      k++;
    }
    int quorum = Hashring.quorum(r.replicationFactor());
    WriteBatch usedLocal = local;
    // NOTE: executor is the request's event loop, the thread running this method, so the local
    // batch goes back to the same per-loop pool it came from.
    CompletableFuture.allOf(futures)
        .whenComplete(
            (v, e) ->
                executor.execute(
                    () -> {
                      outcomes.foldInto(batch, quorum);
                      if (usedLocal != null) {
                        states.get().giveBackLocal(usedLocal);
                      }
                      done.run();
                    }));
  }

  private CompletableFuture<Void> writeLocal(WriteBatch local, Outcomes outcomes, int slot) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    ring.resolveSeries(local);
    String full = ring.admission(local);
    if (full != null) {
      outcomes.set(slot, ForwardOutcome.RETRYABLE, full);
      f.complete(null);
      return f;
    }
    local.attachment =
        (Runnable)
            () -> {
              outcomes.setLocal(slot, local);
              f.complete(null);
            };
    if (!ring.tryPublish(local, b -> ((Runnable) b.attachment).run())) {
      outcomes.set(slot, ForwardOutcome.RETRYABLE, "local write queue is full");
      f.complete(null);
    }
    return f;
  }

  /**
   * A new ring: the clients of peers no hashring names any more are shut down (their calls in
   * flight finish). On the watcher's thread, so nothing here waits.
   */
  @Override
  public void hashringChanged(Hashring ring, long version) {
    Set<String> addresses = new HashSet<>();
    for (Endpoint e : ring.nodes()) {
      addresses.add(e.address());
    }
    clients
        .entrySet()
        .removeIf(
            e -> {
              if (addresses.contains(e.getKey())) {
                return false;
              }
              e.getValue().shutdown();
              return true;
            });
  }

  /** Peers a client is kept for (tests). */
  int clientCount() {
    return clients.size();
  }

  /** Shuts every client down at once, then waits for each (at most 5 s in all, not per peer). */
  public void close() {
    for (ForwardClient c : clients.values()) {
      c.shutdown();
    }
    for (ForwardClient c : clients.values()) {
      c.close();
    }
  }

  /** Reused per event loop: where each series goes. */
  private static final class RouteState {
    final TenantPlacer placer = new TenantPlacer();
    int[] owners = new int[8];
    final Plan plan = new Plan();

    /** Batches for the local share, reused: a routed request allocates no batch once warm. */
    private final ArrayDeque<WriteBatch> localPool = new ArrayDeque<>();

    WriteBatch takeLocal() {
      WriteBatch b = localPool.poll();
      return b == null ? new WriteBatch() : b;
    }

    void giveBackLocal(WriteBatch b) {
      b.attachment = null;
      if (localPool.size() < 64) {
        localPool.push(b);
      }
    }

    Plan plan(SingleHashring r, WriteBatch batch, String localEndpoint) {
      placer.bind(r, batch.tenant);
      List<Endpoint> nodes = r.nodes();
      int local = -1;
      for (int n = 0; n < nodes.size(); n++) {
        if (nodes.get(n).address().equals(localEndpoint)) {
          local = n;
        }
      }
      if (owners.length < r.replicationFactor()) {
        owners = new int[r.replicationFactor()];
      }
      plan.reset(nodes.size(), r.replicationFactor(), batch.seriesCount, local >= 0);
      for (int i = 0; i < batch.seriesCount; i++) {
        int n =
            placer.owners(batch.bytes, batch.seriesLabelsOff[i], batch.seriesLabelsLen[i], owners);
        for (int rep = 0; rep < n; rep++) {
          if (owners[rep] == local) {
            plan.addLocal(i);
          } else {
            plan.add(owners[rep], rep, i);
          }
        }
      }
      return plan;
    }
  }
}
