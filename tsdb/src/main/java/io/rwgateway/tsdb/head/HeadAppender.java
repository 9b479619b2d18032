package io.rwgateway.tsdb.head;

import io.rwgateway.model.RejectReason;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.wal.RecordVisitor;
import java.util.Arrays;

/**
 * Appends {@link WriteBatch}es to a {@link Head} in three phases, so that nothing becomes visible
 * or acknowledged before it is in the WAL, and a failed WAL append leaves samples unapplied:
 *
 * <ol>
 *   <li>{@link #prepare}: validate every sample against the head (reading, not changing, sample
 *       state), create new series, and write series definitions and accepted entries to the log (a
 *       {@link RecordVisitor}: in production an adapter over the WAL's RecordEncoder);
 *   <li>the caller appends the encoded record to the WAL;
 *   <li>{@link #commit} applies the accepted entries and fills the batch's written counts, or
 *       {@link #abort} records the failure and applies nothing.
 * </ol>
 *
 * One instance per tenant, used by the tenant's writer thread only. Nothing is allocated per
 * sample: decisions go into reused status arrays, and the pending state of a series within the
 * batch lives in reused arrays indexed by the slot of its first occurrence.
 */
public final class HeadAppender {
  static final byte REJECTED = 0;
  static final byte ACCEPTED = 1;

  /** Already stored exactly (an idempotent resend): counted as written, not logged again. */
  static final byte RESENT = 2;

  /** Accepted into the series' out-of-order samples (older than its newest, inside the window). */
  static final byte ACCEPTED_OUT_OF_ORDER = 3;

  private final Head head;
  private final long appendWindowMs;
  private final long outOfOrderWindowMs;

  /** This batch's oldest time an out-of-order sample may have; Long.MAX_VALUE when disabled. */
  private long oooMin;

  private final AppendMessages messages = new AppendMessages();

  private final BatchSlots slots = new BatchSlots();

  /** The slot of the series {@link #resolve} returned last. */
  private int resolvedSlot;

  MemSeries[] batchSeries = new MemSeries[64];
  // Pending state per slot (the batch index of a series' first occurrence in the batch).
  private long[] pMaxT = new long[64];
  private long[] pBits = new long[64];
  private long[] pHistMaxT = new long[64];
  private int[] pHistIdx = new int[64];
  private long[] pExT = new long[64];
  private int[] pExIdx = new int[64];
  // Per entry decisions.
  byte[] sampleStatus = new byte[256];
  byte[] histStatus = new byte[16];
  byte[] exStatus = new byte[16];
  byte[] metaStatus = new byte[8];
  int written;
  int histWritten;
  int exWritten;
  int exAccepted;
  int metaWritten;
  private final BatchApplier applier;

  public HeadAppender(Head head, long appendWindowMs) {
    this(head, appendWindowMs, 0);
  }

  /**
   * @param outOfOrderWindowMs samples older than their series' newest but no older than the
   *     tenant's newest sample minus this are accepted out of order; 0 disables (they get 409)
   */
  public HeadAppender(Head head, long appendWindowMs, long outOfOrderWindowMs) {
    this.head = head;
    this.appendWindowMs = appendWindowMs;
    this.outOfOrderWindowMs = outOfOrderWindowMs;
    this.applier = new BatchApplier(head, this);
  }

  public Head head() {
    return head;
  }

