package io.rwgateway.hashring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rwgateway.model.LabelBytes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Placements fixed by Thanos itself. The ketama cases are the expectations of Thanos' {@code
 * TestKetamaHashringGet} (10 sections per node, tenant "tenant", replication factor n+1, owner n):
 * they pin the series hash, the section hashes, the ring order and the replica walk at once. The
 * hashmod cases are worked out by hand from the rule {@code sorted[(h + r) mod n]}.
 */
class GoldenPlacementTest {

  @ParameterizedTest(name = "{0}: pod={1}, owner {2} -> {3}")
  @CsvSource(
      delimiter = '|',
      value = {
        "node-1 node-2 node-3|nginx|0|node-2",
        "node-1 node-2 node-3|nginx|1|node-1",
        "node-1 node-2 node-3|nginx|2|node-3",
        "node-1 node-3 node-2|nginx|2|node-3",
        "node-0 node-1 node-2 node-3|nginx|0|node-2",
        "node-1 node-2 node-3 node-4|nginx|0|node-2",
        "node-1 node-2 node-3|thanos|0|node-3",
      })
  void ketamaAsThanosTests(String nodes, String pod, int n, String expected) throws Exception {
    List<Endpoint> endpoints = new ArrayList<>();
    for (String a : nodes.split(" ")) {
      endpoints.add(Endpoint.of(a));
    }
    KetamaHashring ring = new KetamaHashring("r", endpoints, n + 1, 10);
    byte[] labels = LabelBytes.encode("pod", pod);
    int[] out = new int[n + 1];
    new TenantPlacer().bind(ring, "tenant").owners(labels, 0, labels.length, out);
    assertEquals(expected, ring.nodes().get(out[n]).address());
  }

  /** The production ring (1000 sections) against the string-based rendering of the rule. */
  @Test
  void ketamaMatchesReferenceWithThanosSectionCount() throws Exception {
    List<Endpoint> endpoints =
        List.of(
            new Endpoint("10.0.0.1:10901", "a"),
            new Endpoint("10.0.0.2:10901", "b"),
            new Endpoint("10.0.0.3:10901", "a"),
            new Endpoint("10.0.0.4:10901", "c"),
            new Endpoint("10.0.0.5:10901", "b"));
    KetamaHashring ring = new KetamaHashring("r", endpoints, 3);
    TenantPlacer placer = new TenantPlacer().bind(ring, "team-a");
    int[] out = new int[3];
    for (int i = 0; i < 50; i++) {
      byte[] labels =
          LabelBytes.encode("__name__", "up", "instance", "host-" + i + ":9100", "job", "node");
      long h = placer.hash(labels, 0, labels.length);
      placer.owners(labels, 0, labels.length, out);
      List<String> got =
          List.of(
              ring.nodes().get(out[0]).address(),
              ring.nodes().get(out[1]).address(),
              ring.nodes().get(out[2]).address());
      assertEquals(
          ThanosReference.ketama(endpoints, KetamaHashring.SECTIONS_PER_NODE, h, 3),
          got,
          "series " + i);
    }
  }

  /**
   * hashmod by hand. Endpoints are sorted first, so file order does not matter; the modulo is
   * unsigned, which matters for half of all hashes (those that are negative as a Java long).
   */
  @Test
  void hashmodByHand() throws Exception {
    List<Endpoint> fileOrder = List.of(Endpoint.of("c:1"), Endpoint.of("a:1"), Endpoint.of("b:1"));
    HashmodHashring ring = new HashmodHashring("r", fileOrder, 2);
    assertEquals(
        List.of("a:1", "b:1", "c:1"), ring.nodes().stream().map(Endpoint::address).toList());

    int[] out = new int[2];
    ring.ownersOfHash(7, out); // 7 mod 3 = 1, 8 mod 3 = 2
    assertEquals(List.of(1, 2), List.of(out[0], out[1]));
    ring.ownersOfHash(-1L, out); // 2^64-1 mod 3 = 0 (2^even = 1 mod 3)
    assertEquals(0, out[0]);
    // Thanos: (2^64-1 + 1) wraps to 0, mod 3 = 0, the same node twice; here the next node.
    assertEquals(1, out[1], "replicas stay distinct where Thanos' uint64 sum wraps");
    ring.ownersOfHash(Long.MIN_VALUE, out); // 2^63 mod 3 = 2 (2^odd = 2 mod 3)
    assertEquals(List.of(2, 0), List.of(out[0], out[1]));
  }

  @Test
  void hashmodMatchesReference() throws Exception {
    List<String> addresses =
        List.of("recv-3:10901", "recv-0:10901", "recv-2:10901", "recv-1:10901");
    List<Endpoint> endpoints = addresses.stream().map(Endpoint::of).toList();
    HashmodHashring ring = new HashmodHashring("r", endpoints, 3);
    TenantPlacer placer = new TenantPlacer().bind(ring, "default-tenant");
    int[] out = new int[3];
    for (int i = 0; i < 200; i++) {
      byte[] labels =
          LabelBytes.encode(
              "__name__", "http_requests_total", "code", String.valueOf(200 + i % 7), "i", "" + i);
      long h = placer.hash(labels, 0, labels.length);
      placer.owners(labels, 0, labels.length, out);
      List<String> got = new ArrayList<>();
      for (int o : out) {
        got.add(ring.nodes().get(o).address());
      }
      assertEquals(ThanosReference.hashmod(addresses, h, 3), got, "series " + i);
    }
  }
}
