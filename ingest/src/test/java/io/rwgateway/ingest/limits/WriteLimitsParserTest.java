package io.rwgateway.ingest.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.ingest.limits.WriteLimits.TenantLimits;
import org.junit.jupiter.api.Test;

/** Thanos' limits YAML: every key, the default-to-tenant overlay, and what it refuses. */
class WriteLimitsParserTest {
  private static final String FULL =
      String.join(
          "\n",
          "write:",
          "  global:",
          "    max_concurrency: 30",
          "    meta_monitoring_url: \"http://localhost:9090\"",
          "    meta_monitoring_limit_query: \"sum(prometheus_tsdb_head_series) by (tenant)\"",
          "    meta_monitoring_http_client:",
          "      basic_auth: {username: u, password: p}",
          "  default:",
          "    request:",
          "      size_bytes_limit: 1024",
          "      series_limit: 1000",
          "      samples_limit: 10",
          "    head_series_limit: 1000",
          "  tenants:",
          "    acme:",
          "      request:",
          "        size_bytes_limit: 0",
          "        series_limit: 0",
          "        samples_limit: 0",
          "      head_series_limit: 2000",
          "    ajax:",
          "      request:",
          "        series_limit: 50000",
          "        samples_limit: 500",
          "    quiet:",
          "");

  @Test
  void everyKeyAndTheOverlay() throws Exception {
    WriteLimits l = WriteLimitsParser.parse(FULL);
    assertEquals(30, l.maxConcurrency());
    assertEquals("http://localhost:9090", l.metaMonitoringUrl());
    assertEquals(new TenantLimits(1024, 1000, 10, 1000), l.defaults());
    assertEquals(new TenantLimits(0, 0, 0, 2000), l.forTenant("acme"));
    // Unset values come from the defaults.
    assertEquals(new TenantLimits(1024, 50000, 500, 1000), l.forTenant("ajax"));
    assertEquals(l.defaults(), l.forTenant("quiet"));
    assertEquals(l.defaults(), l.forTenant("anyone-else"));
    assertTrue(l.limitsHeadSeries());
  }

  @Test
  void emptyDocumentsMeanNoLimits() throws Exception {
    assertSame(WriteLimits.NONE, WriteLimitsParser.parse(""));
    assertSame(WriteLimits.NONE, WriteLimitsParser.parse("write:\n"));
    WriteLimits l = WriteLimitsParser.parse("write:\n  default:\n    request:\n");
    assertEquals(TenantLimits.NONE, l.defaults());
    assertFalse(l.limitsHeadSeries());
  }

  private static String refused(String yaml) {
    return assertThrows(LimitsConfigException.class, () -> WriteLimitsParser.parse(yaml))
        .getMessage();
  }

  @Test
  void badFilesSayWhatIsWrongAndWhere() {
    assertEquals(
        "unknown key write.default.request.sample_limit (known here: samples_limit, series_limit,"
            + " size_bytes_limit)",
        refused("write:\n  default:\n    request:\n      sample_limit: 5\n"));
    assertEquals("unknown key read (known here: write)", refused("read:\n  default: {}\n"));
    assertEquals(
        "unknown key write.tenants.acme.head_series (known here: head_series_limit, request)",
        refused("write:\n  tenants:\n    acme:\n      head_series: 5\n"));
    assertTrue(
        refused("write:\n  global:\n    max_concurrency: lots\n")
            .startsWith("write.global.max_concurrency must be an integer, not string"));
    assertTrue(
        refused("write:\n  default:\n    head_series_limit: -1\n")
            .startsWith("write.default.head_series_limit must not be negative"));
    assertTrue(
        refused("write:\n  global:\n    meta_monitoring_url: localhost:9090/x\n")
            .contains("is not a valid meta-monitoring URL"));
    assertTrue(
        refused("write:\n  tenants: [a, b]\n").startsWith("write.tenants must be a mapping"));
    assertTrue(refused("write: [\n").startsWith("parsing config YAML file"));
    assertTrue(
        refused("write:\n  default: {}\n  default: {}\n").startsWith("parsing config YAML file"));
  }
}
