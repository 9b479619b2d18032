package io.rwgateway.hashring;

import io.rwgateway.model.LabelBytes;
import java.util.List;

/**
 * Synthetic series for placement tests: node-exporter-like label sets, distinct per index and salt.
 */
final class Series {
  private Series() {}

  static byte[] labels(int i, long salt) {
    return LabelBytes.encode(
        "__name__",
        "node_cpu_seconds_total",
        "cpu",
        String.valueOf(i % 64),
        "instance",
        "host-" + (i / 64) + "-" + Long.toHexString(salt) + ":9100",
        "job",
        "node",
        "mode",
        "idle");
  }

  /** Thanos hashes of {@code count} series of one tenant. */
  static long[] hashes(String tenant, int count, long salt) {
    TenantPlacer p;
    try {
      p = new TenantPlacer().bind(new HashmodHashring("h", List.of(Endpoint.of("x")), 1), tenant);
    } catch (HashringConfigException e) {
      throw new AssertionError(e);
    }
    long[] h = new long[count];
    for (int i = 0; i < count; i++) {
      byte[] b = labels(i, salt);
      h[i] = p.hash(b, 0, b.length);
    }
    return h;
  }
}
