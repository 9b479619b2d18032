package io.rwgateway.perf.query;

import java.util.List;

/**
 * The fixed queries, each run as an instant query at the data's last timestamp and as a range query
 * over its last hour. They cover what a dashboard does: select, rate, aggregate, histogram
 * quantiles, both kinds of vector matching, topk, a subquery and a plain range function.
 */
final class QuerySet {
  private QuerySet() {}

  static final List<String> QUERIES =
      List.of(
          "http_requests_total{job=\"a\"}",
          "rate(http_requests_total[5m])",
          "sum by (job) (rate(http_requests_total[5m]))",
          "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))",
          "rate(http_errors_total[5m]) / rate(http_requests_total[5m])",
          "rate(http_requests_total[5m]) * on (job, instance) group_left (version) target_info",
          "topk(10, rate(http_requests_total[5m]))",
          "max_over_time(rate(http_requests_total[5m])[30m:1m])",
          "count_over_time(http_requests_total[10m])");

  /** Range queries cover this much before the data's last timestamp, at {@link #RANGE_STEP}. */
  static final long RANGE_SECONDS = 3600;

  static final String RANGE_STEP = "15s";
}
