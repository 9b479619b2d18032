package io.rwgateway.ingest.decode;

import io.rwgateway.model.Varint;
import io.rwgateway.model.XxHash64;
import io.rwgateway.tsdb.WriteBatch;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The labels of the series being decoded, as offsets into the request bytes, and their validation
 * and conversion to {@link io.rwgateway.model.LabelBytes} form in the batch.
 *
 * <p>NOTE: at most {@code maxLabelNamesPerSeries} labels are staged; past that only the count
 * grows. A series with 100k labels is therefore rejected with bounded memory and without copying
 * any of its text. Lengths are checked against the limits before anything is copied, so a huge
 * value is never copied either.
 */
final class LabelStage {
  private static final byte[] METRIC_NAME = {'_', '_', 'n', 'a', 'm', 'e', '_', '_'};

  private final DecodeLimits limits;
  private final RejectNote note;

  /** Labels seen in the current series, including those past the staging cap. */
  int count;

  int[] nameOff = new int[16];
  int[] nameLen = new int[16];
  int[] valOff = new int[16];
  int[] valLen = new int[16];

  // ---- results of write() ----
  int labelsOff;
  int labelsLen;
  long hash;

  /** Where the value of __name__ is in the batch bytes (for RW 2.0 metadata). */
  int metricNameOff;

  int metricNameLen;

  LabelStage(DecodeLimits limits, RejectNote note) {
    this.limits = limits;
    this.note = note;
  }

  void clear() {
    count = 0;
  }

  /** Labels whose offsets are staged. */
  int staged() {
    return Math.min(count, limits.maxLabelNamesPerSeries());
  }

  void add(int nOff, int nLen, int vOff, int vLen) {
    int i = count++;
    if (i >= limits.maxLabelNamesPerSeries()) {
      return;
    }
    if (i == nameOff.length) {
      int n = Math.min(i * 2, limits.maxLabelNamesPerSeries());
      nameOff = Arrays.copyOf(nameOff, n);
      nameLen = Arrays.copyOf(nameLen, n);
      valOff = Arrays.copyOf(valOff, n);
      valLen = Arrays.copyOf(valLen, n);
    }
    nameOff[i] = nOff;
    nameLen[i] = nLen;
    valOff[i] = vOff;
    valLen[i] = vLen;
  }

