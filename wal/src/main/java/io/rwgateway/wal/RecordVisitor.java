package io.rwgateway.wal;

/**
 * Receives the entries of one decoded WAL record, in the order they must be applied: series
 * definitions first, then samples, histograms, exemplars and metadata. Byte ranges are valid only
 * during the call.
 */
public interface RecordVisitor {
  /** A new series: {@code ref} is the head's id for it; labels in LabelBytes form. */
  void series(long ref, byte[] labels, int off, int len);

  void sample(long ref, long t, double v);

  /** A native histogram as its raw protobuf Histogram message. */
  void histogram(long ref, long t, byte[] proto, int off, int len);

  void exemplar(long ref, long t, double v, byte[] labels, int off, int len);

  /** Metric family metadata; type in RW 1.0 MetricMetadata.MetricType numbering; UTF-8 strings. */
  void metadata(
      int type,
      byte[] b,
      int nameOff,
      int nameLen,
      int helpOff,
      int helpLen,
      int unitOff,
      int unitLen);
}
