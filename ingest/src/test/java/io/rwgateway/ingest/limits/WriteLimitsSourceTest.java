package io.rwgateway.ingest.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteLimitsSourceTest {
  @TempDir Path dir;

  private static double counter(PrometheusRegistry reg, String name) {
    for (MetricSnapshot m : reg.scrape()) {
      if (m.getMetadata().getPrometheusName().equals(name)) {
        return ((CounterSnapshot) m).getDataPoints().get(0).getValue();
      }
    }
    throw new AssertionError("no metric " + name);
  }

  @Test
  void aChangedFileIsTakenAndABadOneKeepsTheLastGoodLimits() throws Exception {
    Path f = dir.resolve("limits.yaml");
    Files.writeString(f, "write:\n  default:\n    request:\n      series_limit: 10\n");
    PrometheusRegistry reg = new PrometheusRegistry();
    WriteLimitsSource s = WriteLimitsSource.fromFile(f, reg);
    assertEquals(10, s.current().defaults().series());
    assertFalse(s.reloadIfChanged(), "unchanged");

    Files.writeString(f, "write:\n  default:\n    request:\n      series_limit: 20\n");
    assertTrue(s.reloadIfChanged());
    assertEquals(20, s.current().defaults().series());

    Files.writeString(f, "write:\n  default:\n    request:\n      series_limt: 30\n");
    assertFalse(s.reloadIfChanged());
    assertEquals(20, s.current().defaults().series(), "the last good limits stay");
    assertEquals(1, counter(reg, "rwgateway_receive_limits_config_reload_err"));

    Files.delete(f);
    assertFalse(s.reloadIfChanged());
    assertEquals(20, s.current().defaults().series());

    Files.writeString(f, "write:\n  default:\n    request:\n      series_limit: 40\n");
    assertTrue(s.reloadIfChanged());
    assertEquals(40, s.current().defaults().series());
    assertEquals(2, counter(reg, "rwgateway_receive_limits_config_reload"));
    s.close();
  }

  @Test
  void aBadFileAtStartIsAnError() throws Exception {
    Path f = dir.resolve("limits.yaml");
    Files.writeString(f, "write:\n  defaults: {}\n");
    LimitsConfigException e =
        assertThrows(
            LimitsConfigException.class,
            () -> WriteLimitsSource.fromFile(f, new PrometheusRegistry()));
    assertTrue(e.getMessage().startsWith("limits file " + f + ": unknown key write.defaults"));
    assertThrows(
        LimitsConfigException.class,
        () -> WriteLimitsSource.fromFile(dir.resolve("missing.yaml"), new PrometheusRegistry()));
  }
}
