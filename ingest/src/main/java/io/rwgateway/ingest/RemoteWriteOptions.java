package io.rwgateway.ingest;

import io.rwgateway.ingest.decode.DecodeLimits;

/**
 * Settings of the remote-write endpoint.
 *
 * @param tenantHeader request header naming the tenant (Thanos: THANOS-TENANT)
 * @param defaultTenant tenant of requests without the header
 * @param limits decoding limits
 * @param maxRequestBytes largest compressed body accepted (413 above)
 */
public record RemoteWriteOptions(
    String tenantHeader, String defaultTenant, DecodeLimits limits, int maxRequestBytes) {
  public static RemoteWriteOptions defaults() {
    return new RemoteWriteOptions(
        "THANOS-TENANT", "default-tenant", DecodeLimits.defaults(), 16 << 20);
  }
}
