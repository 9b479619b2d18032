package io.rwgateway.query;

import com.google.common.util.concurrent.ListenableFuture;
import io.netty.handler.ssl.SslContext;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.proto.thanos.infopb.InfoResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * StoreAPI endpoints, each polled with {@code Info} every interval on one daemon thread. The
 * addresses come from an {@link EndpointDiscovery}, asked again before every poll: a new address
 * gets a channel and is polled at once, one no longer produced is closed and removed. An endpoint
 * is active (queried) while its last Info call succeeded: one that fails is left out of queries
 * from that poll on, and taken back at the first success. After the unhealthy timeout without
 * success it is reported down, and, as Thanos does, a discovered endpoint that is down is dropped
 * (discovery still producing it brings it back as new); a static one (a plain host:port on the
 * command line) is kept and polled until it answers.
 */
public final class EndpointSet implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EndpointSet.class);

  /** Options with Thanos' defaults. */
  public record Options(
      Duration pollInterval,
      Duration unhealthyTimeout,
      Duration infoTimeout,
      Duration queryTimeout) {
    public static Options defaults() {
      return new Options(
          Duration.ofSeconds(5),
          Duration.ofMinutes(5),
          Duration.ofSeconds(5),
          Duration.ofMinutes(2));
    }
  }

  /** By address, in the order discovery first produced them; guarded by {@code this}. */
  private final Map<String, Entry> entries = new LinkedHashMap<>();

  private final EndpointDiscovery discovery;
  private final SslContext tls;
  private final String serverName;
  private final Options options;
  private final LongSupplier clock;
  private final GrpcClientMetrics clientMetrics;
  private final Gauge activeGauge;
  private final Gauge connectionsGauge;
  private final ScheduledExecutorService poller;
  private final Set<String> typesSeen = new HashSet<>();

  /** Mutable state of one endpoint; guarded by the entry's monitor. */
  private static final class Entry {
    final StoreEndpoint endpoint;
    boolean isStatic;
    EndpointInfo info;
    boolean active;
    String lastError;
    long lastCheck;
    long lastSuccess;
    final long created;

    Entry(StoreEndpoint endpoint, long created) {
      this.endpoint = endpoint;
      this.created = created;
    }
  }

  /**
   * Creates the set without polling; call {@link #start} to poll in the background, or {@link
   * #refresh} to poll once now.
   *
   * @param clock current time in ms (injectable for tests)
   */
  public EndpointSet(
      List<String> addresses, Options options, PrometheusRegistry registry, LongSupplier clock) {
    this(EndpointDiscovery.fixed(addresses), options, null, registry, clock);
  }

  /**
   * A set whose addresses come from {@code discovery}, asked at every poll.
   *
   * @param tls TLS towards every endpoint, or null for plaintext
   */
  public EndpointSet(
      EndpointDiscovery discovery,
      Options options,
      ClientTls tls,
      PrometheusRegistry registry,
      LongSupplier clock) {
    this.discovery = discovery;
    this.tls = tls == null ? null : tls.sslContext();
    this.serverName = tls == null ? null : tls.serverName();
    this.options = options;
    this.clock = clock;
    this.clientMetrics = new GrpcClientMetrics(registry); // before the first endpoints are made
    synchronized (this) {
      update(discovery.addresses(clock.getAsLong()), clock.getAsLong());
    }
    this.activeGauge =
        Gauge.builder()
            .name("rwgateway_query_endpoints_active")
            .help("StoreAPI endpoints whose last Info call succeeded (queries go to them)")
            .register(registry);
    this.connectionsGauge =
        Gauge.builder()
            .name("thanos_store_nodes_grpc_connections")
            .help("Active StoreAPI endpoints by component type")
            .labelNames("store_type")
            .register(registry);
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "endpoint-set-poller");
              t.setDaemon(true);
              return t;
            });
  }

  /** Polls now and then every poll interval in the background. */
  public void start() {
    long ms = options.pollInterval().toMillis();
    poller.scheduleWithFixedDelay(this::refreshQuietly, 0, ms, TimeUnit.MILLISECONDS);
  }

  private void refreshQuietly() {
    try {
      refresh();
    } catch (RuntimeException e) {
      // NOTE: an exception would end the schedule for good; one bad poll must not stop the next.
      log.warn("endpoint poll failed err=\"{}\"", e.toString());
    }
  }

  /** Adds the new addresses and removes the ones no longer wanted; called holding the lock. */
  private void update(Map<String, Boolean> wanted, long now) {
    for (var it = entries.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!wanted.containsKey(e.getKey())) {
        it.remove();
        e.getValue().endpoint.retire();
        log.info("endpoint removed, no longer discovered address={}", e.getKey());
      }
    }
    wanted.forEach(
        (address, isStatic) -> {
          Entry e = entries.get(address);
          if (e == null) {
            e =
                new Entry(
                    new StoreEndpoint(
                        address,
                        options.infoTimeout(),
                        options.queryTimeout(),
                        tls,
                        serverName,
                        clientMetrics),
                    now);
            entries.put(address, e);
            log.info("endpoint added address={} static={}", address, isStatic);
          }
          e.isStatic = isStatic;
        });
  }

  /** Drops discovered endpoints that have been down longer than the unhealthy timeout. */
  private synchronized void dropDown(long now) {
    long timeout = options.unhealthyTimeout().toMillis();
    for (var it = entries.values().iterator(); it.hasNext(); ) {
      Entry e = it.next();
      synchronized (e) {
        if (!e.isStatic && isDown(e, now, timeout)) {
          it.remove();
          e.endpoint.retire();
          log.warn(
              "discovered endpoint unhealthy for longer than the timeout, removed"
                  + " address={} err=\"{}\"",
              e.endpoint.address(),
              e.lastError);
        }
      }
    }
  }

  private static boolean isDown(Entry e, long now, long timeout) {
    long since = e.lastSuccess != 0 ? e.lastSuccess : e.created;
    return !e.active && now - since > timeout;
  }

  private synchronized List<Entry> entries() {
    return new ArrayList<>(entries.values());
  }

  /**
   * Asks discovery for the addresses, then calls Info on every endpoint, all at once (one endpoint
   * that hangs until the Info timeout must not delay the others), and updates their state and the
   * gauges when all have answered.
   */
  public void refresh() {
    Map<String, Boolean> wanted = discovery.addresses(clock.getAsLong());
    synchronized (this) {
      update(wanted, clock.getAsLong());
    }
    List<Entry> entries = entries();
    List<ListenableFuture<InfoResponse>> calls = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      calls.add(e.endpoint.infoAsync());
    }
    for (int i = 0; i < entries.size(); i++) {
      EndpointInfo info = null;
      String error = null;
      try {
        info = EndpointInfo.from(calls.get(i).get());
      } catch (ExecutionException ex) {
        Throwable cause = ex.getCause();
        error = cause.getMessage() != null ? cause.getMessage() : cause.toString();
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        calls.forEach(c -> c.cancel(true));
        return;
      }
      record(entries.get(i), info, error);
    }
    dropDown(clock.getAsLong());
    updateGauges();
  }

  private void record(Entry e, EndpointInfo info, String error) {
    long now = clock.getAsLong();
    synchronized (e) {
      boolean was = e.active;
      e.lastCheck = now;
      if (info != null) {
        e.info = info;
        e.active = true;
        e.lastError = null;
        e.lastSuccess = now;
        if (!was) {
          log.info(
              "endpoint active address={} component={} label_sets={} min_time={} max_time={}",
              e.endpoint.address(),
              info.componentType(),
              info.labelSets(),
              info.minTime(),
              info.maxTime());
        }
      } else {
        e.active = false;
        e.lastError = error;
        if (was) {
          log.warn(
              "endpoint inactive, left out of queries address={} err=\"{}\"",
              e.endpoint.address(),
              error);
        }
      }
    }
  }

  private void updateGauges() {
    Map<String, Integer> byType = new HashMap<>();
    int active = 0;
    for (Entry e : entries()) {
      synchronized (e) {
        if (e.info != null) {
          byType.putIfAbsent(e.info.componentType(), 0);
        }
        if (e.active) {
          active++;
          byType.merge(e.info.componentType(), 1, Integer::sum);
        }
      }
    }
    activeGauge.set(active);
    // A type whose endpoints all went away (inactive, or removed from the set) shows 0 rather
    // than vanishing or keeping its last count.
    synchronized (typesSeen) {
      typesSeen.addAll(byType.keySet());
      for (String type : typesSeen) {
        connectionsGauge.labelValues(type).set(byType.getOrDefault(type, 0));
      }
    }
  }

  /** The endpoints queries go to now, with what they said in their last Info call. */
  public List<ActiveEndpoint> active() {
    List<ActiveEndpoint> out = new ArrayList<>();
    for (Entry e : entries()) {
      synchronized (e) {
        if (e.active) {
          out.add(new ActiveEndpoint(e.endpoint, e.info));
        }
      }
    }
    return out;
  }

  /** An endpoint queries may use, with its last Info. */
  public record ActiveEndpoint(StoreEndpoint endpoint, EndpointInfo info) {}

  /** Every endpoint's state, in the order discovery first produced the addresses. */
  public List<EndpointStatus> snapshot() {
    long now = clock.getAsLong();
    long timeout = options.unhealthyTimeout().toMillis();
    List<Entry> entries = entries();
    List<EndpointStatus> out = new ArrayList<>(entries.size());
    for (Entry e : entries) {
      synchronized (e) {
        boolean down = isDown(e, now, timeout);
        out.add(
            new EndpointStatus(
                e.endpoint.address(),
                e.info,
                e.active,
                down,
                e.lastError,
                e.lastCheck,
                e.lastSuccess));
      }
    }
    return out;
  }

  /** Stops polling and closes every channel. */
  @Override
  public void close() {
    poller.shutdownNow();
    for (Entry e : entries()) {
      e.endpoint.close();
    }
  }
}
