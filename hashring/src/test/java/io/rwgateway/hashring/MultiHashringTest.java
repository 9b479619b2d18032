package io.rwgateway.hashring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.hashring.HashringConfig.Algorithm;
import io.rwgateway.hashring.HashringConfigException.Reason;
import io.rwgateway.model.LabelBytes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Choosing the hashring by tenant (Thanos' TestHashringGet cases and more), and building rings. */
class MultiHashringTest {
  private static final byte[] SERIES = LabelBytes.encode("baz", "qux", "foo", "bar");

  private static MultiHashring ring(String json, Algorithm algorithm, int rf)
      throws HashringConfigException {
    return MultiHashring.of(HashringConfig.parse(json), algorithm, rf);
  }

  private static String owner(Hashring h, String tenant) {
    return h.owners(tenant, SERIES, 0, SERIES.length).get(0).address();
  }

  @Test
  void thanosCases() throws Exception {
    assertEquals(
        "node1", owner(ring("[{\"endpoints\": [\"node1\"]}]", Algorithm.HASHMOD, 1), "anyone"));

    MultiHashring specific =
        ring(
            """
        [{"endpoints": ["node2"], "tenants": ["tenant2"]}, {"endpoints": ["node1"]}]""",
            Algorithm.HASHMOD,
            1);
    assertEquals("node2", owner(specific, "tenant2"));
    assertEquals("node1", owner(specific, "tenant1"), "others fall through to the catch-all");

    MultiHashring many =
        ring(
            """
        [{"endpoints": ["node1"], "tenants": ["tenant1"]},
         {"endpoints": ["node2"], "tenants": ["tenant2"]},
         {"endpoints": ["node3"], "tenants": ["tenant3"]}]""",
            Algorithm.HASHMOD,
            1);
    assertEquals("node1", owner(many, "tenant1"));
    assertNull(many.ringFor("tenant4"), "no catch-all: a tenant no hashring lists has no owners");
    assertThrows(IllegalArgumentException.class, () -> owner(many, "tenant4"));

    MultiHashring nodes =
        ring(
            """
        [{"endpoints": ["node1", "node2", "node3"], "tenants": ["tenant1"]},
         {"endpoints": ["node4", "node5", "node6"]}]""",
            Algorithm.HASHMOD,
            3);
    assertTrue(List.of("node1", "node2", "node3").contains(owner(nodes, "tenant1")));
    assertTrue(List.of("node4", "node5", "node6").contains(owner(nodes, "")));
    assertEquals(6, nodes.nodes().size());
  }

  @Test
  void firstMatchWinsAndGlobsMatchLikeGo() throws Exception {
    MultiHashring h =
        ring(
            """
        [{"hashring": "exact", "tenants": ["foo-special"], "endpoints": ["e:1"]},
         {"hashring": "glob", "tenants": ["foo*", "bar-?"], "tenant_matcher_type": "glob", "endpoints": ["g:1"]},
         {"hashring": "also-foo", "tenants": ["foobar"], "endpoints": ["x:1"]},
         {"hashring": "rest", "endpoints": ["r:1"]}]""",
            Algorithm.HASHMOD,
            1);
    assertEquals("exact", h.ringFor("foo-special").name());
    assertEquals(
        "glob",
        h.ringFor("foobar").name(),
        "the glob comes first, so the later exact entry never wins");
    assertEquals("glob", h.ringFor("bar-1").name());
    assertEquals("rest", h.ringFor("bar-12").name());
    assertEquals("rest", h.ringFor("xfoo").name());
  }

  @Test
  void algorithmComesFromTheEntryElseTheFlag() throws Exception {
    String json =
        """
        [{"tenants": ["k"], "algorithm": "ketama", "endpoints": ["a:1", "b:1"]},
         {"tenants": ["h"], "algorithm": "hashmod", "endpoints": ["a:1", "b:1"]},
         {"endpoints": ["a:1", "b:1"]}]""";
    MultiHashring byHashmodDefault = ring(json, Algorithm.HASHMOD, 2);
    assertInstanceOf(KetamaHashring.class, byHashmodDefault.ringFor("k"));
    assertInstanceOf(HashmodHashring.class, byHashmodDefault.ringFor("h"));
    assertInstanceOf(HashmodHashring.class, byHashmodDefault.ringFor("other"));
    assertInstanceOf(KetamaHashring.class, ring(json, Algorithm.KETAMA, 2).ringFor("other"));
  }

  @Test
  void ringsAreNamedForMetrics() throws Exception {
    MultiHashring h =
        ring(
            """
        [{"hashring": "hot", "tenants": ["a"], "endpoints": ["a:1"]}, {"endpoints": ["b:1"]}]""",
            Algorithm.KETAMA,
            1);
    assertEquals(
        List.of("hot", "hashring-1"), h.rings().stream().map(SingleHashring::name).toList());
    assertSame(h.rings().get(1), h.ringFor("zzz"));
  }

  @Test
  void ringsThatCannotHoldTheReplicasAreRefused() {
    HashringConfigException tooFew =
        assertThrows(
            HashringConfigException.class,
            () -> ring("[{\"endpoints\": [\"a:1\", \"b:1\"]}]", Algorithm.KETAMA, 3));
    assertEquals(Reason.RING, tooFew.reason());
    assertTrue(
        tooFew
            .getMessage()
            .contains("[0]: hashring \"hashring-0\": 2 endpoints cannot hold 3 replicas"),
        tooFew.getMessage());
    assertThrows(
        HashringConfigException.class,
        () -> ring("[{\"endpoints\": [\"a:1\", \"b:1\"]}]", Algorithm.HASHMOD, 3),
        "hashmod too: Thanos fails every such write, here the file is refused");

    // Zone A has 3 nodes, zone B one: 3 replicas spread evenly fit (A, B, A), 4 cannot.
    String zones =
        """
        [{"algorithm": "ketama", "endpoints": [{"address": "a1", "az": "A"}, {"address": "a2", "az": "A"},
          {"address": "a3", "az": "A"}, {"address": "b1", "az": "B"}]}]""";
    assertThrows(HashringConfigException.class, () -> ring(zones, Algorithm.HASHMOD, 4));
    try {
      ring(zones, Algorithm.HASHMOD, 3);
    } catch (HashringConfigException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void hashmodByDefaultWithZonesIsRefused() {
    HashringConfigException e =
        assertThrows(
            HashringConfigException.class,
            () ->
                ring(
                    "[{\"endpoints\": [{\"address\": \"a\", \"az\": \"1\"}, {\"address\": \"b\", \"az\": \"2\"}]}]",
                    Algorithm.HASHMOD,
                    2));
    assertTrue(
        e.getMessage().contains("hashmod algorithm does not support availability zones"),
        e.getMessage());
  }

  @Test
  void quorumIsThanos() {
    assertEquals(1, Hashring.quorum(1));
    assertEquals(1, Hashring.quorum(2), "Thanos' exception: RF 2 needs one write, not both");
    assertEquals(2, Hashring.quorum(3));
    assertEquals(3, Hashring.quorum(4));
    assertEquals(3, Hashring.quorum(5));
    assertEquals(4, Hashring.quorum(6));
    assertEquals(4, Hashring.quorum(7));
    assertThrows(IllegalArgumentException.class, () -> Hashring.quorum(0));
  }
}