  /**
   * Phase 1: validates the batch, records rejections in it, creates new series, and writes series
   * definitions (for series not yet in a successful WAL record) and accepted entries to {@code
   * log}. Returns the number of entries written to the log besides series definitions.
   */
  public int prepare(WriteBatch batch, RecordVisitor log) {
    ensureCapacity(batch);
    slots.clear(batch.seriesCount);
    written = histWritten = exWritten = exAccepted = metaWritten = 0;
    long headMax = head.maxTime();
    // NOTE: a window <= 0 disables the check (tests and backfill tools).
    long minValid =
        appendWindowMs <= 0 || headMax < Long.MIN_VALUE + appendWindowMs
            ? Long.MIN_VALUE
            : headMax - appendWindowMs;
    // Never below the end of the newest block cut from this head: those samples would be lost.
    minValid = Math.max(minValid, head.minValidTime());
    oooMin =
        outOfOrderWindowMs <= 0 || headMax == Long.MIN_VALUE
            ? Long.MAX_VALUE
            : Math.max(headMax - outOfOrderWindowMs, head.minValidTime());
    // Out-of-order samples may reach further back than the append window.
    minValid = Math.min(minValid, oooMin);
    int logged = 0;
    byte[] b = batch.bytes;
    // NOTE: all lookups first, in a loop that does nothing else: at 100k+ series a lookup is
    // two or three cache misses, and a short loop of independent lookups gives the CPU the best
    // chance to overlap them. (A separate prefetch pass over the chunks was tried and only moved
    // the misses; see HeadAppendBenchmark.)
    for (int i = 0; i < batch.seriesCount; i++) {
      Object hint = batch.seriesHint[i];
      MemSeries found = (MemSeries) hint; // found ahead on an event loop (TenantDb.resolveSeries)
      batchSeries[i] =
          found != null && !found.removed
              ? found
              : head.lookup(
                  batch.seriesHash[i], b, batch.seriesLabelsOff[i], batch.seriesLabelsLen[i]);
    }
    for (int i = 0; i < batch.seriesCount; i++) {
      MemSeries s = resolve(batch, i, batchSeries[i], minValid, log);
      batchSeries[i] = s;
      if (s == null) {
        continue;
      }
      int slot = resolvedSlot;
      logged += checkSamples(batch, i, s, slot, minValid, log);
      logged += checkHistograms(batch, i, s, slot, minValid, log);
      logged += checkExemplars(batch, i, s, slot, log);
    }
    logged += checkMetadata(batch, b, log);
    return logged;
  }

  /**
   * Finds or creates the series of batch entry {@code i} and opens its pending slot; null when the
   * entry carries nothing or when it is new and every sample in it is too old (Prometheus checks
   * the append window before it creates a series).
   */
  private MemSeries resolve(
      WriteBatch batch, int i, MemSeries found, long minValid, RecordVisitor log) {
    int off = batch.seriesLabelsOff[i];
    int len = batch.seriesLabelsLen[i];
    MemSeries s = found;
    if (s == null) {
      // Created earlier in this batch (the same series twice)?
      s = head.lookup(batch.seriesHash[i], batch.bytes, off, len);
    }
    if (s == null) {
      int ns = batch.seriesSampleCount[i];
      int nh = batch.seriesHistogramCount[i];
      if (ns + nh == 0 && batch.seriesExemplarCount[i] == 0) {
        return null;
      }
      if (ns + nh > 0 && allTooOld(batch, i, minValid)) {
        rejectAllTooOld(batch, i, minValid);
        return null;
      }
      s = head.create(batch.seriesHash[i], batch.bytes, off, len);
    }
    int slot = slots.putIfAbsent(s.ref, i);
    if (slot >= 0) {
      resolvedSlot = slot;
    } else {
      resolvedSlot = i;
      pMaxT[i] = s.floatMaxT();
      pBits[i] = s.lastValueBits();
      pHistMaxT[i] = s.histMaxT();
      pHistIdx[i] = -1;
      pExT[i] = s.extras == null ? Long.MIN_VALUE : s.extras.exT;
      pExIdx[i] = -1;
      if (!s.logged) {
        // NOTE: logged again by every batch until one WAL append succeeds, so replay never sees
        // an entry for a ref it has no definition for.
        log.series(s.ref, batch.bytes, off, len); // the batch's label bytes are the series' own
      }
    }
    return s;
  }

  private static boolean allTooOld(WriteBatch batch, int i, long minValid) {
    int fs = batch.seriesFirstSample[i];
    for (int j = fs, end = fs + batch.seriesSampleCount[i]; j < end; j++) {
      if (batch.sampleT[j] >= minValid) {
        return false;
      }
    }
    int fh = batch.seriesFirstHistogram[i];
    for (int j = fh, end = fh + batch.seriesHistogramCount[i]; j < end; j++) {
      if (batch.histT[j] >= minValid) {
        return false;
      }
    }
    return true;
  }

