package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.query.ProxyRequest;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Thanos Query's request parameters as {@link ThanosReadParams} reads them (no server needed). */
class ThanosReadParamsTest {
  private static final ThanosReadParams PARAMS =
      new ThanosReadParams(null, true, List.of("replica"));

  private static ProxyRequest read(Map<String, List<String>> p) {
    return PARAMS.request(name -> p.getOrDefault(name, List.of()));
  }

  @Test
  void defaultsComeFromTheFlags() {
    ProxyRequest r = read(Map.of());
    assertTrue(r.dedup());
    assertTrue(r.partialResponse());
    assertEquals(Set.of("replica"), r.replicaLabels());
    assertTrue(r.storeMatchers().isEmpty());
  }

  @Test
  void parametersOverride() {
    ProxyRequest r =
        read(
            Map.of(
                "dedup", List.of("0"),
                "partial_response", List.of("F"),
                "replicaLabels[]", List.of("a", "b"),
                "storeMatch[]", List.of("{__address__=~\"store-.*\"}", "{__address__=\"x:1\"}"),
                "max_source_resolution", List.of("1h"),
                "engine", List.of("thanos")));
    assertFalse(r.dedup());
    assertFalse(r.partialResponse());
    assertEquals(Set.of("a", "b"), r.replicaLabels());
    assertEquals(2, r.storeMatchers().size());
    assertTrue(r.admits("store-1:10901"));
    assertTrue(r.admits("x:1"));
    assertFalse(r.admits("receive-0:10901"));
    for (String ok : List.of("", "auto", "0s", "300", "5m")) {
      read(Map.of("max_source_resolution", List.of(ok)));
    }
  }

  @Test
  void badValuesNameTheParameter() {
    for (var bad :
        List.of(
            Map.of("dedup", List.of("yes")),
            Map.of("partial_response", List.of("2")),
            Map.of("storeMatch[]", List.of("{__address__=")),
            Map.of("max_source_resolution", List.of("-5m")),
            Map.of("max_source_resolution", List.of("raw")))) {
      String name = bad.keySet().iterator().next();
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> read(bad));
      assertTrue(e.getMessage().contains(name), e.getMessage());
    }
  }
}
