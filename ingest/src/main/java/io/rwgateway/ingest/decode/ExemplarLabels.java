package io.rwgateway.ingest.decode;

import io.rwgateway.model.Varint;
import io.rwgateway.tsdb.WriteBatch;
import java.nio.ByteBuffer;

/**
 * The labels of one exemplar, staged as offsets into the request, then checked and appended to the
 * batch in {@link io.rwgateway.model.LabelBytes} form.
 *
 * <p>NOTE: Prometheus caps exemplar labels at 128 UTF-8 characters in total (names plus values).
 * That bounds everything here: more than 128 labels or more than 4 * 128 bytes cannot fit, so the
 * stage never grows past that and an oversized exemplar is refused without copying it. Senders need
 * not sort exemplar labels (Prometheus does not require it), so they are sorted here, by insertion:
 * there are only a handful.
 */
final class ExemplarLabels {
  static final int MAX_CHARS = 128;
  private static final int MAX_BYTES = 4 * MAX_CHARS;

  private final RejectNote note;

  int count;
  private long bytes;
  private final int[] nameOff = new int[MAX_CHARS];
  private final int[] nameLen = new int[MAX_CHARS];
  private final int[] valOff = new int[MAX_CHARS];
  private final int[] valLen = new int[MAX_CHARS];
  private final int[] order = new int[MAX_CHARS];

  int labelsOff;
  int labelsLen;

  ExemplarLabels(RejectNote note) {
    this.note = note;
  }

  void clear() {
    count = 0;
    bytes = 0;
  }

  void add(int nOff, int nLen, int vOff, int vLen) {
    int i = count++;
    bytes += (long) nLen + vLen;
    if (i < MAX_CHARS) {
      nameOff[i] = nOff;
      nameLen[i] = nLen;
      valOff[i] = vOff;
      valLen[i] = vLen;
    }
  }

  /** Checks and appends the staged labels; returns a {@link RejectNote} code. */
  int write(WriteBatch batch, ByteBuffer src) {
    if (count > MAX_CHARS || bytes > MAX_BYTES) {
      return note.set(RejectNote.EXEMPLAR_TOO_LONG, 0, -1, MAX_CHARS);
    }
    int size = 0;
    for (int i = 0; i < count; i++) {
      if (nameLen[i] == 0) {
        return note.set(RejectNote.EXEMPLAR_EMPTY_NAME, i, 0, 0);
      }
      size += Varint.size(nameLen[i]) + nameLen[i] + Varint.size(valLen[i]) + valLen[i];
      // Insertion sort of indexes by name bytes.
      int j = i;
      while (j > 0 && compare(src, order[j - 1], i) > 0) {
        order[j] = order[j - 1];
        j--;
      }
      order[j] = i;
    }
    for (int j = 1; j < count; j++) {
      if (compare(src, order[j - 1], order[j]) == 0) {
        return note.set(RejectNote.EXEMPLAR_DUPLICATE_NAME, order[j], 0, 0);
      }
    }
    int off = batch.reserveBytes(size);
    byte[] b = batch.bytes;
    int p = off;
    int chars = 0;
    for (int j = 0; j < count; j++) {
      int i = order[j];
      p = Varint.put(b, p, nameLen[i]);
      src.get(nameOff[i], b, p, nameLen[i]);
      p += nameLen[i];
      p = Varint.put(b, p, valLen[i]);
      src.get(valOff[i], b, p, valLen[i]);
      p += valLen[i];
    }
    // Both checks on the copy, where the bytes are in an array.
    for (int j = 0, q = off; j < count; j++) {
      int i = order[j];
      q += Varint.size(nameLen[i]);
      boolean ok = Utf8.isValid(b, q, nameLen[i]);
      chars += Utf8.codePoints(b, q, nameLen[i]);
      q += nameLen[i] + Varint.size(valLen[i]);
      ok &= Utf8.isValid(b, q, valLen[i]);
      chars += Utf8.codePoints(b, q, valLen[i]);
      q += valLen[i];
      if (!ok) {
        batch.bytesLen = off;
        return note.set(RejectNote.EXEMPLAR_UTF8, i, 0, 0);
      }
    }
    if (chars > MAX_CHARS) {
      batch.bytesLen = off;
      return note.set(RejectNote.EXEMPLAR_TOO_LONG, 0, chars, MAX_CHARS);
    }
    labelsOff = off;
    labelsLen = p - off;
    return RejectNote.OK;
  }

  private int compare(ByteBuffer src, int x, int y) {
    int ax = nameOff[x];
    int ay = nameOff[y];
    int n = Math.min(nameLen[x], nameLen[y]);
    for (int k = 0; k < n; k++) {
      int d = (src.get(ax + k) & 0xFF) - (src.get(ay + k) & 0xFF);
      if (d != 0) {
        return d;
      }
    }
    return nameLen[x] - nameLen[y];
  }
}