  private void rejectAllTooOld(WriteBatch batch, int i, long minValid) {
    int fs = batch.seriesFirstSample[i];
    Arrays.fill(sampleStatus, fs, fs + batch.seriesSampleCount[i], REJECTED);
    int fh = batch.seriesFirstHistogram[i];
    Arrays.fill(histStatus, fh, fh + batch.seriesHistogramCount[i], REJECTED);
    int fe = batch.seriesFirstExemplar[i];
    Arrays.fill(exStatus, fe, fe + batch.seriesExemplarCount[i], REJECTED);
    int n = batch.seriesSampleCount[i] + batch.seriesHistogramCount[i];
    long t = batch.seriesSampleCount[i] > 0 ? batch.sampleT[fs] : batch.histT[fh];
    batch.reject(RejectReason.TOO_OLD, n, messages.tooOld(batch, i, "sample", t, minValid));
  }

  private int checkSamples(
      WriteBatch batch, int i, MemSeries s, int slot, long minValid, RecordVisitor log) {
    int fs = batch.seriesFirstSample[i];
    int end = fs + batch.seriesSampleCount[i];
    long maxT = pMaxT[slot];
    long lastBits = pBits[slot];
    int logged = 0;
    long[] ts = batch.sampleT;
    double[] vs = batch.sampleV;
    for (int j = fs; j < end; j++) {
      long t = ts[j];
      long bits = Double.doubleToRawLongBits(vs[j]);
      if (t < minValid) {
        sampleStatus[j] = REJECTED;
        batch.reject(RejectReason.TOO_OLD, 1, messages.tooOld(batch, i, "sample", t, minValid));
      } else if (t == pHistMaxT[slot]) {
        sampleStatus[j] = REJECTED;
        batch.reject(RejectReason.DUPLICATE_TIMESTAMP, 1, messages.otherKind(batch, i, true, t));
      } else if (t < pHistMaxT[slot]) {
        // NOTE: one time line per series, as in Prometheus: a float before the newest histogram
        // is out of order, even inside the out-of-order window (only float-only stretches of
        // time take late floats), so a float never lands on a histogram's timestamp.
        sampleStatus[j] = REJECTED;
        batch.reject(
            RejectReason.OUT_OF_ORDER,
            1,
            messages.outOfOrder(batch, i, "sample", t, pHistMaxT[slot]));
      } else if (t < maxT) {
        if (t >= oooMin) {
          logged += outOfOrder(batch, i, s, j, t, bits, log);
        } else {
          sampleStatus[j] = REJECTED;
          batch.reject(
              RejectReason.OUT_OF_ORDER, 1, messages.outOfOrder(batch, i, "sample", t, maxT));
        }
      } else if (t == maxT) {
        if (bits == lastBits) {
          sampleStatus[j] = RESENT;
          written++;
        } else {
          sampleStatus[j] = REJECTED;
          batch.reject(
              RejectReason.DUPLICATE_TIMESTAMP, 1, messages.duplicate(batch, i, "sample", t));
        }
      } else {
        sampleStatus[j] = ACCEPTED;
        maxT = t;
        lastBits = bits;
        log.sample(s.ref, t, vs[j]);
        logged++;
        written++;
      }
    }
    pMaxT[slot] = maxT;
    pBits[slot] = lastBits;
    return logged;
  }

  /** An older sample inside the out-of-order window: stored aside, or a resend, or a conflict. */
  private int outOfOrder(
      WriteBatch batch, int i, MemSeries s, int j, long t, long bits, RecordVisitor log) {
    SeriesExtras x = s.extras;
    int at = x == null ? -1 : x.oooFind(t);
    if (at >= 0) {
      if (x.oooBits[at] == bits) {
        sampleStatus[j] = RESENT;
        written++;
      } else {
        sampleStatus[j] = REJECTED;
        batch.reject(
            RejectReason.DUPLICATE_TIMESTAMP, 1, messages.duplicate(batch, i, "sample", t));
      }
      return 0;
    }
    // NOTE: a time the in-order chunks already hold is not looked for (that would decode chunks on
    // the writer thread); reads return the in-order sample, as Prometheus' merge does.
    sampleStatus[j] = ACCEPTED_OUT_OF_ORDER;
    log.sample(s.ref, t, batch.sampleV[j]);
    written++;
    return 1;
  }

