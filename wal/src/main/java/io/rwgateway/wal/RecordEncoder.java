package io.rwgateway.wal;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Builds one WAL record payload from series definitions, samples, histograms, exemplars and
 * metadata. Reused by one writer thread; allocates only while its buffers grow. Layout:
 * docs/format/wal.md.
 *
 * <p>Entries may be added in any order; {@link #finish} writes the sections in replay order
 * (series, samples, histograms, exemplars, metadata), so a series defined in this record always
 * precedes the samples that refer to it.
 *
 * <p>NOTE: series, histograms, exemplars and metadata are encoded as they are added, each into its
 * own section buffer; float samples are kept in columns and encoded in {@link #finish} because
 * grouping them into runs needs to know where a run ends.
 */
public final class RecordEncoder {
  static final int SECTION_SERIES = 1;
  static final int SECTION_SAMPLES = 2;
  static final int SECTION_HISTOGRAMS = 3;
  static final int SECTION_EXEMPLARS = 4;
  static final int SECTION_METADATA = 5;

  private final ByteSink series = new ByteSink(256);
  private final ByteSink histograms = new ByteSink(64);
  private final ByteSink exemplars = new ByteSink(64);
  private final ByteSink metadata = new ByteSink(64);
  private final ByteSink out = new ByteSink(4096);

  private int seriesCount;
  private long seriesPrevRef;
  private int histCount;
  private long histPrevRef;
  private long histPrevT;
  private int exCount;
  private long exPrevRef;
  private long exPrevT;
  private int metaCount;

  private int sampleCount;
  private long[] sampleRef = new long[256];
  private long[] sampleT = new long[256];
  private long[] sampleV = new long[256];

  private ByteBuffer outView = ByteBuffer.wrap(out.buf);

  public void reset() {
    series.reset();
    histograms.reset();
    exemplars.reset();
    metadata.reset();
    out.reset();
    seriesCount = 0;
    seriesPrevRef = 0;
    histCount = 0;
    histPrevRef = 0;
    histPrevT = 0;
    exCount = 0;
    exPrevRef = 0;
    exPrevT = 0;
    metaCount = 0;
    sampleCount = 0;
  }

  public void addSeries(long ref, byte[] labels, int off, int len) {
    series.putVarint(ref - seriesPrevRef);
    series.putLengthPrefixed(labels, off, len);
    seriesPrevRef = ref;
    seriesCount++;
  }

  public void addSample(long ref, long t, double v) {
    int i = sampleCount;
    if (i == sampleRef.length) {
      int n = i << 1;
      sampleRef = Arrays.copyOf(sampleRef, n);
      sampleT = Arrays.copyOf(sampleT, n);
      sampleV = Arrays.copyOf(sampleV, n);
    }
    sampleRef[i] = ref;
    sampleT[i] = t;
    // NOTE: raw bits, never doubleToLongBits: that one folds every NaN into the canonical NaN
    // and would erase the staleness marker.
    sampleV[i] = Double.doubleToRawLongBits(v);
    sampleCount = i + 1;
  }

  public void addHistogram(long ref, long t, byte[] proto, int off, int len) {
    histograms.putVarint(ref - histPrevRef);
    histograms.putVarint(t - histPrevT);
    histograms.putLengthPrefixed(proto, off, len);
    histPrevRef = ref;
    histPrevT = t;
    histCount++;
  }

  public void addExemplar(long ref, long t, double v, byte[] labels, int off, int len) {
    exemplars.putVarint(ref - exPrevRef);
    exemplars.putVarint(t - exPrevT);
    exemplars.putLongLE(Double.doubleToRawLongBits(v));
    exemplars.putLengthPrefixed(labels, off, len);
    exPrevRef = ref;
    exPrevT = t;
    exCount++;
  }

  public void addMetadata(
      int type,
      byte[] b,
      int nameOff,
      int nameLen,
      int helpOff,
      int helpLen,
      int unitOff,
      int unitLen) {
    metadata.putUvarint(type & 0xFFFF_FFFFL);
    metadata.putLengthPrefixed(b, nameOff, nameLen);
    metadata.putLengthPrefixed(b, helpOff, helpLen);
    metadata.putLengthPrefixed(b, unitOff, unitLen);
    metaCount++;
  }

  public boolean isEmpty() {
    return seriesCount == 0 && sampleCount == 0 && histCount == 0 && exCount == 0 && metaCount == 0;
  }

  /** An upper bound of the payload size {@link #finish} would produce now. */
  public int sizeBound() {
    // NOTE: a float sample takes at most 10 (ref) + 10 (time) + 8 (value) bytes.
    return series.len + histograms.len + exemplars.len + metadata.len + sampleCount * 28 + 64;
  }

  /** Float samples added since the last reset. */
  public int sampleCount() {
    return sampleCount;
  }

  /** The encoded payload, valid until the next reset. */
  public ByteBuffer finish() {
    out.reset();
    copySection(SECTION_SERIES, seriesCount, series);
    if (sampleCount > 0) {
      int lenAt = beginSection(SECTION_SAMPLES, sampleCount);
      encodeSamples();
      endSection(lenAt);
    }
    copySection(SECTION_HISTOGRAMS, histCount, histograms);
    copySection(SECTION_EXEMPLARS, exCount, exemplars);
    copySection(SECTION_METADATA, metaCount, metadata);
    if (outView.array() != out.buf) {
      outView = ByteBuffer.wrap(out.buf);
    }
    outView.clear();
    outView.limit(out.len);
    return outView;
  }

  private void encodeSamples() {
    ByteSink o = out;
    long[] refs = sampleRef;
    long[] ts = sampleT;
    long[] vs = sampleV;
    int n = sampleCount;
    int runs = 1;
    for (int i = 1; i < n; i++) {
      if (refs[i] != refs[i - 1]) {
        runs++;
      }
    }
    // NOTE: when every run has one sample (a scrape-shaped batch) the run lengths are implied
    // and left out, which saves one byte per sample in the most common shape.
    boolean explicitRuns = runs != n;
    o.putUvarint(runs);
    long baseT = ts[0];
    o.putVarint(baseT);
    long prevRef = 0;
    int i = 0;
    while (i < n) {
      long ref = refs[i];
      int end = i + 1;
      while (end < n && refs[end] == ref) {
        end++;
      }
      o.putVarint(ref - prevRef);
      if (explicitRuns) {
        o.putUvarint(end - i);
      }
      o.ensure((end - i) * 18);
      long prevT = ts[i];
      o.putVarint(prevT - baseT);
      putValue(o, vs[i]);
      long prevDelta = 0;
      for (int j = i + 1; j < end; j++) {
        // Delta of deltas: a regular scrape interval costs one byte however long it is.
        long delta = ts[j] - prevT;
        o.putVarint(delta - prevDelta);
        prevDelta = delta;
        prevT = ts[j];
        putValue(o, vs[j]);
      }
      prevRef = ref;
      i = end;
    }
  }

  private static void putValue(ByteSink o, long bits) {
    ByteSink.putLongLE(o.buf, o.len, bits);
    o.len += 8;
  }

  private void copySection(int type, int count, ByteSink body) {
    if (count == 0) {
      return;
    }
    int lenAt = beginSection(type, count);
    out.putBytes(body.buf, 0, body.len);
    endSection(lenAt);
  }

  /** Writes the type, reserves body_len and writes the count; returns where body_len goes. */
  private int beginSection(int type, int count) {
    out.putByte(type);
    int lenAt = out.reserveInt();
    out.putUvarint(count);
    return lenAt;
  }

  private void endSection(int lenAt) {
    out.patchIntLE(lenAt, out.len - lenAt - 4);
  }
}
