package io.rwgateway.ingest.decode;

/**
 * Per-request validation limits of the remote-write decoder. Each maps to one command-line flag;
 * the flag is named in the rejection message so that an operator knows which knob to turn.
 *
 * @param maxLabelNamesPerSeries --receive.limits.max-label-names-per-series
 * @param maxLabelNameLength --receive.limits.max-label-name-length (bytes of UTF-8)
 * @param maxLabelValueLength --receive.limits.max-label-value-length (bytes of UTF-8)
 * @param maxFutureMillis --receive.limits.max-future: how far past "now" a timestamp may be
 * @param maxDecompressedBytes --remote-write.max-decompressed-bytes: 413 above this
 */
public record DecodeLimits(
    int maxLabelNamesPerSeries,
    int maxLabelNameLength,
    int maxLabelValueLength,
    long maxFutureMillis,
    int maxDecompressedBytes) {

  public static final String FLAG_MAX_LABEL_NAMES = "--receive.limits.max-label-names-per-series";
  public static final String FLAG_MAX_NAME_LENGTH = "--receive.limits.max-label-name-length";
  public static final String FLAG_MAX_VALUE_LENGTH = "--receive.limits.max-label-value-length";
  public static final String FLAG_MAX_FUTURE = "--receive.limits.max-future";
  public static final String FLAG_MAX_DECOMPRESSED = "--remote-write.max-decompressed-bytes";

  public DecodeLimits {
    if (maxLabelNamesPerSeries < 1
        || maxLabelNameLength < 1
        || maxLabelValueLength < 1
        || maxFutureMillis < 0
        || maxDecompressedBytes < 0) {
      throw new IllegalArgumentException(
          "decode limits must be positive: "
              + maxLabelNamesPerSeries
              + ", "
              + maxLabelNameLength
              + ", "
              + maxLabelValueLength
              + ", "
              + maxFutureMillis
              + ", "
              + maxDecompressedBytes);
    }
  }

  /**
   * The largest label set of one series, in the gateway's canonical bytes (lengths plus text),
   * whatever the label limits above allow.
   *
   * <p>NOTE: the WAL cuts its records at {@code tsdb.db.EncoderVisitor.FLUSH_BYTES}, and one entry
   * may then still be added, up to {@code Wal.MAX_PAYLOAD_BYTES}: every single entry (a series'
   * labels, a histogram, a metadata entry) has to fit that space, or the write would fail on every
   * retry. DecodeLimitsTest checks that these sizes do.
   */
  public static final int MAX_SERIES_LABEL_BYTES = 256 << 10;

  /** The largest native histogram message kept (a 160-bucket histogram is about 1 KB). */
  public static final int MAX_HISTOGRAM_BYTES = 64 << 10;

  /**
   * The largest metric family name, help or unit text kept in metadata; longer metadata is dropped.
   */
  public static final int MAX_METADATA_TEXT_BYTES = 64 << 10;

  /**
   * 64 label names, 1024-byte names, 4096-byte values, 10 minutes into the future, 32 MiB bodies.
   */
  public static DecodeLimits defaults() {
    return new DecodeLimits(64, 1024, 4096, 10 * 60 * 1000L, 32 * 1024 * 1024);
  }
}
