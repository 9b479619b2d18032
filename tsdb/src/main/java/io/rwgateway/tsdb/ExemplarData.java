package io.rwgateway.tsdb;

import io.rwgateway.model.Labels;

/** One stored exemplar with the labels of its series, as a read returns it. */
public record ExemplarData(Labels series, Labels labels, long t, double v) {}
