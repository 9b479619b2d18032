package io.rwgateway.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.rwgateway.model.Labels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EndpointDiscoveryTest {
  private static final EndpointSet.Options OPTIONS =
      new EndpointSet.Options(
          Duration.ofSeconds(5),
          Duration.ofMinutes(5),
          Duration.ofSeconds(5),
          Duration.ofSeconds(10));

  private static FakeStore store(String cluster) throws Exception {
    return new FakeStore(List.of(Labels.of("cluster", cluster)), 1000, 9000, List.of());
  }

  private static EndpointSet set(List<EndpointSpec> specs, List<Path> files, AtomicLong now) {
    return set(specs, files, now, new PrometheusRegistry());
  }

  private static EndpointSet set(
      List<EndpointSpec> specs, List<Path> files, AtomicLong now, PrometheusRegistry registry) {
    EndpointDiscovery discovery =
        new EndpointDiscovery(
            specs, files, Duration.ofMinutes(5), Duration.ofSeconds(30), new DnsResolver());
    return new EndpointSet(discovery, OPTIONS, null, registry, now::get);
  }

  private static double connections(PrometheusRegistry registry, String type) {
    for (MetricSnapshot s : registry.scrape()) {
      if (s.getMetadata().getPrometheusName().equals("thanos_store_nodes_grpc_connections")) {
        for (GaugeSnapshot.GaugeDataPointSnapshot d : ((GaugeSnapshot) s).getDataPoints()) {
          if (type.equals(d.getLabels().get("store_type"))) {
            return d.getValue();
          }
        }
      }
    }
    throw new AssertionError("no connections gauge for " + type);
  }

  private static List<String> addresses(EndpointSet set) {
    return set.snapshot().stream().map(EndpointStatus::address).toList();
  }

  /** Writes the file and moves its mtime on, so that a rewrite within one tick is seen. */
  private static void write(Path file, String text, long tick) throws Exception {
    Files.writeString(file, text);
    Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000_000L + tick * 1000));
  }

  @Test
  void specsParse() {
    assertEquals(
        new EndpointSpec(EndpointSpec.Kind.STATIC, "a", 10901, "a:10901"),
        EndpointSpec.parse("a:10901"));
    assertEquals(EndpointSpec.Kind.DNS, EndpointSpec.parse("dns+store:10901").kind());
    assertEquals("::1", EndpointSpec.parse("[::1]:10901").host());
    assertEquals(EndpointSpec.Kind.DNS_SRV, EndpointSpec.parse("dnssrv+_grpc._tcp.s").kind());
    assertEquals(
        EndpointSpec.Kind.DNS_SRV_NO_A, EndpointSpec.parse("dnssrvnoa+_grpc._tcp.s").kind());
    assertThrows(IllegalArgumentException.class, () -> EndpointSpec.parse("store"));
    assertThrows(IllegalArgumentException.class, () -> EndpointSpec.parse("dns+store"));
    assertThrows(IllegalArgumentException.class, () -> EndpointSpec.parse("http://s:1"));
    assertThrows(IllegalArgumentException.class, () -> EndpointSpec.parse("s:99999"));
    assertThrows(IllegalArgumentException.class, () -> EndpointSpec.parse("dnssrv+_g._tcp.s:1"));
  }

  @Test
  void fileSdFollowsTheFileAndKeepsTheLastGoodList(@TempDir Path dir) throws Exception {
    AtomicLong now = new AtomicLong(1_000_000);
    Path file = dir.resolve("stores.yml");
    try (FakeStore a = store("a");
        FakeStore b = store("b")) {
      write(file, "- targets: ['" + a.address() + "']\n", 1);
      PrometheusRegistry registry = new PrometheusRegistry();
      try (EndpointSet set = set(List.of(), List.of(dir.resolve("*.yml")), now, registry)) {
        set.refresh();
        assertEquals(List.of(a.address()), addresses(set));
        assertEquals(1, set.active().size());

        // JSON is YAML too.
        write(file, "[{\"targets\": [\"" + a.address() + "\", \"" + b.address() + "\"]}]", 2);
        set.refresh();
        assertEquals(List.of(a.address(), b.address()), addresses(set));
        assertEquals(2, set.active().size());
        assertEquals(2.0, connections(registry, "receive"));

        write(file, "- targets: ['" + b.address() + "']\n  labels: {x: y}\n", 3);
        set.refresh();
        assertEquals(List.of(b.address()), addresses(set));

        write(file, "targets: [oops", 4);
        set.refresh();
        assertEquals(List.of(b.address()), addresses(set), "a bad file keeps the last good list");

        Files.delete(file);
        set.refresh();
        assertEquals(List.of(), addresses(set), "a file gone (from the glob) lists nothing");
        assertEquals(0.0, connections(registry, "receive"), "removed endpoints are not counted");
      }
    }
  }

  @Test
  void theEndpointConfigFileIsReloadedAndABadOneKeepsTheLastGoodList(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("endpoints.yml");
    Files.writeString(file, "endpoints:\n  - address: a:1\n    strict: true\n");
    EndpointConfigFile config = new EndpointConfigFile(file, Duration.ofMinutes(5), 0);
    EndpointDiscovery discovery =
        new EndpointDiscovery(
            List.of(EndpointSpec.parse("s:9")),
            config,
            List.of(),
            Duration.ofMinutes(5),
            Duration.ofSeconds(30),
            new DnsResolver());
    assertEquals(Map.of("s:9", true, "a:1", true), discovery.addresses(0));
    Files.writeString(file, "endpoints: [{address: b:2}]\n");
    assertEquals(
        Map.of("s:9", true, "a:1", true), discovery.addresses(60_000), "before the interval");
    assertEquals(Map.of("s:9", true, "b:2", true), discovery.addresses(300_000));
    Files.writeString(file, "endpoints: [{address: nope}]\n");
    assertEquals(Map.of("s:9", true, "b:2", true), discovery.addresses(600_000));
    Files.writeString(file, "endpoints: {");
    assertThrows(
        IllegalArgumentException.class,
        () -> new EndpointConfigFile(file, Duration.ofMinutes(5), 0),
        "a bad file at start is an error");
  }

  @Test
  void dnsResolvesEveryAddressWithThePort() throws Exception {
    try (FakeStore a = store("a")) {
      int port = Integer.parseInt(a.address().substring(a.address().lastIndexOf(':') + 1));
      EndpointDiscovery discovery =
          new EndpointDiscovery(
              List.of(EndpointSpec.parse("dns+localhost:" + port)),
              List.of(),
              Duration.ofMinutes(5),
              Duration.ofSeconds(30),
              new DnsResolver());
      Map<String, Boolean> found = discovery.addresses(0);
      assertTrue(found.containsKey("127.0.0.1:" + port), found.toString());
      assertEquals(false, found.get("127.0.0.1:" + port), "a DNS address is not static");
    }
  }

  @Test
  void srvTargetsAreResolvedWithTheRecordsPorts() throws Exception {
    assertTrue(DnsResolver.srvAvailable(), "the JDK's JNDI DNS provider");
    DnsResolver srv =
        new DnsResolver() {
          @Override
          protected List<String[]> lookupSrv(String name) {
            assertEquals("_grpc._tcp.store", name);
            return List.of(
                new String[] {"localhost", "10901"}, new String[] {"127.0.0.2", "10902"});
          }
        };
    List<String> resolved = srv.resolve(EndpointSpec.parse("dnssrv+_grpc._tcp.store"));
    assertTrue(resolved.contains("127.0.0.1:10901"), resolved.toString());
    assertTrue(resolved.contains("127.0.0.2:10902"), resolved.toString());
    assertEquals(
        List.of("localhost:10901", "127.0.0.2:10902"),
        srv.resolve(EndpointSpec.parse("dnssrvnoa+_grpc._tcp.store")));
  }

  @Test
  void dnsFailureKeepsTheLastAddressesAndIsRetriedAfterTheInterval() {
    int[] calls = {0};
    DnsResolver flaky =
        new DnsResolver() {
          @Override
          protected java.net.InetAddress[] lookupHost(String host)
              throws java.net.UnknownHostException {
            if (++calls[0] > 1) {
              throw new java.net.UnknownHostException(host);
            }
            return new java.net.InetAddress[] {java.net.InetAddress.getLoopbackAddress()};
          }
        };
    EndpointDiscovery discovery =
        new EndpointDiscovery(
            List.of(EndpointSpec.parse("dns+store:10901")),
            List.of(),
            Duration.ofMinutes(5),
            Duration.ofSeconds(30),
            flaky);
    assertEquals(Map.of("127.0.0.1:10901", false), discovery.addresses(0));
    assertEquals(Map.of("127.0.0.1:10901", false), discovery.addresses(10_000));
    assertEquals(1, calls[0], "cached within the interval");
    assertEquals(Map.of("127.0.0.1:10901", false), discovery.addresses(31_000));
    assertEquals(2, calls[0]);
  }

  @Test
  void aDiscoveredEndpointDownPastTheTimeoutIsDroppedAStaticOneIsKept(@TempDir Path dir)
      throws Exception {
    AtomicLong now = new AtomicLong(1_000_000);
    Path file = dir.resolve("sd.json");
    try (FakeStore discovered = store("d");
        FakeStore fixed = store("s")) {
      discovered.failing.set(true);
      fixed.failing.set(true);
      write(file, "[{\"targets\": [\"" + discovered.address() + "\"]}]", 1);
      try (EndpointSet set =
          set(List.of(EndpointSpec.parse(fixed.address())), List.of(file), now)) {
        set.refresh();
        assertEquals(List.of(fixed.address(), discovered.address()), addresses(set));
        now.addAndGet(Duration.ofMinutes(6).toMillis());
        set.refresh();
        // The discovered one failed once more and is dropped at the end of the poll (the next
        // poll adds it again as new, since the file still lists it).
        List<EndpointStatus> status = set.snapshot();
        assertTrue(status.get(0).down());
        assertEquals(fixed.address(), status.get(0).address());
        assertEquals(1, status.size(), status.toString());
      }
    }
  }
}
