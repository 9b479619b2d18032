package io.rwgateway.gateway;

import picocli.CommandLine.Option;

/**
 * Thanos' {@code --store.limits.request-series} and {@code --store.limits.request-samples}: limits
 * of one Series call to a role's StoreAPI (a picocli mixin).
 */
final class StoreLimitsFlags {
  @Option(
      names = "--store.limits.request-series",
      defaultValue = "0",
      paramLabel = "<n>",
      description =
          "Most series one StoreAPI Series call may return (RESOURCE_EXHAUSTED above); 0 = no limit. Default: ${DEFAULT-VALUE}.")
  long series;

  @Option(
      names = "--store.limits.request-samples",
      defaultValue = "0",
      paramLabel = "<n>",
      description =
          "Most samples (counted from chunk headers) one StoreAPI Series call may return (RESOURCE_EXHAUSTED above); 0 = no limit. Default: ${DEFAULT-VALUE}.")
  long samples;

  /**
   * @throws IllegalArgumentException when a limit is negative
   */
  void check() {
    if (series < 0 || samples < 0) {
      throw new IllegalArgumentException("--store.limits.* must not be negative");
    }
  }
}