  private int checkHistograms(
      WriteBatch batch, int i, MemSeries s, int slot, long minValid, RecordVisitor log) {
    int fh = batch.seriesFirstHistogram[i];
    int end = fh + batch.seriesHistogramCount[i];
    long maxT = pHistMaxT[slot];
    int logged = 0;
    for (int j = fh; j < end; j++) {
      long t = batch.histT[j];
      if (t < minValid) {
        histStatus[j] = REJECTED;
        batch.reject(RejectReason.TOO_OLD, 1, messages.tooOld(batch, i, "histogram", t, minValid));
      } else if (t == pMaxT[slot]) {
        // NOTE: Prometheus keeps one time line per series, floats and histograms alike, and
        // refuses a second sample at a time; a block series can hold only one of them there.
        histStatus[j] = REJECTED;
        batch.reject(RejectReason.DUPLICATE_TIMESTAMP, 1, messages.otherKind(batch, i, false, t));
      } else if (t < pMaxT[slot]) {
        // Before the newest float: out of order on the series' one time line (histograms never
        // take the out-of-order window), so a histogram never lands on a float's timestamp.
        histStatus[j] = REJECTED;
        batch.reject(
            RejectReason.OUT_OF_ORDER,
            1,
            messages.outOfOrder(batch, i, "histogram", t, pMaxT[slot]));
      } else if (t < maxT) {
        histStatus[j] = REJECTED;
        batch.reject(
            RejectReason.OUT_OF_ORDER, 1, messages.outOfOrder(batch, i, "histogram", t, maxT));
      } else if (t == maxT) {
        if (sameAsLastHistogram(batch, s, slot, j)) {
          histStatus[j] = RESENT;
          histWritten++;
        } else {
          histStatus[j] = REJECTED;
          batch.reject(
              RejectReason.DUPLICATE_TIMESTAMP, 1, messages.duplicate(batch, i, "histogram", t));
        }
      } else {
        histStatus[j] = ACCEPTED;
        maxT = t;
        pHistIdx[slot] = j;
        log.histogram(s.ref, t, batch.bytes, batch.histOff[j], batch.histLen[j]);
        logged++;
        histWritten++;
      }
    }
    pHistMaxT[slot] = maxT;
    return logged;
  }

  private boolean sameAsLastHistogram(WriteBatch batch, MemSeries s, int slot, int j) {
    int off = batch.histOff[j];
    int len = batch.histLen[j];
    int k = pHistIdx[slot];
    if (k >= 0) {
      int o = batch.histOff[k];
      return Arrays.equals(batch.bytes, o, o + batch.histLen[k], batch.bytes, off, off + len);
    }
    return s.extras != null && s.extras.lastHistogramEquals(batch.bytes, off, len);
  }

  /**
   * Exemplars as Prometheus orders them: an exact copy of the series' latest exemplar is ignored
   * (counted as written, not stored twice); one not after it is rejected softly.
   */
  private int checkExemplars(WriteBatch batch, int i, MemSeries s, int slot, RecordVisitor log) {
    int fe = batch.seriesFirstExemplar[i];
    int end = fe + batch.seriesExemplarCount[i];
    int logged = 0;
    for (int j = fe; j < end; j++) {
      long t = batch.exT[j];
      long bits = Double.doubleToRawLongBits(batch.exV[j]);
      int off = batch.exLabelsOff[j];
      int len = batch.exLabelsLen[j];
      if (sameAsLastExemplar(batch, s, slot, t, bits, off, len)) {
        exStatus[j] = RESENT;
        exWritten++;
      } else if (t <= pExT[slot]) {
        exStatus[j] = REJECTED;
        batch.reject(RejectReason.EXEMPLAR_OUT_OF_ORDER, 1, AppendMessages.NONE);
      } else {
        exStatus[j] = ACCEPTED;
        pExT[slot] = t;
        pExIdx[slot] = j;
        log.exemplar(s.ref, t, batch.exV[j], batch.bytes, off, len);
        logged++;
        exWritten++;
        exAccepted++;
      }
    }
    return logged;
  }

  private boolean sameAsLastExemplar(
      WriteBatch batch, MemSeries s, int slot, long t, long bits, int off, int len) {
    int k = pExIdx[slot];
    if (k >= 0) {
      int o = batch.exLabelsOff[k];
      return batch.exT[k] == t
          && Double.doubleToRawLongBits(batch.exV[k]) == bits
          && Arrays.equals(batch.bytes, o, o + batch.exLabelsLen[k], batch.bytes, off, off + len);
    }
    return s.extras != null && s.extras.lastExemplarEquals(t, bits, batch.bytes, off, len);
  }

