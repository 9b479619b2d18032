package io.rwgateway.hashring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.hashring.HashringConfig.Algorithm;
import io.rwgateway.hashring.HashringConfig.Ring;
import io.rwgateway.hashring.HashringConfig.TenantMatcherType;
import io.rwgateway.hashring.HashringConfigException.Reason;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The file format: Thanos' documented examples load, defaults are Thanos', every mistake is named.
 */
class HashringConfigTest {

  // The examples of Thanos' docs/components/receive.md, as a user would paste them.

  @Test
  void thanosDocsPlainEndpoints() throws Exception {
    HashringConfig c =
        HashringConfig.parse(
            """
        [
            {
                "endpoints": [
                    "127.0.0.1:10907",
                    "127.0.0.1:11907",
                    "127.0.0.1:12907"
                ]
            }
        ]
        """);
    assertEquals(1, c.hashrings().size());
    Ring r = c.hashrings().get(0);
    assertEquals("", r.name());
    assertTrue(r.catchAll());
    assertEquals(TenantMatcherType.EXACT, r.tenantMatcherType());
    assertNull(r.algorithm(), "no algorithm: the command-line default applies");
    assertEquals(Algorithm.HASHMOD, r.algorithmOr(Algorithm.THANOS_FLAG_DEFAULT));
    assertEquals(Algorithm.KETAMA, r.algorithmOr(Algorithm.KETAMA));
    assertEquals(
        List.of(
            Endpoint.of("127.0.0.1:10907"),
            Endpoint.of("127.0.0.1:11907"),
            Endpoint.of("127.0.0.1:12907")),
        r.endpoints());
    assertEquals(Map.of(), r.externalLabels());
    assertEquals(List.of(), c.warnings());
  }

  @Test
  void thanosDocsExactTenants() throws Exception {
    Ring r =
        HashringConfig.parse(
                """
        [
            {
               "tenants": ["foobar"],
               "endpoints": [
                    "127.0.0.1:1234",
                    "127.0.0.1:12345",
                    "127.0.0.1:1235"
                ]
            }
        ]
        """)
            .hashrings()
            .get(0);
    assertEquals(List.of("foobar"), r.tenants());
    assertEquals(TenantMatcherType.EXACT, r.tenantMatcherType());
  }

  @Test
  void thanosDocsGlobTenants() throws Exception {
    Ring r =
        HashringConfig.parse(
                """
        [
            {
               "tenants": ["foo*"],
               "tenant_matcher_type": "glob",
               "endpoints": [
                    "127.0.0.1:1234",
                    "127.0.0.1:12345",
                    "127.0.0.1:1235"
                ]
            }
        ]
        """)
            .hashrings()
            .get(0);
    assertEquals(TenantMatcherType.GLOB, r.tenantMatcherType());
    assertEquals(List.of("foo*"), r.tenants());
  }

  @Test
  void thanosDocsAzAwareKetama() throws Exception {
    Ring r =
        HashringConfig.parse(
                """
        [
            {
                "endpoints": [
                  {"address": "127.0.0.1:10907", "az": "A"},
                  {"address": "127.0.0.1:11907", "az": "B"},
                  {"address": "127.0.0.1:12907", "az": "C"},
                  {"address": "127.0.0.1:13907", "az": "A"},
                  {"address": "127.0.0.1:14907", "az": "B"},
                  {"address": "127.0.0.1:15907", "az": "C"}
                ]
            }
        ]
        """)
            .hashrings()
            .get(0);
    assertEquals(new Endpoint("127.0.0.1:10907", "A"), r.endpoints().get(0));
    assertEquals(new Endpoint("127.0.0.1:15907", "C"), r.endpoints().get(5));
  }

  @Test
  void thanosDocsCapnprotoAddressIsAccepted() throws Exception {
    Ring r =
        HashringConfig.parse(
                """
        [
            {
                "endpoints": [
                  {"address": "node-1:10901", "capnproto_address": "node-1:19391"},
                  {"address": "node-2:10901", "capnproto_address": "node-2:19391"},
                  {"address": "node-3:10901", "capnproto_address": "node-3:19391"}
                ]
            }
        ]
        """)
            .hashrings()
            .get(0);
    assertEquals(
        List.of(
            Endpoint.of("node-1:10901"), Endpoint.of("node-2:10901"), Endpoint.of("node-3:10901")),
        r.endpoints());
  }

  @Test
  void thanosDocsShuffleShardingIsRefusedByName() {
    HashringConfigException e =
        assertThrows(
            HashringConfigException.class,
            () ->
                HashringConfig.parse(
                    """
        [
            {
                "endpoints": [
                  {"address": "node-1:10901", "capnproto_address": "node-1:19391", "az": "foo"},
                  {"address": "node-2:10901", "capnproto_address": "node-2:19391", "az": "bar"}
                ],
                "algorithm": "ketama",
                "shuffle_sharding_config": {"shard_size": 2, "cache_size": 100}
            }
        ]
        """));
    assertEquals(Reason.INVALID, e.reason());
    assertTrue(
        e.getMessage().contains("[0]: \"shuffle_sharding_config\" is not supported"),
        e.getMessage());
  }

