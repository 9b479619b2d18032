package io.rwgateway.queryapi;

import io.rwgateway.model.PromDuration;
import io.rwgateway.promql.engine.Engine;
import java.util.LinkedHashMap;
import java.util.Map;

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

  /**
   * The options as {@code /api/v1/status/flags} shows them: the gateway's flag names (without
   * {@code --}), values as the flags take them.
   */
  public Map<String, String> flags() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("query.lookback-delta", PromDuration.format(lookbackMillis));
    f.put("query.max-samples", Long.toString(maxSamples));
    f.put("query.timeout", PromDuration.format(timeoutMillis));
    f.put("query.max-concurrent", Integer.toString(maxConcurrent));
    return f;
  }

  Engine.Options engine() {
    return new Engine.Options(lookbackMillis, maxSamples, 60_000);
  }
}
