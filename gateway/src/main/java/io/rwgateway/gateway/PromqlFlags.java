package io.rwgateway.gateway;

import io.rwgateway.queryapi.QueryOptions;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The PromQL endpoints' limits, under Prometheus' and Thanos' flag names (a picocli mixin of the
 * roles that answer PromQL).
 */
final class PromqlFlags {
  @Option(
      names = "--query.lookback-delta",
      defaultValue = "5m",
      converter = Durations.class,
      paramLabel = "<duration>",
      description =
          "How far back PromQL looks for a series' latest sample at each step. Default: ${DEFAULT-VALUE}.")
  Duration lookbackDelta;

  @Option(
      names = "--query.max-samples",
      defaultValue = "50000000",
      paramLabel = "<n>",
      description =
          "Most samples one PromQL query may hold in memory at once (422 above). Default: ${DEFAULT-VALUE}.")
  long maxSamples;

  @Option(
      names = "--query.timeout",
      defaultValue = "2m",
      converter = Durations.class,
      paramLabel = "<duration>",
      description =
          "Longest a PromQL query may run (503 after); a request's timeout parameter may only lower it. Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Option(
      names = "--query.max-concurrent",
      defaultValue = "20",
      paramLabel = "<n>",
      description =
          "PromQL queries evaluated at once; the rest wait for a turn within their timeout. Default: ${DEFAULT-VALUE}.")
  int maxConcurrent;

  /**
   * @throws IllegalArgumentException when a value is not positive
   */
  QueryOptions options() {
    return new QueryOptions(
        lookbackDelta.toMillis(), maxSamples, timeout.toMillis(), maxConcurrent);
  }
}
