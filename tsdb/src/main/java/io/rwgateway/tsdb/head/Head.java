package io.rwgateway.tsdb.head;

import io.rwgateway.tsdb.WriteBatch;

import io.rwgateway.tsdb.MetricMetadata;
import java.util.Arrays;
import java.util.concurrent.locks.StampedLock;

/**
 * One tenant's in-memory head: series by ref and by label hash, postings, exemplars and metadata.
 * Mutated only by the tenant's writer thread ({@link HeadAppender}) or by replay before the head
 * is published; read concurrently through {@link HeadQuerier}.
 * <p>
 * Series lookups use the hash the ingest decoder computed, {@code WriteBatch.seriesHash}, which
 * must be {@link #hashLabels} of the label bytes; replay recomputes it the same way.
 */
public final class Head {
  public static final int DEFAULT_EXEMPLAR_CAPACITY = 100_000;

  final LabelIndex index = new LabelIndex();
  /** Write-locked by the writer once per applied batch; see the NOTE on {@link MemSeries}. */
  final StampedLock lock = new StampedLock();
  final ExemplarRing exemplars;
  final MetadataStore metadata = new MetadataStore();
  private final SeriesMap map = new SeriesMap(1024);

  /** Index = ref. Grown by copy and republished; entries below {@link #maxRef} never change. */
  private volatile MemSeries[] byRef = new MemSeries[1024];
  private volatile int maxRef;
  private volatile int seriesCount;
  private int nextRef = 1;

  /** Newest and oldest sample times applied (floats and histograms). */
  private volatile long maxTime = Long.MIN_VALUE;
  private volatile long minTime = Long.MAX_VALUE;

  public Head() {
    this(DEFAULT_EXEMPLAR_CAPACITY);
  }

  public Head(int exemplarCapacity) {
    exemplars = new ExemplarRing(exemplarCapacity);
  }

  /** The label-set hash the head indexes series by. */
  public static long hashLabels(byte[] b, int off, int len) {
    return io.rwgateway.model.XxHash64.hash(b, off, len, 0);
  }

  public int seriesCount() {
    return seriesCount;
  }

  public long maxTime() {
    return maxTime;
  }

  public long minTime() {
    return minTime;
  }

  /** Highest ref handed out so far; readers scan refs 1..maxRef. */
  int maxRef() {
    return maxRef;
  }

  /** The series with this ref, or null (any thread). */
  MemSeries series(int ref) {
    MemSeries[] a = byRef;
    return ref > 0 && ref < a.length ? a[ref] : null;
  }

  /** The series with these label bytes, or null. Any thread (a racing insert may be missed). */
  MemSeries lookup(long hash, byte[] b, int off, int len) {
    return map.get(hash, b, off, len);
  }

  /**
   * Any thread: looks up every series of the batch and leaves what it found in
   * {@link WriteBatch#seriesHint}, so the single writer thread skips those lookups.
   */
  public void resolve(WriteBatch batch) {
    byte[] b = batch.bytes;
    Object[] hints = batch.seriesHint;
    for (int i = 0; i < batch.seriesCount; i++) {
      hints[i] = map.get(batch.seriesHash[i], b, batch.seriesLabelsOff[i], batch.seriesLabelsLen[i]);
    }
  }

  /** Writer: creates a series with the next ref and indexes it. */
  MemSeries create(long hash, byte[] b, int off, int len) {
    return install(nextRef, hash, Arrays.copyOfRange(b, off, off + len));
  }

  /**
   * Replay: the series with this ref, created with these labels if unknown. A ref already in use
   * keeps its series (a WAL may define a series again after a failed append).
   */
  MemSeries createWithRef(int ref, byte[] b, int off, int len) {
    MemSeries existing = series(ref);
    if (existing != null) {
      return existing;
    }
    long hash = hashLabels(b, off, len);
    MemSeries same = lookup(hash, b, off, len);
    if (same != null) {
      return same; // NOTE: same labels under a second ref; keep the first so lookups stay unique.
    }
    return install(ref, hash, Arrays.copyOfRange(b, off, off + len));
  }

  private MemSeries install(int ref, long hash, byte[] labels) {
    MemSeries s = new MemSeries(ref, labels);
    MemSeries[] a = byRef;
    if (ref >= a.length) {
      a = Arrays.copyOf(a, Math.max(ref + 1, a.length * 2));
    }
    a[ref] = s;
    byRef = a;
    map.put(hash, s);
    index.add(ref, labels);
    if (ref >= nextRef) {
      nextRef = ref + 1;
    }
    if (ref > maxRef) {
      maxRef = ref;
    }
    seriesCount = seriesCount + 1;
    return s;
  }

  /** Writer: records the time range of applied samples. */
  void observeTimes(long batchMin, long batchMax) {
    if (batchMax > maxTime) {
      maxTime = batchMax;
    }
    if (batchMin < minTime) {
      minTime = batchMin;
    }
  }

  /** Metadata of a metric family, or null. Any thread. */
  public MetricMetadata metadata(String metricFamily) {
    return metadata.get(metricFamily);
  }

  public int exemplarCount() {
    return exemplars.size();
  }
}
