package io.rwgateway.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.naming.CommunicationException;
import javax.naming.NamingException;
import org.junit.jupiter.api.Test;

class DnsResolverTest {
  private static final DnsSearchList K8S =
      new DnsSearchList(
          List.of("monitoring.svc.cluster.local.", "svc.cluster.local.", "cluster.local."), 5);

  private static final String FULL = "_grpc._tcp.receive-default.monitoring.svc.cluster.local.";

  /**
   * A resolver whose DNS holds the given SRV records per rooted name; names listed in {@code
   * failing} time out. Every query is recorded.
   */
  private static final class FakeDns extends DnsResolver {
    final List<String> asked = new ArrayList<>();
    private final Map<String, List<String[]>> records;
    private final List<String> failing;

    FakeDns(Map<String, List<String[]>> records, List<String> failing) {
      super(K8S);
      this.records = records;
      this.failing = failing;
    }

    @Override
    protected List<String[]> querySrv(String fqdn) throws NamingException {
      asked.add(fqdn);
      if (failing.contains(fqdn)) {
        throw new CommunicationException("timeout asking for " + fqdn);
      }
      return records.getOrDefault(fqdn, List.of());
    }
  }

  private static List<String[]> receivers() {
    return List.of(
        new String[] {"receive-default-0.receive-default.monitoring.svc.cluster.local", "10901"},
        new String[] {"receive-default-1.receive-default.monitoring.svc.cluster.local", "10901"});
  }

  @Test
  void aShortNameResolvesThroughTheSearchList() throws Exception {
    FakeDns dns = new FakeDns(Map.of(FULL, receivers()), List.of());
    assertEquals(
        List.of(
            "receive-default-0.receive-default.monitoring.svc.cluster.local:10901",
            "receive-default-1.receive-default.monitoring.svc.cluster.local:10901"),
        dns.resolve(EndpointSpec.parse("dnssrvnoa+_grpc._tcp.receive-default")));
    assertEquals(List.of(FULL), dns.asked, "the first search domain answers; no more queries");
  }

  @Test
  void theFullNameStillResolvesAndIsAskedFirst() throws Exception {
    FakeDns dns = new FakeDns(Map.of(FULL, receivers()), List.of());
    assertEquals(
        2,
        dns.resolve(EndpointSpec.parse("dnssrvnoa+" + FULL.substring(0, FULL.length() - 1)))
            .size());
    assertEquals(List.of(FULL), dns.asked);
  }

  @Test
  void candidatesWithoutRecordsOrFailingMoveOnToTheNext() throws Exception {
    String other = "_grpc._tcp.thanos-sidecar.cluster.local.";
    FakeDns dns =
        new FakeDns(
            Map.of(other, List.<String[]>of(new String[] {"sidecar", "10901"})),
            List.of("_grpc._tcp.thanos-sidecar.svc.cluster.local."));
    assertEquals(
        List.of("sidecar:10901"),
        dns.resolve(EndpointSpec.parse("dnssrvnoa+_grpc._tcp.thanos-sidecar")));
    assertEquals(
        List.of(
            "_grpc._tcp.thanos-sidecar.monitoring.svc.cluster.local.",
            "_grpc._tcp.thanos-sidecar.svc.cluster.local.",
            other),
        dns.asked);
  }

  @Test
  void aRootedNameIsNotExpanded() {
    FakeDns dns = new FakeDns(Map.of(FULL, receivers()), List.of());
    UnknownHostException e =
        assertThrows(
            UnknownHostException.class,
            () -> dns.resolve(EndpointSpec.parse("dnssrvnoa+_grpc._tcp.receive-default.")));
    assertEquals(List.of("_grpc._tcp.receive-default."), dns.asked);
    assertEquals(
        "no SRV records for _grpc._tcp.receive-default. (tried _grpc._tcp.receive-default.)",
        e.getMessage());
  }

  @Test
  void nothingFoundNamesTheCandidatesTriedAndTheFirstError() {
    FakeDns dns =
        new FakeDns(
            Map.of(),
            List.of("_grpc._tcp.store.svc.cluster.local.", "_grpc._tcp.store.cluster.local."));
    UnknownHostException e =
        assertThrows(
            UnknownHostException.class,
            () -> dns.resolve(EndpointSpec.parse("dnssrv+_grpc._tcp.store")));
    List<String> tried =
        List.of(
            "_grpc._tcp.store.monitoring.svc.cluster.local.",
            "_grpc._tcp.store.svc.cluster.local.",
            "_grpc._tcp.store.cluster.local.",
            "_grpc._tcp.store.");
    assertEquals(tried, dns.asked, "every candidate is tried, failures included");
    assertTrue(
        e.getMessage()
            .startsWith(
                "no SRV records for _grpc._tcp.store (tried " + String.join(", ", tried) + ")"),
        e.getMessage());
    assertTrue(
        e.getMessage()
            .contains(
                "first error: javax.naming.CommunicationException: timeout asking for _grpc._tcp.store.svc.cluster.local."),
        e.getMessage());
    assertInstanceOf(CommunicationException.class, e.getCause());
  }

  @Test
  void nothingFoundWithoutErrorsHasNoCause() {
    FakeDns dns = new FakeDns(Map.of(), List.of());
    UnknownHostException e =
        assertThrows(
            UnknownHostException.class,
            () -> dns.resolve(EndpointSpec.parse("dnssrv+_grpc._tcp.store")));
    assertEquals(4, dns.asked.size());
    assertTrue(e.getMessage().endsWith("_grpc._tcp.store.)"), e.getMessage());
    assertEquals(null, e.getCause());
  }
}
