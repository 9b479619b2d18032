package io.rwgateway.ingest.forward;

import io.rwgateway.model.Varint;
import io.rwgateway.tsdb.WriteBatch;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Encodes a {@code thanos.WriteRequest} for some series of a {@link WriteBatch} straight from the
 * batch's columns: labels from their canonical bytes, samples and exemplars from the arrays,
 * histograms as the raw messages the batch kept. No generated message objects; the only allocation
 * is the output array, sized exactly by a first pass.
 *
 * <p>Fields are written in field-number order and proto3 defaults (0, +0.0, "") are left out, as
 * the generated serializer does, so the bytes are the same as the generated code would produce.
 * Metadata is not sent: {@code thanos.WriteRequest} has no field for it (Thanos drops it too).
 */
final class ForwardEncoder {
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  // Keys: (field << 3) | wire type.
  private static final int REQ_SERIES = 1 << 3 | 2;
  private static final int REQ_TENANT = 2 << 3 | 2;
  private static final int REQ_REPLICA = 3 << 3;
  private static final int TS_LABEL = 1 << 3 | 2;
  private static final int TS_SAMPLE = 2 << 3 | 2;
  private static final int TS_EXEMPLAR = 3 << 3 | 2;
  private static final int TS_HISTOGRAM = 4 << 3 | 2;
  private static final int LABEL_NAME = 1 << 3 | 2;
  private static final int LABEL_VALUE = 2 << 3 | 2;
  private static final int SAMPLE_VALUE = 1 << 3 | 1;
  private static final int SAMPLE_T = 2 << 3;
  private static final int EXEMPLAR_LABEL = 1 << 3 | 2;
  private static final int EXEMPLAR_VALUE = 2 << 3 | 1;
  private static final int EXEMPLAR_T = 3 << 3;

  private ForwardEncoder() {}

  /**
   * A forward is cut into requests of about this many bytes at most (a series is never split).
   * NOTE: a peer refuses messages over its decompressed-body limit (32 MiB by default) as
   * RESOURCE_EXHAUSTED, which is not retryable; a remote write 2.0 body under that limit can grow
   * several times when its symbol references become inline labels here, so a forward must not
   * assume that what fit in one HTTP request fits in one gRPC message.
   */
  static final int MAX_REQUEST_BYTES = 4 << 20;

  /** The encoded size of each of {@code series[0..count)} (its message, without key and length). */
  static int[] seriesSizes(WriteBatch b, int[] series, int count) {
    int[] sizes = new int[count];
    for (int k = 0; k < count; k++) {
      sizes[k] = seriesSize(b, series[k]);
    }
    return sizes;
  }

  /**
   * The end of the next request starting at {@code from}: series up to {@code maxBytes}, at least
   * one.
   */
  static int cut(int[] sizes, int from, int count, long maxBytes) {
    long size = field(sizes[from]);
    int to = from + 1;
    while (to < count && size + field(sizes[to]) <= maxBytes) {
      size += field(sizes[to]);
      to++;
    }
    return to;
  }

  /**
   * Encodes series {@code series[0..count)} of {@code b} (indexes into its series columns) with
   * {@code tenant} and the wire replica number (0 = not replicated, else 1-based), as one request.
   */
  static byte[] encode(WriteBatch b, int[] series, int count, String tenant, long replica) {
    return encode(b, series, seriesSizes(b, series, count), 0, count, tenant, replica);
  }

