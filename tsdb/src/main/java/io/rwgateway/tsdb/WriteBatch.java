package io.rwgateway.tsdb;

import io.rwgateway.model.RejectReason;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * One decoded remote-write request, in columns of primitive arrays that are reused from request to
 * request. The ingest decoder fills it on a Netty event loop; the tenant's WAL writer thread hands
 * it to {@code TenantDb.append} (package {@code tsdb.db}) and records the outcome in it.
 *
 * <p>NOTE: columns rather than objects so that decoding and appending allocate nothing per sample:
 * arrays only grow (doubling) until they fit the largest request seen, then are reused.
 *
 * <p>Byte regions (series labels, exemplar labels, histogram messages, metadata strings) all live
 * in {@link #bytes}; labels are in the canonical {@link io.rwgateway.model.LabelBytes} form, sorted
 * and validated by the decoder. Histograms are kept as the raw protobuf {@code Histogram} message
 * (RW 1.0 and 2.0 share its field numbers), with the timestamp read out.
 */
public final class WriteBatch {
  /** The tenant the request belongs to (validated). */
  public String tenant;

  // ---- series: one entry per accepted TimeSeries message ----
  public int seriesCount;
  public long[] seriesHash = new long[64];
  public int[] seriesLabelsOff = new int[64];
  public int[] seriesLabelsLen = new int[64];
  public int[] seriesFirstSample = new int[64];
  public int[] seriesSampleCount = new int[64];
  public int[] seriesFirstHistogram = new int[64];
  public int[] seriesHistogramCount = new int[64];
  public int[] seriesFirstExemplar = new int[64];
  public int[] seriesExemplarCount = new int[64];

  /**
   * The head's series for each entry when it was looked up ahead of the writer (see {@code
   * TenantDb.resolveSeries}); null when not known. Opaque outside the head.
   */
  public Object[] seriesHint = new Object[64];

  // ---- shared byte region ----
  public byte[] bytes = new byte[16 * 1024];
  public int bytesLen;

  // ---- float samples, grouped by series in series order ----
  public int sampleCount;
  public long[] sampleT = new long[256];
  public double[] sampleV = new double[256];

  // ---- native histograms ----
  public int histCount;
  public long[] histT = new long[16];
  public int[] histOff = new int[16];
  public int[] histLen = new int[16];

  // ---- exemplars ----
  public int exCount;
  public long[] exT = new long[16];
  public double[] exV = new double[16];
  public int[] exLabelsOff = new int[16];
  public int[] exLabelsLen = new int[16];

  // ---- metadata (RW 1.0 request-level or RW 2.0 per-series); strings are UTF-8 in bytes ----
  public int metaCount;
  public byte[] metaType = new byte[8];
  public int[] metaNameOff = new int[8];
  public int[] metaNameLen = new int[8];
  public int[] metaHelpOff = new int[8];
  public int[] metaHelpLen = new int[8];
  public int[] metaUnitOff = new int[8];
  public int[] metaUnitLen = new int[8];

  // ---- outcome ----
  public int samplesWritten;
  public int histogramsWritten;
  public int exemplarsWritten;
  public int metadataWritten;

  /** Counts by {@link RejectReason#ordinal()}. */
  public final int[] rejected = new int[RejectReason.values().length];

  /** First rejection of each kind, one line each; built only once per request. */
  public String firstBadData;

  public String firstConflict;

  /** A transient failure (WAL I/O): the request is answered 503 and may be retried. */
  public Throwable failure;

  /** Opaque slot for the ingest layer to find its request again when the batch completes. */
  public Object attachment;

  public void reset() {
    tenant = null;
    seriesCount = 0;
    bytesLen = 0;
    sampleCount = 0;
    histCount = 0;
    exCount = 0;
    metaCount = 0;
    samplesWritten = 0;
    histogramsWritten = 0;
    exemplarsWritten = 0;
    metadataWritten = 0;
    Arrays.fill(rejected, 0);
    firstBadData = null;
    firstConflict = null;
    failure = null;
    attachment = null;
  }

  /**
   * Reserves {@code n} bytes in {@link #bytes} and returns their offset (re-read {@link #bytes}).
   */
  public int reserveBytes(int n) {
    int off = bytesLen;
    int need = off + n;
    if (need > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(need, bytes.length * 2));
    }
    bytesLen = need;
    return off;
  }

  /**
   * Starts a series whose label bytes are already in {@link #bytes}; samples, histograms and
   * exemplars added next belong to it. Returns its index.
   */
  public int beginSeries(long hash, int labelsOff, int labelsLen) {
    int i = seriesCount;
    if (i == seriesHash.length) {
      int n = i * 2;
      seriesHash = Arrays.copyOf(seriesHash, n);
      seriesLabelsOff = Arrays.copyOf(seriesLabelsOff, n);
      seriesLabelsLen = Arrays.copyOf(seriesLabelsLen, n);
      seriesFirstSample = Arrays.copyOf(seriesFirstSample, n);
      seriesSampleCount = Arrays.copyOf(seriesSampleCount, n);
      seriesFirstHistogram = Arrays.copyOf(seriesFirstHistogram, n);
      seriesHistogramCount = Arrays.copyOf(seriesHistogramCount, n);
      seriesFirstExemplar = Arrays.copyOf(seriesFirstExemplar, n);
      seriesExemplarCount = Arrays.copyOf(seriesExemplarCount, n);
      seriesHint = Arrays.copyOf(seriesHint, n);
    }
    seriesHash[i] = hash;
    seriesLabelsOff[i] = labelsOff;
    seriesLabelsLen[i] = labelsLen;
    seriesFirstSample[i] = sampleCount;
    seriesSampleCount[i] = 0;
    seriesFirstHistogram[i] = histCount;
    seriesHistogramCount[i] = 0;
    seriesFirstExemplar[i] = exCount;
    seriesExemplarCount[i] = 0;
    seriesHint[i] = null;
    seriesCount = i + 1;
    return i;
  }

  /** Adds a float sample to the current series. */
  public void addSample(long t, double v) {
    int i = sampleCount;
    if (i == sampleT.length) {
      sampleT = Arrays.copyOf(sampleT, i * 2);
      sampleV = Arrays.copyOf(sampleV, i * 2);
    }
    sampleT[i] = t;
    sampleV[i] = v;
    sampleCount = i + 1;
    seriesSampleCount[seriesCount - 1]++;
  }

  /** Adds a histogram (its protobuf bytes already in {@link #bytes}) to the current series. */
  public void addHistogram(long t, int off, int len) {
    int i = histCount;
    if (i == histT.length) {
      histT = Arrays.copyOf(histT, i * 2);
      histOff = Arrays.copyOf(histOff, i * 2);
      histLen = Arrays.copyOf(histLen, i * 2);
    }
    histT[i] = t;
    histOff[i] = off;
    histLen[i] = len;
    histCount = i + 1;
    seriesHistogramCount[seriesCount - 1]++;
  }

  /** Adds an exemplar (its label bytes already in {@link #bytes}) to the current series. */
  public void addExemplar(long t, double v, int labelsOff, int labelsLen) {
    int i = exCount;
    if (i == exT.length) {
      exT = Arrays.copyOf(exT, i * 2);
      exV = Arrays.copyOf(exV, i * 2);
      exLabelsOff = Arrays.copyOf(exLabelsOff, i * 2);
      exLabelsLen = Arrays.copyOf(exLabelsLen, i * 2);
    }
    exT[i] = t;
    exV[i] = v;
    exLabelsOff[i] = labelsOff;
    exLabelsLen[i] = labelsLen;
    exCount = i + 1;
    seriesExemplarCount[seriesCount - 1]++;
  }

  /** Adds a metric family's metadata; type uses the RW 1.0 MetricMetadata.MetricType numbers. */
  public void addMetadata(
      int type, int nameOff, int nameLen, int helpOff, int helpLen, int unitOff, int unitLen) {
    int i = metaCount;
    if (i == metaType.length) {
      int n = i * 2;
      metaType = Arrays.copyOf(metaType, n);
      metaNameOff = Arrays.copyOf(metaNameOff, n);
      metaNameLen = Arrays.copyOf(metaNameLen, n);
      metaHelpOff = Arrays.copyOf(metaHelpOff, n);
      metaHelpLen = Arrays.copyOf(metaHelpLen, n);
      metaUnitOff = Arrays.copyOf(metaUnitOff, n);
      metaUnitLen = Arrays.copyOf(metaUnitLen, n);
    }
    metaType[i] = (byte) type;
    metaNameOff[i] = nameOff;
    metaNameLen[i] = nameLen;
    metaHelpOff[i] = helpOff;
    metaHelpLen[i] = helpLen;
    metaUnitOff[i] = unitOff;
    metaUnitLen[i] = unitLen;
    metaCount = i + 1;
  }

  /**
   * Counts {@code count} rejected items. {@code message} is called only for the first rejection of
   * its kind in this request, so the hot path builds no strings.
   */
  public void reject(RejectReason reason, int count, Supplier<String> message) {
    rejected[reason.ordinal()] += count;
    if (reason.kind() == RejectReason.Kind.BAD_DATA) {
      if (firstBadData == null) {
        firstBadData = message.get();
      }
    } else if (reason.kind() == RejectReason.Kind.CONFLICT && firstConflict == null) {
      firstConflict = message.get();
    }
  }

  /** Rejections that decide the answer (soft ones, such as out-of-order exemplars, do not). */
  public int rejectedTotal() {
    int n = 0;
    for (RejectReason r : RejectReason.values()) {
      if (r.kind() != RejectReason.Kind.SOFT) {
        n += rejected[r.ordinal()];
      }
    }
    return n;
  }

  /**
   * The one-line answer to a partly rejected write (HTTP body, gRPC status): {@code first}, the
   * first problem, then the rejection counts and what was written.
   */
  public String rejectSummary(String first) {
    StringBuilder sb = new StringBuilder(first.length() + 96).append(first).append(" (rejected:");
    for (RejectReason r : RejectReason.values()) {
      int n = rejected[r.ordinal()];
      if (n > 0) {
        sb.append(' ').append(r.label()).append('=').append(n);
      }
    }
    sb.append("; written: samples=")
        .append(samplesWritten)
        .append(" histograms=")
        .append(histogramsWritten)
        .append(" exemplars=")
        .append(exemplarsWritten)
        .append(')');
    return sb.toString();
  }
}
