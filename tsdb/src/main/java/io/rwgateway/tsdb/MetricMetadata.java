package io.rwgateway.tsdb;

/**
 * A metric family's metadata as the head keeps it.
 *
 * @param type RW 1.0 {@code MetricMetadata.MetricType} number (0 unknown, 1 counter, 2 gauge, ...)
 */
public record MetricMetadata(int type, String help, String unit) {}