  /** The same for {@code series[from..to)}, whose sizes {@link #seriesSizes} computed. */
  static byte[] encode(
      WriteBatch b, int[] series, int[] sizes, int from, int to, String tenant, long replica) {
    byte[] tenantBytes = tenant.getBytes(StandardCharsets.UTF_8);
    long size = 0;
    for (int k = from; k < to; k++) {
      size += field(sizes[k]);
    }
    if (tenantBytes.length > 0) {
      size += field(tenantBytes.length);
    }
    if (replica != 0) {
      size += 1 + Varint.size(replica);
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "forward request of " + size + " bytes is too large to encode");
    }
    byte[] out = new byte[(int) size];
    int p = 0;
    for (int k = from; k < to; k++) {
      int i = series[k];
      out[p++] = REQ_SERIES;
      p = Varint.put(out, p, sizes[k]);
      p = writeSeries(b, i, out, p);
    }
    if (tenantBytes.length > 0) {
      out[p++] = REQ_TENANT;
      p = Varint.put(out, p, tenantBytes.length);
      System.arraycopy(tenantBytes, 0, out, p, tenantBytes.length);
      p += tenantBytes.length;
    }
    if (replica != 0) {
      out[p++] = REQ_REPLICA;
      p = Varint.put(out, p, replica);
    }
    if (p != out.length) {
      throw new IllegalStateException("encoded " + p + " bytes, sized " + out.length);
    }
    return out;
  }

  /** A one-byte key, the length prefix and the body. */
  private static long field(long len) {
    return 1 + Varint.size(len) + len;
  }

  private static int seriesSize(WriteBatch b, int i) {
    long n = labelsSize(b.bytes, b.seriesLabelsOff[i], b.seriesLabelsLen[i]);
    int s0 = b.seriesFirstSample[i];
    for (int s = s0, end = s0 + b.seriesSampleCount[i]; s < end; s++) {
      n += field(valueTimeSize(b.sampleV[s], b.sampleT[s]));
    }
    int e0 = b.seriesFirstExemplar[i];
    for (int e = e0, end = e0 + b.seriesExemplarCount[i]; e < end; e++) {
      n += field(exemplarSize(b, e));
    }
    int h0 = b.seriesFirstHistogram[i];
    for (int h = h0, end = h0 + b.seriesHistogramCount[i]; h < end; h++) {
      n += field(b.histLen[h]);
    }
    return Math.toIntExact(n);
  }

  private static int writeSeries(WriteBatch b, int i, byte[] out, int p) {
    p = writeLabels(b.bytes, b.seriesLabelsOff[i], b.seriesLabelsLen[i], TS_LABEL, out, p);
    int s0 = b.seriesFirstSample[i];
    for (int s = s0, end = s0 + b.seriesSampleCount[i]; s < end; s++) {
      out[p++] = TS_SAMPLE;
      p = Varint.put(out, p, valueTimeSize(b.sampleV[s], b.sampleT[s]));
      p = writeValueTime(b.sampleV[s], b.sampleT[s], SAMPLE_VALUE, SAMPLE_T, out, p);
    }
    int e0 = b.seriesFirstExemplar[i];
    for (int e = e0, end = e0 + b.seriesExemplarCount[i]; e < end; e++) {
      out[p++] = TS_EXEMPLAR;
      p = Varint.put(out, p, exemplarSize(b, e));
      p = writeLabels(b.bytes, b.exLabelsOff[e], b.exLabelsLen[e], EXEMPLAR_LABEL, out, p);
      p = writeValueTime(b.exV[e], b.exT[e], EXEMPLAR_VALUE, EXEMPLAR_T, out, p);
    }
    int h0 = b.seriesFirstHistogram[i];
    for (int h = h0, end = h0 + b.seriesHistogramCount[i]; h < end; h++) {
      out[p++] = TS_HISTOGRAM;
      p = Varint.put(out, p, b.histLen[h]);
      System.arraycopy(b.bytes, b.histOff[h], out, p, b.histLen[h]);
      p += b.histLen[h];
    }
    return p;
  }

  private static long exemplarSize(WriteBatch b, int e) {
    return labelsSize(b.bytes, b.exLabelsOff[e], b.exLabelsLen[e])
        + valueTimeSize(b.exV[e], b.exT[e]);
  }

  /** A value (fixed64) and a timestamp (varint), each left out when zero. */
  private static int valueTimeSize(double v, long t) {
    return (Double.doubleToRawLongBits(v) != 0 ? 9 : 0) + (t != 0 ? 1 + Varint.size(t) : 0);
  }

  private static int writeValueTime(
      double v, long t, int valueKey, int timeKey, byte[] out, int p) {
    long bits = Double.doubleToRawLongBits(v);
    if (bits != 0) {
      out[p++] = (byte) valueKey;
      LONG_LE.set(out, p, bits);
      p += 8;
    }
    if (t != 0) {
      out[p++] = (byte) timeKey;
      p = Varint.put(out, p, t);
    }
    return p;
  }

  /** Bytes of the Label fields for canonical label bytes {@code [off, off + len)}. */
  private static long labelsSize(byte[] lb, int off, int len) {
    long n = 0;
    int p = off;
    int end = off + len;
    while (p < end) {
      int nameLen = Varint.getInt(lb, p);
      p += Varint.size(nameLen) + nameLen;
      int valueLen = Varint.getInt(lb, p);
      p += Varint.size(valueLen) + valueLen;
      n += field(labelSize(nameLen, valueLen));
    }
    return n;
  }

  private static int labelSize(int nameLen, int valueLen) {
    return (nameLen > 0 ? (int) field(nameLen) : 0) + (valueLen > 0 ? (int) field(valueLen) : 0);
  }

  private static int writeLabels(byte[] lb, int off, int len, int key, byte[] out, int p) {
    int q = off;
    int end = off + len;
    while (q < end) {
      int nameLen = Varint.getInt(lb, q);
      int nameAt = q + Varint.size(nameLen);
      q = nameAt + nameLen;
      int valueLen = Varint.getInt(lb, q);
      int valueAt = q + Varint.size(valueLen);
      q = valueAt + valueLen;
      out[p++] = (byte) key;
      p = Varint.put(out, p, labelSize(nameLen, valueLen));
      p = writeString(LABEL_NAME, lb, nameAt, nameLen, out, p);
      p = writeString(LABEL_VALUE, lb, valueAt, valueLen, out, p);
    }
    return p;
  }

  private static int writeString(int key, byte[] src, int at, int len, byte[] out, int p) {
    if (len == 0) {
      return p;
    }
    out[p++] = (byte) key;
    p = Varint.put(out, p, len);
    System.arraycopy(src, at, out, p, len);
    return p + len;
  }
}
