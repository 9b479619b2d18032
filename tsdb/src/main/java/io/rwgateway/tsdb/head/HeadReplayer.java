package io.rwgateway.tsdb.head;

import io.rwgateway.wal.RecordVisitor;
import java.util.HashMap;
import java.util.Map;

/**
 * Rebuilds a head from WAL records: series keep their original refs (new refs continue after the
 * highest), samples are appended in log order. Entries that cannot apply (duplicate or out of order
 * timestamps, unknown refs) are counted and skipped, never fatal.
 *
 * <p>NOTE: no series locks here: replay runs before the head is handed to any reader, and the head
 * is published through a concurrent map afterwards, which orders these writes before any read.
 * Finished chunks are written to the head's {@link HeadChunks} about a MiB at a time, and what is
 * left buffered by {@link #finish}.
 */
public final class HeadReplayer implements RecordVisitor {
  private final Head head;

  /** Refs whose label set was already defined under another ref (should not happen; be lenient). */
  private final Map<Long, MemSeries> aliases = new HashMap<>();

  private long seriesRecords;
  private long samples;
  private long histograms;
  private long exemplars;
  private long metadata;
  private long skipped;
  private long unknownRefs;
  private long recordMaxT = Long.MIN_VALUE;

  /** Samples older than the head's min valid time: already in a block. */
  private long inBlocks;

  private long minT = Long.MAX_VALUE;
  private long maxT = Long.MIN_VALUE;

  private final long outOfOrderWindowMs;

  public HeadReplayer(Head head) {
    this(head, 0);
  }

  /** {@code outOfOrderWindowMs}: as the appender had it, so older samples are put back aside. */
  public HeadReplayer(Head head, long outOfOrderWindowMs) {
    this.head = head;
    this.outOfOrderWindowMs = outOfOrderWindowMs;
  }

  @Override
  public void series(long ref, byte[] labels, int off, int len) {
    if (ref <= 0 || ref > Integer.MAX_VALUE) {
      unknownRefs++;
      return;
    }
    MemSeries s = head.createWithRef((int) ref, labels, off, len);
    if (s.ref != ref) {
      aliases.put(ref, s);
    }
    s.logged = true;
    seriesRecords++;
  }

  private MemSeries resolve(long ref) {
    MemSeries s = ref > 0 && ref <= Integer.MAX_VALUE ? head.series((int) ref) : null;
    if (s == null && !aliases.isEmpty()) {
      s = aliases.get(ref);
    }
    if (s == null) {
      unknownRefs++;
    }
    return s;
  }

  @Override
  public void sample(long ref, long t, double v) {
    if (t < head.minValidTime()) {
      inBlocks++;
      return;
    }
    MemSeries s = resolve(ref);
    if (s == null) {
      return;
    }
    if (t <= s.floatMaxT()) {
      // Accepted out of order when written: the window is measured from the newest sample seen so
      // far, as it was then (records replay in append order).
      if (outOfOrderWindowMs > 0
          && t < s.floatMaxT()
          && maxT != Long.MIN_VALUE
          && t >= maxT - outOfOrderWindowMs) {
        s.insertOutOfOrder(t, Double.doubleToRawLongBits(v));
        observe(t);
        samples++;
      } else {
        skipped++;
      }
      return;
    }
    s.appendFloat(head.chunks, t, Double.doubleToRawLongBits(v));
    observe(t);
    samples++;
  }

  @Override
  public void histogram(long ref, long t, byte[] proto, int off, int len) {
    if (t < head.minValidTime()) {
      inBlocks++;
      return;
    }
    MemSeries s = resolve(ref);
    if (s == null) {
      return;
    }
    if (t <= s.histMaxT()) {
      skipped++;
      return;
    }
    s.appendHistogram(head.chunks, head.histograms, t, proto, off, len);
    observe(t);
    histograms++;
  }

  @Override
  public void exemplar(long ref, long t, double v, byte[] labels, int off, int len) {
    MemSeries s = resolve(ref);
    if (s == null) {
      return;
    }
    SeriesExtras x = s.extras();
    if (t <= x.exT) {
      skipped++;
      return;
    }
    long bits = Double.doubleToRawLongBits(v);
    x.setLastExemplar(t, bits, labels, off, len);
    synchronized (head.exemplars) {
      head.exemplars.addLocked(s.ref, t, bits, labels, off, len);
    }
    exemplars++;
  }

  @Override
  public void metadata(
      int type,
      byte[] b,
      int nameOff,
      int nameLen,
      int helpOff,
      int helpLen,
      int unitOff,
      int unitLen) {
    head.metadata.put(type, b, nameOff, nameLen, helpOff, helpLen, unitOff, unitLen);
    metadata++;
  }

  private void observe(long t) {
    if (t > recordMaxT) {
      recordMaxT = t;
    }
    if (t < minT) {
      minT = t;
    }
    if (t > maxT) {
      maxT = t;
    }
  }

  /**
   * Newest sample or histogram time applied since the last call (Long.MIN_VALUE if none); the
   * caller takes it after each record to learn what each WAL cycle holds.
   */
  public long takeRecordMaxTime() {
    long t = recordMaxT;
    recordMaxT = Long.MIN_VALUE;
    return t;
  }

  /**
   * Writes the finished chunks still buffered and publishes the replayed time range to the head;
   * call once after the last record, before the head is handed to readers.
   */
  public void finish() {
    head.chunks.flush();
    head.chunks.shrinkBuffer();
    if (maxT != Long.MIN_VALUE) {
      head.observeTimes(minT, maxT);
    }
  }

  public long seriesRecords() {
    return seriesRecords;
  }

  public long samples() {
    return samples;
  }

  public long histograms() {
    return histograms;
  }

  public long exemplars() {
    return exemplars;
  }

  public long metadata() {
    return metadata;
  }

  /** Duplicate or out-of-order entries skipped. */
  public long skipped() {
    return skipped;
  }

  /** Samples and histograms left out because a block already holds them. */
  public long inBlocks() {
    return inBlocks;
  }

  /** Entries for a ref no series record defined. */
  public long unknownRefs() {
    return unknownRefs;
  }
}
