package io.rwgateway.perf.load;

/**
 * One batch's request body, already snappy-compressed, with the offsets (in the compressed bytes)
 * of every sample's value and timestamp. A send overwrites them in place: no protobuf encoding and
 * no compression happen in the send loop. A template is used by one sender at a time.
 */
final class RequestTemplate {
  /** Bytes patched per sample: double value (8), timestamp tag (1), timestamp varint (6). */
  static final int PATCH_LENGTH = 15;

  /** Epoch milliseconds between 2^35 (1971) and 2^42 (2109) encode as exactly 6 varint bytes. */
  static final long MIN_TS = 1L << 35;

  static final long MAX_TS = (1L << 42) - 1;

  final int batch;
  final String tenant;
  final int firstSlot;
  final int[] generations;
  final int samplesPerSeries;
  final byte[] body;
  final int uncompressedLength;
  private final int[] patchOffsets;

  /** Set by the sender after its first 2xx, for the expected series counts of --verify. */
  boolean delivered;

  RequestTemplate(
      int batch,
      String tenant,
      int firstSlot,
      int[] generations,
      int samplesPerSeries,
      byte[] body,
      int uncompressedLength,
      int[] patchOffsets) {
    this.batch = batch;
    this.tenant = tenant;
    this.firstSlot = firstSlot;
    this.generations = generations;
    this.samplesPerSeries = samplesPerSeries;
    this.body = body;
    this.uncompressedLength = uncompressedLength;
    this.patchOffsets = patchOffsets;
  }

  int samples() {
    return patchOffsets.length;
  }

  int seriesCount() {
    return generations.length;
  }

  /** Sets sample i of every series to {@code ts + i} and {@code value}. */
  void patch(long ts, double value) {
    if (ts < MIN_TS || ts + samplesPerSeries > MAX_TS) {
      throw new IllegalArgumentException("timestamp out of the 6-byte varint range: " + ts);
    }
    long bits = Double.doubleToRawLongBits(value);
    byte[] b = body;
    for (int j = 0; j < patchOffsets.length; j++) {
      int o = patchOffsets[j];
      long t = ts + j % samplesPerSeries;
      for (int k = 0; k < 8; k++) {
        b[o + k] = (byte) (bits >>> (8 * k));
      }
      o += 9;
      for (int k = 0; k < 5; k++) {
        b[o + k] = (byte) ((t >>> (7 * k)) & 0x7f | 0x80);
      }
      b[o + 5] = (byte) (t >>> 35);
    }
  }
}