  /**
   * Metadata is never rejected; only a change (against the head or the previous entry) is logged.
   */
  private int checkMetadata(WriteBatch batch, byte[] b, RecordVisitor log) {
    int logged = 0;
    for (int m = 0; m < batch.metaCount; m++) {
      metaWritten++;
      int type = batch.metaType[m];
      boolean changed =
          !sameAsPreviousMeta(batch, m)
              && head.metadata.differs(
                  type,
                  b,
                  batch.metaNameOff[m],
                  batch.metaNameLen[m],
                  batch.metaHelpOff[m],
                  batch.metaHelpLen[m],
                  batch.metaUnitOff[m],
                  batch.metaUnitLen[m]);
      if (changed) {
        metaStatus[m] = ACCEPTED;
        log.metadata(
            type,
            b,
            batch.metaNameOff[m],
            batch.metaNameLen[m],
            batch.metaHelpOff[m],
            batch.metaHelpLen[m],
            batch.metaUnitOff[m],
            batch.metaUnitLen[m]);
        logged++;
      } else {
        metaStatus[m] = RESENT;
      }
    }
    return logged;
  }

  private static boolean sameAsPreviousMeta(WriteBatch batch, int m) {
    if (m == 0) {
      return false;
    }
    int p = m - 1;
    byte[] b = batch.bytes;
    return batch.metaType[p] == batch.metaType[m]
        && Arrays.equals(
            b,
            batch.metaNameOff[p],
            batch.metaNameOff[p] + batch.metaNameLen[p],
            b,
            batch.metaNameOff[m],
            batch.metaNameOff[m] + batch.metaNameLen[m])
        && Arrays.equals(
            b,
            batch.metaHelpOff[p],
            batch.metaHelpOff[p] + batch.metaHelpLen[p],
            b,
            batch.metaHelpOff[m],
            batch.metaHelpOff[m] + batch.metaHelpLen[m])
        && Arrays.equals(
            b,
            batch.metaUnitOff[p],
            batch.metaUnitOff[p] + batch.metaUnitLen[p],
            b,
            batch.metaUnitOff[m],
            batch.metaUnitOff[m] + batch.metaUnitLen[m]);
  }

  /** Phase 3, after the WAL append succeeded: applies accepted entries and fills the counts. */
  public void commit(WriteBatch batch) {
    applier.commit(batch);
  }

  /** Float samples the last {@link #commit} stored (resends excluded). */
  public int appliedSamples() {
    return applier.appliedSamples;
  }

  public int appliedHistograms() {
    return applier.appliedHistograms;
  }

  public int appliedExemplars() {
    return applier.appliedExemplars;
  }

  /** Phase 3 when the WAL append failed: nothing is applied; new series stay unlogged. */
  public void abort(WriteBatch batch, Throwable failure) {
    batch.failure = failure;
    Arrays.fill(batchSeries, 0, batch.seriesCount, null);
    // The pending slots die with this batch; the next prepare starts from head state.
  }

  private void ensureCapacity(WriteBatch batch) {
    int n = batch.seriesCount;
    if (n > batchSeries.length) {
      int c = Math.max(n, batchSeries.length * 2);
      batchSeries = new MemSeries[c];
      pMaxT = new long[c];
      pBits = new long[c];
      pHistMaxT = new long[c];
      pHistIdx = new int[c];
      pExT = new long[c];
      pExIdx = new int[c];
    }
    if (batch.sampleCount > sampleStatus.length) {
      sampleStatus = new byte[Math.max(batch.sampleCount, sampleStatus.length * 2)];
    }
    if (batch.histCount > histStatus.length) {
      histStatus = new byte[Math.max(batch.histCount, histStatus.length * 2)];
    }
    if (batch.exCount > exStatus.length) {
      exStatus = new byte[Math.max(batch.exCount, exStatus.length * 2)];
    }
    if (batch.metaCount > metaStatus.length) {
      metaStatus = new byte[Math.max(batch.metaCount, metaStatus.length * 2)];
    }
  }
}
