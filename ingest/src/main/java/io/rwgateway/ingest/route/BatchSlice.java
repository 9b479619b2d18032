package io.rwgateway.ingest.route;

import io.rwgateway.tsdb.WriteBatch;

/** Copies chosen series of a batch (labels, samples, histograms, exemplars) into another batch. */
final class BatchSlice {
  private BatchSlice() {}

  /**
   * {@code dst} is reset; gets series {@code series[0..count)} of {@code src} and all its metadata.
   */
  static void copy(WriteBatch src, int[] series, int count, WriteBatch dst) {
    dst.reset();
    dst.tenant = src.tenant;
    byte[] b = src.bytes;
    for (int k = 0; k < count; k++) {
      int i = series[k];
      int off = dst.reserveBytes(src.seriesLabelsLen[i]);
      System.arraycopy(b, src.seriesLabelsOff[i], dst.bytes, off, src.seriesLabelsLen[i]);
      dst.beginSeries(src.seriesHash[i], off, src.seriesLabelsLen[i]);
      dst.seriesHint[dst.seriesCount - 1] = src.seriesHint[i];
      for (int j = src.seriesFirstSample[i], end = j + src.seriesSampleCount[i]; j < end; j++) {
        dst.addSample(src.sampleT[j], src.sampleV[j]);
      }
      for (int j = src.seriesFirstHistogram[i], end = j + src.seriesHistogramCount[i];
          j < end;
          j++) {
        int h = dst.reserveBytes(src.histLen[j]);
        System.arraycopy(b, src.histOff[j], dst.bytes, h, src.histLen[j]);
        dst.addHistogram(src.histT[j], h, src.histLen[j]);
      }
      for (int j = src.seriesFirstExemplar[i], end = j + src.seriesExemplarCount[i]; j < end; j++) {
        int e = dst.reserveBytes(src.exLabelsLen[j]);
        System.arraycopy(b, src.exLabelsOff[j], dst.bytes, e, src.exLabelsLen[j]);
        dst.addExemplar(src.exT[j], src.exV[j], e, src.exLabelsLen[j]);
      }
    }
    // NOTE: metadata is not placed on the ring (it belongs to a metric family, and Thanos'
    // forwarding message has no field for it); the receiving router keeps it locally.
    for (int m = 0; m < src.metaCount; m++) {
      int n = put(src, dst, src.metaNameOff[m], src.metaNameLen[m]);
      int h = put(src, dst, src.metaHelpOff[m], src.metaHelpLen[m]);
      int u = put(src, dst, src.metaUnitOff[m], src.metaUnitLen[m]);
      dst.addMetadata(
          src.metaType[m], n, src.metaNameLen[m], h, src.metaHelpLen[m], u, src.metaUnitLen[m]);
    }
  }

  private static int put(WriteBatch src, WriteBatch dst, int off, int len) {
    int at = dst.reserveBytes(len);
    System.arraycopy(src.bytes, off, dst.bytes, at, len);
    return at;
  }
}
