package io.rwgateway.tsdb;

import io.rwgateway.model.Labels;

/**
 * The samples of one series over a time range, as a read returns them. Float samples and native
 * histograms are each sorted by time; histograms are raw protobuf {@code Histogram} messages.
 */
public record SeriesData(
    Labels labels, long[] sampleT, double[] sampleV, long[] histT, byte[][] histograms) {
  public int sampleCount() {
    return sampleT.length;
  }
}