  @Test
  void everyFieldAndOrderIsKept() throws Exception {
    HashringConfig c =
        HashringConfig.parse(
            """
        [
          {"hashring": "a", "tenants": ["t1", "t2"], "tenant_matcher_type": "exact",
           "endpoints": ["x:1"], "algorithm": "hashmod", "external_labels": {"zone": "eu", "b": "1"}},
          {"hashring": "b", "tenants": ["team-*"], "tenant_matcher_type": "glob", "endpoints": ["y:1"], "algorithm": "ketama"},
          {"hashring": "rest", "endpoints": [{"address": "z:1"}], "tenants": null, "algorithm": "", "tenant_matcher_type": ""}
        ]
        """);
    List<Ring> rs = c.hashrings();
    assertEquals(List.of("a", "b", "rest"), rs.stream().map(Ring::name).toList());
    assertEquals(Algorithm.HASHMOD, rs.get(0).algorithm());
    assertEquals(Algorithm.KETAMA, rs.get(1).algorithm());
    assertNull(rs.get(2).algorithm(), "\"\" means absent, as in Go");
    assertEquals(TenantMatcherType.EXACT, rs.get(2).tenantMatcherType());
    assertEquals(
        List.of("b", "zone"), List.copyOf(rs.get(0).externalLabels().keySet()), "sorted by name");
    assertEquals("eu", rs.get(0).externalLabels().get("zone"));
    assertTrue(rs.get(2).catchAll());
  }

  @Test
  void warningsForThingsThatAreAllowedButWrong() throws Exception {
    HashringConfig c =
        HashringConfig.parse(
            """
        [
          {"hashring": "a", "tenants": ["t1", "bad/tenant"], "endpoints": ["x:1"]},
          {"hashring": "b", "tenants": ["t1"], "endpoints": ["y:1"]},
          {"hashring": "all", "endpoints": ["z:1"]},
          {"hashring": "late", "tenants": ["t9"], "endpoints": ["w:1"]}
        ]
        """);
    assertEquals(3, c.warnings().size(), c.warnings().toString());
    assertTrue(
        c.warnings().get(0).contains("\"bad/tenant\", which is not a valid tenant id"),
        c.warnings().get(0));
    assertTrue(
        c.warnings()
            .get(1)
            .contains("hashring [1] \"b\" lists tenant \"t1\", which hashring [0] already serves"),
        c.warnings().get(1));
    assertTrue(
        c.warnings().get(2).contains("hashring [3] \"late\" is never used"), c.warnings().get(2));
  }

  // Every error names where it is and what is wrong.

  @Test
  void emptyContentIsRefusedAsThanosDoes() {
    for (String empty : new String[] {"", "  \n", "null", "[]"}) {
      HashringConfigException e =
          assertThrows(HashringConfigException.class, () -> HashringConfig.parse(empty), empty);
      assertEquals(Reason.INVALID, e.reason());
      assertTrue(e.getMessage().contains("empty"), e.getMessage());
    }
  }

  @Test
  void parseErrors() {
    assertError(
        Reason.PARSE, "{}", "expected a JSON list of hashrings at the top level, found an object");
    assertError(Reason.PARSE, "[{\"endpoints\": [\"a\"]}", "not valid JSON at line 1");
    assertError(Reason.PARSE, "[{\"endpoints\": [\"a\"]}] x", "not valid JSON");
    assertError(
        Reason.PARSE,
        "[{\"endpoints\": [\"a\"], \"endpoints\": [\"b\"]}]",
        "Duplicate field 'endpoints'");
    assertError(Reason.PARSE, "[\"a:1\"]", "[0]: expected a hashring object, found a string");
    assertError(
        Reason.PARSE,
        "[{\"hashring\": 1, \"endpoints\": [\"a\"]}]",
        "[0].hashring: expected a string, found a number");
    assertError(
        Reason.PARSE,
        "[{\"tenants\": \"t\", \"endpoints\": [\"a\"]}]",
        "[0].tenants: expected a list of tenant names, found a string");
    assertError(
        Reason.PARSE,
        "[{\"tenants\": [1], \"endpoints\": [\"a\"]}]",
        "[0].tenants[0]: expected a string, found a number");
    assertError(
        Reason.PARSE,
        "[{\"endpoints\": \"a\"}]",
        "[0].endpoints: expected a list of endpoints, found a string");
    assertError(
        Reason.PARSE,
        "[{\"endpoints\": [7]}]",
        "[0].endpoints[0]: expected an address string or an object");
    assertError(
        Reason.PARSE,
        "[{\"endpoints\": [{\"address\": \"a\", \"az\": 3}]}]",
        "[0].endpoints[0].az: expected a string, found a number");
    assertError(
        Reason.PARSE,
        "[{\"endpoints\": [\"a\"], \"external_labels\": [\"x\"]}]",
        "[0].external_labels: expected an object of label names to values, found a list");
    assertError(
        Reason.PARSE,
        "[{\"endpoints\": [\"a\"], \"external_labels\": {\"x\": 1}}]",
        "[0].external_labels.x: expected a string value, found a number");
    assertError(
        Reason.PARSE,
        "[{\"endpoints\": [\"a\"]}, {\"endpoints\": [\"b\"], \"tenants\": [1]}]",
        "[1].tenants[0]: expected a string");
  }

