package io.rwgateway.ingest.limits;

import java.util.Map;
import java.util.TreeMap;

/**
 * Write limits as Thanos Receive's limits file sets them: a global write concurrency, limits per
 * request (body bytes, series, samples) and on a tenant's head series, by default and per tenant. A
 * tenant's own value, where set, replaces the default's; 0 (or less) means no limit. Immutable.
 *
 * @param maxConcurrency write requests handled at once, all tenants together (0: no limit)
 * @param defaults the limits of a tenant without its own
 * @param tenants each listed tenant's limits, its unset values already taken from the defaults
 * @param metaMonitoringUrl where Thanos would ask for the tenants' head series; kept to say that
 *     this gateway counts its own heads instead (see docs/limits.md), or null
 */
public record WriteLimits(
    long maxConcurrency,
    TenantLimits defaults,
    Map<String, TenantLimits> tenants,
    String metaMonitoringUrl) {

  /** No limit at all: what a gateway without a limits file enforces. */
  public static final WriteLimits NONE = new WriteLimits(0, TenantLimits.NONE, Map.of(), null);

  public WriteLimits {
    tenants = Map.copyOf(new TreeMap<>(tenants));
  }

  /** The limits of {@code tenant}: its own, or the defaults. */
  public TenantLimits forTenant(String tenant) {
    TenantLimits t = tenants.get(tenant);
    return t == null ? defaults : t;
  }

  /** Whether any tenant has a head series limit. */
  public boolean limitsHeadSeries() {
    if (defaults.headSeries() > 0) {
      return true;
    }
    for (TenantLimits t : tenants.values()) {
      if (t.headSeries() > 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * One tenant's limits; each 0 or less = none.
   *
   * @param sizeBytes a request's body, compressed and decompressed ({@code size_bytes_limit})
   * @param series time series in one request ({@code series_limit})
   * @param samples float samples in one request ({@code samples_limit})
   * @param headSeries series in the tenant's head; at or above it, writes are refused ({@code
   *     head_series_limit})
   */
  public record TenantLimits(long sizeBytes, long series, long samples, long headSeries) {
    public static final TenantLimits NONE = new TenantLimits(0, 0, 0, 0);
  }
}
