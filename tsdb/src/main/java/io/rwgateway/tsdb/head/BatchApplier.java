package io.rwgateway.tsdb.head;

import io.rwgateway.tsdb.WriteBatch;
import java.util.Arrays;
import java.util.concurrent.locks.StampedLock;

/**
 * Phase 3 of {@link HeadAppender}: applies what phase 1 accepted, after the WAL append succeeded,
 * under the head's write lock (once per batch), and writes the chunks the batch finished to the
 * head's {@link HeadChunks} before releasing it. Reads the appender's per-batch decisions.
 */
final class BatchApplier {
  private final Head head;
  private final HeadAppender a;
  private long batchMin;
  private long batchMax;
  int appliedSamples;
  int appliedHistograms;
  int appliedExemplars;

  BatchApplier(Head head, HeadAppender appender) {
    this.head = head;
    this.a = appender;
  }

  /** Phase 3, after the WAL append succeeded: applies accepted entries and fills the counts. */
  void commit(WriteBatch batch) {
    MemSeries[] batchSeries = a.batchSeries;
    appliedSamples = appliedHistograms = 0;
    appliedExemplars = a.exAccepted;
    batchMin = Long.MAX_VALUE;
    batchMax = Long.MIN_VALUE;
    StampedLock lock = head.lock;
    long stamp = lock.writeLock();
    try {
      for (int i = 0; i < batch.seriesCount; i++) {
        MemSeries s = batchSeries[i];
        if (s == null) {
          continue;
        }
        s.logged = true;
        if (hasAccepted(batch, i)) {
          applySeries(batch, i, s);
        }
      }
      // NOTE: before the write lock is released: a reader that snapshots a chunk ref cut by this
      // batch must find the chunk in the file. One write for the batch's cuts (a few KB usually).
      head.chunks.flush();
    } finally {
      lock.unlockWrite(stamp);
    }
    if (a.exAccepted > 0) {
      applyExemplars(batch);
    }
    Arrays.fill(batchSeries, 0, batch.seriesCount, null);
    for (int m = 0; m < batch.metaCount; m++) {
      if (a.metaStatus[m] == HeadAppender.ACCEPTED) {
        head.metadata.put(
            batch.metaType[m],
            batch.bytes,
            batch.metaNameOff[m],
            batch.metaNameLen[m],
            batch.metaHelpOff[m],
            batch.metaHelpLen[m],
            batch.metaUnitOff[m],
            batch.metaUnitLen[m]);
      }
    }
    if (batchMax != Long.MIN_VALUE) {
      head.observeTimes(batchMin, batchMax);
    }
    batch.samplesWritten += a.written;
    batch.histogramsWritten += a.histWritten;
    batch.exemplarsWritten += a.exWritten;
    batch.metadataWritten += a.metaWritten;
  }

  private boolean hasAccepted(WriteBatch batch, int i) {
    int fs = batch.seriesFirstSample[i];
    for (int j = fs, end = fs + batch.seriesSampleCount[i]; j < end; j++) {
      if (a.sampleStatus[j] == HeadAppender.ACCEPTED
          || a.sampleStatus[j] == HeadAppender.ACCEPTED_OUT_OF_ORDER) {
        return true;
      }
    }
    int fh = batch.seriesFirstHistogram[i];
    for (int j = fh, end = fh + batch.seriesHistogramCount[i]; j < end; j++) {
      if (a.histStatus[j] == HeadAppender.ACCEPTED) {
        return true;
      }
    }
    int fe = batch.seriesFirstExemplar[i];
    for (int j = fe, end = fe + batch.seriesExemplarCount[i]; j < end; j++) {
      if (a.exStatus[j] == HeadAppender.ACCEPTED) {
        return true;
      }
    }
    return false;
  }

  private void applySeries(WriteBatch batch, int i, MemSeries s) {
    int fs = batch.seriesFirstSample[i];
    for (int j = fs, end = fs + batch.seriesSampleCount[i]; j < end; j++) {
      byte status = a.sampleStatus[j];
      if (status == HeadAppender.ACCEPTED) {
        long t = batch.sampleT[j];
        s.appendFloat(head.chunks, t, Double.doubleToRawLongBits(batch.sampleV[j]));
        observe(t);
        appliedSamples++;
      } else if (status == HeadAppender.ACCEPTED_OUT_OF_ORDER) {
        long t = batch.sampleT[j];
        s.insertOutOfOrder(t, Double.doubleToRawLongBits(batch.sampleV[j]));
        observe(t);
        appliedSamples++;
      }
    }
    int fh = batch.seriesFirstHistogram[i];
    for (int j = fh, end = fh + batch.seriesHistogramCount[i]; j < end; j++) {
      if (a.histStatus[j] == HeadAppender.ACCEPTED) {
        long t = batch.histT[j];
        s.appendHistogram(
            head.chunks, head.histograms, t, batch.bytes, batch.histOff[j], batch.histLen[j]);
        observe(t);
        appliedHistograms++;
      }
    }
    int fe = batch.seriesFirstExemplar[i];
    for (int j = fe, end = fe + batch.seriesExemplarCount[i]; j < end; j++) {
      if (a.exStatus[j] == HeadAppender.ACCEPTED) {
        s.extras()
            .setLastExemplar(
                batch.exT[j],
                Double.doubleToRawLongBits(batch.exV[j]),
                batch.bytes,
                batch.exLabelsOff[j],
                batch.exLabelsLen[j]);
      }
    }
  }

  private void observe(long t) {
    if (t > batchMax) {
      batchMax = t;
    }
    if (t < batchMin) {
      batchMin = t;
    }
  }

  private void applyExemplars(WriteBatch batch) {
    ExemplarRing ring = head.exemplars;
    synchronized (ring) {
      for (int i = 0; i < batch.seriesCount; i++) {
        MemSeries s = a.batchSeries[i];
        if (s == null) {
          continue;
        }
        int fe = batch.seriesFirstExemplar[i];
        for (int j = fe, end = fe + batch.seriesExemplarCount[i]; j < end; j++) {
          if (a.exStatus[j] == HeadAppender.ACCEPTED) {
            ring.addLocked(
                s.ref,
                batch.exT[j],
                Double.doubleToRawLongBits(batch.exV[j]),
                batch.bytes,
                batch.exLabelsOff[j],
                batch.exLabelsLen[j]);
          }
        }
      }
    }
  }
}