  @Test
  void unknownKeysAreNamed() {
    assertError(
        Reason.INVALID,
        "[{\"endpoints\": [\"a\"], \"tenant\": [\"x\"], \"Algorithm\": \"ketama\"}]",
        "[0]: unknown keys \"tenant\", \"Algorithm\" (known keys: hashring, tenants, tenant_matcher_type, endpoints,"
            + " algorithm, external_labels; names are case-sensitive)");
    assertError(
        Reason.INVALID,
        "[{\"endpoints\": [{\"address\": \"a\", \"zone\": \"x\"}]}]",
        "[0].endpoints[0]: unknown key \"zone\" (known keys: address, az, capnproto_address)");
  }

  @Test
  void endpointsMustBeThereAndUsable() {
    assertError(
        Reason.INVALID,
        "[{\"hashring\": \"x\"}]",
        "[0].endpoints: missing: every hashring needs a non-empty \"endpoints\" list");
    assertError(Reason.INVALID, "[{\"endpoints\": null}]", "[0].endpoints: missing");
    assertError(
        Reason.INVALID,
        "[{\"endpoints\": []}]",
        "[0].endpoints: empty: every hashring needs at least one endpoint");
    assertError(
        Reason.INVALID,
        "[{\"endpoints\": [\"\"]}]",
        "[0].endpoints[0]: endpoint address must be set");
    assertError(
        Reason.INVALID,
        "[{\"endpoints\": [{\"az\": \"a\"}]}]",
        "[0].endpoints[0].address: endpoint address must be set");
    assertError(
        Reason.INVALID,
        "[{\"endpoints\": [\"a:1\", {\"address\": \"a:1\", \"az\": \"z\"}]}]",
        "[0].endpoints[1]: address a:1 is already endpoint [0] of this hashring");
  }

  @Test
  void matcherTypeAndAlgorithmMustBeKnown() {
    assertError(
        Reason.INVALID,
        "[{\"endpoints\": [\"a\"], \"tenant_matcher_type\": \"regex\"}]",
        "[0].tenant_matcher_type: unknown tenant matcher type \"regex\"; use \"exact\" (the default) or \"glob\"");
    assertError(
        Reason.INVALID,
        "[{\"endpoints\": [\"a\"], \"tenant_matcher_type\": \"Glob\"}]",
        "unknown tenant matcher type \"Glob\"");
    assertError(
        Reason.INVALID,
        "[{\"endpoints\": [\"a\"], \"algorithm\": \"consistent\"}]",
        "[0].algorithm: unknown algorithm \"consistent\"; use \"ketama\" or \"hashmod\"");
    assertError(
        Reason.INVALID,
        "[{\"endpoints\": [\"a\"], \"algorithm\": \"aligned_ketama\"}]",
        "unknown algorithm \"aligned_ketama\"");
  }

  @Test
  void hashmodWithZonesIsRefused() {
    assertError(
        Reason.INVALID,
        "[{\"algorithm\": \"hashmod\", \"endpoints\": [{\"address\": \"a\", \"az\": \"1\"}]}]",
        "[0]: the hashmod algorithm does not support availability zones (endpoint a has az \"1\")");
  }

  @Test
  void malformedGlobIsRefusedAtLoad() {
    assertError(
        Reason.INVALID,
        "[{\"tenants\": [\"ok*\", \"team-[a\"], \"tenant_matcher_type\": \"glob\", \"endpoints\": [\"a\"]}]",
        "[0].tenants[1]: bad glob pattern \"team-[a\": unterminated character class");
    // The same string is a fine exact tenant name.
    assertNoError("[{\"tenants\": [\"team-[a\"], \"endpoints\": [\"a\"]}]");
  }

  private static void assertError(Reason reason, String json, String expected) {
    HashringConfigException e =
        assertThrows(HashringConfigException.class, () -> HashringConfig.parse(json), json);
    assertTrue(
        e.getMessage().contains(expected), "expected \"" + expected + "\" in: " + e.getMessage());
    assertEquals(reason, e.reason(), e.getMessage());
  }

  private static void assertNoError(String json) {
    try {
      HashringConfig.parse(json);
    } catch (HashringConfigException e) {
      throw new AssertionError(json + ": " + e.getMessage(), e);
    }
  }
}
