package io.rwgateway.ingest.decode;

import static io.rwgateway.ingest.decode.WireReader.FIXED64;
import static io.rwgateway.ingest.decode.WireReader.VARINT;

import io.rwgateway.model.RejectReason;
import io.rwgateway.tsdb.WriteBatch;

/**
 * What remote write 1.0 and 2.0 share once the labels of a series are staged: accepting or
 * rejecting the series, and adding its samples, histograms and exemplars to the batch.
 *
 * <p>A rejected series is still walked to the end (its samples are parsed, not kept) so that a
 * malformed message inside it fails the request exactly as it would in an accepted series.
 */
final class SeriesBuilder {
  static final String SAMPLE = "Sample";

  private final WireReader r;
  private final DecodeLimits limits;
  private final RejectNote note;
  final LabelStage labels;
  final ExemplarLabels exemplarLabels;
  private final HistogramCheck histogram;
  private final DecodeStats stats;

  private WriteBatch batch;
  private long now;
  private long maxT;
  private boolean accepted;
  private int future;
  private long firstFutureT;

  SeriesBuilder(WireReader r, DecodeLimits limits, DecodeStats stats) {
    this.r = r;
    this.limits = limits;
    this.stats = stats;
    this.note = new RejectNote(r);
    this.labels = new LabelStage(limits, note);
    this.exemplarLabels = new ExemplarLabels(note);
    this.histogram = new HistogramCheck(r, note);
    note.bind(labels, limits.maxFutureMillis());
  }

  RejectNote note() {
    return note;
  }

  WriteBatch batch() {
    return batch;
  }

  void startRequest(WriteBatch batch, long nowMillis) {
    this.batch = batch;
    this.now = nowMillis;
    long t = nowMillis + limits.maxFutureMillis();
    // Saturate: a clock near Long.MAX_VALUE must not wrap the limit into the past.
    this.maxT = ((nowMillis ^ t) & (limits.maxFutureMillis() ^ t)) < 0 ? Long.MAX_VALUE : t;
  }

  /**
   * Validates the staged labels and starts the series in the batch. {@code items} is the number of
   * samples plus histograms, all counted as rejected if the labels are not acceptable.
   */
  boolean begin(int items) {
    future = 0;
    int code = labels.write(batch, r.buf);
    if (code != RejectNote.OK) {
      return reject(code, items);
    }
    batch.beginSeries(labels.hash, labels.labelsOff, labels.labelsLen);
    accepted = true;
    return true;
  }

  /** Rejects the series for a problem already recorded in the note. */
  boolean reject(int code, int items) {
    future = 0;
    accepted = false;
    batch.reject(reasonOf(code), items, note);
    return false;
  }

  /**
   * Reads a Sample message ending at {@code end}; keeps it if the series is accepted and it is not
   * too new.
   */
  void sample(int end) throws DecodeException {
    int outer = r.limit;
    r.limit = end;
    long bits = 0;
    long t = 0;
    while (r.more()) {
      int tag = r.readTag(SAMPLE);
      int field = tag >>> 3;
      int wt = tag & 7;
      if (field == 1) {
        WireReader.expect(1, SAMPLE, wt, FIXED64);
        bits = r.readFixed64(SAMPLE);
      } else if (field == 2) {
        WireReader.expect(2, SAMPLE, wt, VARINT);
        t = r.readVarint(SAMPLE);
      } else {
        r.skip(wt, SAMPLE);
      }
    }
    r.limit = outer;
    if (!accepted) {
      return;
    }
    if (t > maxT) {
      tooNew(t);
      return;
    }
    // NOTE: longBitsToDouble keeps every NaN payload, so the staleness marker survives.
    batch.addSample(t, Double.longBitsToDouble(bits));
  }

  /** Checks a Histogram message ending at {@code end}; copies its bytes if it is kept. */
  void histogram(int end) throws DecodeException {
    int start = r.pos;
    int code = histogram.check(end);
    if (!accepted) {
      return;
    }
    if (code == RejectNote.OK && end - start > DecodeLimits.MAX_HISTOGRAM_BYTES) {
      code = note.set(RejectNote.HIST_TOO_BIG, 0, end - start, DecodeLimits.MAX_HISTOGRAM_BYTES);
    }
    if (code != RejectNote.OK) {
      batch.reject(RejectReason.INVALID_HISTOGRAM, 1, note);
      return;
    }
    long t = histogram.timestamp;
    if (t > maxT) {
      tooNew(t);
      return;
    }
    int len = end - start;
    int off = batch.reserveBytes(len);
    r.buf.get(start, batch.bytes, off, len);
    batch.addHistogram(t, off, len);
  }

  /** Adds an exemplar whose labels are staged in {@link #exemplarLabels}. */
  void exemplar(double value, long t) {
    if (!accepted) {
      return;
    }
    int code = exemplarLabels.write(batch, r.buf);
    if (code != RejectNote.OK) {
      batch.reject(RejectReason.INVALID_EXEMPLAR, 1, note);
      return;
    }
    batch.addExemplar(t, value, exemplarLabels.labelsOff, exemplarLabels.labelsLen);
  }

  void rejectExemplar(int code, long detail) {
    if (accepted) {
      note.set(code, 0, detail, 0);
      batch.reject(RejectReason.INVALID_EXEMPLAR, 1, note);
    }
  }

  /**
   * Adds metadata for the accepted series; the name is its __name__ value, already in the batch.
   */
  void metadata(int type, int helpOff, int helpLen, int unitOff, int unitLen) {
    if (!accepted) {
      return;
    }
    if (helpLen > DecodeLimits.MAX_METADATA_TEXT_BYTES
        || unitLen > DecodeLimits.MAX_METADATA_TEXT_BYTES) {
      stats.metadataDropped++;
      return;
    }
    int off = batch.reserveBytes(helpLen + unitLen);
    byte[] b = batch.bytes;
    r.buf.get(helpOff, b, off, helpLen);
    r.buf.get(unitOff, b, off + helpLen, unitLen);
    if (!Utf8.isValid(b, off, helpLen) || !Utf8.isValid(b, off + helpLen, unitLen)) {
      batch.bytesLen = off;
      stats.metadataDropped++;
      return;
    }
    batch.addMetadata(
        type, labels.metricNameOff, labels.metricNameLen, off, helpLen, off + helpLen, unitLen);
  }

  /** Ends the series: reports samples and histograms that were too far in the future, once. */
  void end() {
    if (future > 0) {
      note.set(RejectNote.FUTURE, future, firstFutureT, now);
      batch.reject(RejectReason.TOO_FAR_IN_FUTURE, future, note);
      future = 0;
    }
    accepted = false;
  }

  void finishRequest() {
    batch = null;
  }

  private void tooNew(long t) {
    if (future++ == 0) {
      firstFutureT = t;
    }
  }

  private static RejectReason reasonOf(int code) {
    return switch (code) {
      case RejectNote.TOO_MANY_LABELS -> RejectReason.TOO_MANY_LABELS;
      case RejectNote.NAME_TOO_LONG -> RejectReason.LABEL_NAME_TOO_LONG;
      case RejectNote.VALUE_TOO_LONG -> RejectReason.LABEL_VALUE_TOO_LONG;
      case RejectNote.UTF8_NAME, RejectNote.UTF8_VALUE -> RejectReason.INVALID_UTF8;
      case RejectNote.NO_METRIC_NAME -> RejectReason.MISSING_METRIC_NAME;
      default -> RejectReason.INVALID_LABELS;
    };
  }
}