  /**
   * Validates the staged labels and appends their canonical bytes to the batch. Returns the code of
   * the problem found ({@link RejectNote#OK} when none); on a problem the batch is left as it was.
   */
  int write(WriteBatch batch, ByteBuffer src) {
    if (count == 0) {
      return note.set(RejectNote.NO_LABELS, 0, 0, 0);
    }
    if (count > limits.maxLabelNamesPerSeries()) {
      return note.set(RejectNote.TOO_MANY_LABELS, 0, count, limits.maxLabelNamesPerSeries());
    }
    int size = 0;
    for (int i = 0; i < count; i++) {
      int nl = nameLen[i];
      int vl = valLen[i];
      if (nl == 0) {
        return note.set(RejectNote.EMPTY_NAME, i, 0, 0);
      }
      if (nl > limits.maxLabelNameLength()) {
        return note.set(RejectNote.NAME_TOO_LONG, i, nl, limits.maxLabelNameLength());
      }
      if (vl > limits.maxLabelValueLength()) {
        return note.set(RejectNote.VALUE_TOO_LONG, i, vl, limits.maxLabelValueLength());
      }
      size += Varint.size(nl) + nl + Varint.size(vl) + vl;
    }
    if (size > DecodeLimits.MAX_SERIES_LABEL_BYTES) {
      return note.set(RejectNote.LABELS_TOO_BIG, 0, size, DecodeLimits.MAX_SERIES_LABEL_BYTES);
    }
    int off = batch.reserveBytes(size);
    byte[] b = batch.bytes;
    int p = off;
    int prevName = 0;
    int prevLen = 0;
    boolean anyEmptyValue = false;
    int metricOff = -1;
    int metricLen = 0;
    for (int i = 0; i < count; i++) {
      int nl = nameLen[i];
      int vl = valLen[i];
      p = Varint.put(b, p, nl);
      int name = p;
      src.get(nameOff[i], b, name, nl);
      p += nl;
      if (i > 0) {
        int cmp = Arrays.compareUnsigned(b, prevName, prevName + prevLen, b, name, name + nl);
        if (cmp >= 0) {
          // The checks run label by label: a bad label before this one is the one reported.
          int code = utf8Problem(b, off, i);
          batch.bytesLen = off;
          return code != RejectNote.OK
              ? code
              : note.set(cmp == 0 ? RejectNote.DUPLICATE_NAME : RejectNote.UNSORTED, i, 0, 0);
        }
      }
      p = Varint.put(b, p, vl);
      if (vl == 0) {
        anyEmptyValue = true;
      } else {
        src.get(valOff[i], b, p, vl);
        if (nl == METRIC_NAME.length && Arrays.equals(b, name, name + nl, METRIC_NAME, 0, nl)) {
          metricOff = p;
          metricLen = vl;
        }
      }
      p += vl;
      prevName = name;
      prevLen = nl;
    }
    // NOTE: one ASCII test over all the series' canonical bytes instead of a UTF-8 check per name
    // and value: label text is nearly always ASCII, and the lengths in between are single bytes
    // below 0x80 unless a string is 128 bytes or longer (DecodeBenchmark.decodeV1: 636 -> 595 ns
    // per series). Any byte at or above 0x80 falls back to checking each string.
    if (!Utf8.isAscii(b, off, p - off)) {
      int code = utf8Problem(b, off, count);
      if (code != RejectNote.OK) {
        batch.bytesLen = off;
        return code;
      }
    }
    if (metricOff < 0) {
      batch.bytesLen = off;
      return note.set(RejectNote.NO_METRIC_NAME, 0, 0, 0);
    }
    if (anyEmptyValue) {
      // NOTE: Prometheus treats a label with an empty value as absent; dropping it here keeps
      // {a=""} and {} one series. Rare, so done as a compaction pass after the common path.
      p = compactEmptyValues(b, off);
      batch.bytesLen = p;
      metricOff = this.metricNameOff;
    }
    labelsOff = off;
    labelsLen = p - off;
    metricNameOff = metricOff;
    metricNameLen = metricLen;
    hash = XxHash64.hash(b, off, labelsLen, 0);
    return RejectNote.OK;
  }

  /**
   * Checks the names and values of the first {@code pairs} labels, written in canonical form from
   * {@code off}, for strict UTF-8; returns the note's code for the first bad one, else OK.
   */
  private int utf8Problem(byte[] b, int off, int pairs) {
    int p = off;
    for (int i = 0; i < pairs; i++) {
      int nl = nameLen[i];
      p += Varint.size(nl);
      if (!Utf8.isValid(b, p, nl)) {
        return note.set(RejectNote.UTF8_NAME, i, 0, 0);
      }
      p += nl;
      int vl = valLen[i];
      p += Varint.size(vl);
      if (!Utf8.isValid(b, p, vl)) {
        return note.set(RejectNote.UTF8_VALUE, i, 0, 0);
      }
      p += vl;
    }
    return RejectNote.OK;
  }

  private int compactEmptyValues(byte[] b, int off) {
    int r = off;
    int w = off;
    for (int i = 0; i < count; i++) {
      int nl = nameLen[i];
      int vl = valLen[i];
      int rec = Varint.size(nl) + nl + Varint.size(vl) + vl;
      if (vl != 0) {
        if (r != w) {
          System.arraycopy(b, r, b, w, rec);
        }
        int valueAt = w + Varint.size(nl) + nl + Varint.size(vl);
        if (nl == METRIC_NAME.length && Arrays.equals(b, w + 1, w + 1 + nl, METRIC_NAME, 0, nl)) {
          metricNameOff = valueAt;
        }
        w += rec;
      }
      r += rec;
    }
    return w;
  }
}
