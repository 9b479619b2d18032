package io.rwgateway.queryapi;

import io.rwgateway.promql.engine.Engine;

/**
 * The PromQL endpoints' limits, as Prometheus' flags name them: {@code --query.lookback-delta},
 * {@code --query.max-samples}, {@code --query.timeout}, {@code --query.max-concurrent}.
 */
public record QueryOptions(
    long lookbackMillis, long maxSamples, long timeoutMillis, int maxConcurrent) {
  public static final QueryOptions DEFAULTS = new QueryOptions(300_000, 50_000_000, 120_000, 20);

  public QueryOptions {
    if (lookbackMillis <= 0 || maxSamples <= 0 || timeoutMillis <= 0 || maxConcurrent <= 0) {
      throw new IllegalArgumentException(
          "query options must be positive: lookback "
              + lookbackMillis
              + " ms, max samples "
              + maxSamples
              + ", timeout "
              + timeoutMillis
              + " ms, max concurrent "
              + maxConcurrent);
    }
  }

  Engine.Options engine() {
    return new Engine.Options(lookbackMillis, maxSamples, 60_000);
  }
}
