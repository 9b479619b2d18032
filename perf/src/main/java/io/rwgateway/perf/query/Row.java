package io.rwgateway.perf.query;

/**
 * One line of the table: a query of one kind on every receiver.
 *
 * @param query the PromQL text
 * @param kind "instant" or "range"
 * @param series per receiver, the series of its (warm-up) answer, -1 on an error
 * @param medianNanos per receiver, the median latency of the timed runs
 * @param peakRss per receiver, the highest VmRSS sampled while this query ran
 * @param mismatch null when the answers agree, else the first difference
 */
record Row(
    String query, String kind, int[] series, long[] medianNanos, long[] peakRss, String mismatch) {}
