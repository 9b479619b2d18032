package io.rwgateway.ingest.decode;

import static io.rwgateway.ingest.decode.WireReader.FIXED64;
import static io.rwgateway.ingest.decode.WireReader.LEN;
import static io.rwgateway.ingest.decode.WireReader.VARINT;

import io.rwgateway.tsdb.WriteBatch;

/**
 * Remote write 1.0: {@code prometheus.WriteRequest}. Field numbers are in
 * proto/src/main/proto/prompb/ and docs/format/remote-write.md.
 *
 * <p>Each TimeSeries is read twice: first its labels are staged and its samples counted (so a
 * rejected series can report how many samples it took with it), then its samples, histograms and
 * exemplars are read into the batch.
 */
final class V1Decoder {
  private static final String REQUEST = "WriteRequest";
  private static final String SERIES = "TimeSeries";
  private static final String LABEL = "Label";
  private static final String EXEMPLAR = "Exemplar";
  private static final String METADATA = "MetricMetadata";

  private final WireReader r;
  private final SeriesBuilder series;
  private final DecodeStats stats;

  // The last Label message read.
  private int nameOff;
  private int nameLen;
  private int valueOff;
  private int valueLen;

  V1Decoder(WireReader r, SeriesBuilder series, DecodeStats stats) {
    this.r = r;
    this.series = series;
    this.stats = stats;
  }

  void decode() throws DecodeException {
    while (r.more()) {
      int tag = r.readTag(REQUEST);
      int field = tag >>> 3;
      int wt = tag & 7;
      if (field == 1 || field == 3) {
        WireReader.expect(field, REQUEST, wt, LEN);
        int end = r.readEnd(REQUEST);
        if (field == 1) {
          timeSeries(end);
        } else {
          metadata(end);
        }
        r.pos = end;
      } else {
        r.skip(wt, REQUEST);
      }
    }
  }

  /**
   * Reads one TimeSeries message ending at {@code end}; shared with {@link ThanosDecoder} (same
   * fields).
   */
  void timeSeries(int end) throws DecodeException {
    int outer = r.limit;
    r.limit = end;
    LabelStage labels = series.labels;
    labels.clear();
    int items = 0;
    // Where the second pass starts: the first field that is not a label (labels come first in
    // what Prometheus sends, so the second pass does not re-read them).
    int rest = -1;
    while (r.more()) {
      int at = r.pos;
      int tag = r.readTag(SERIES);
      int field = tag >>> 3;
      int wt = tag & 7;
      if (field != 1 && rest < 0) {
        rest = at;
      }
      if (field >= 1 && field <= 4) {
        WireReader.expect(field, SERIES, wt, LEN);
        int itemEnd = r.readEnd(SERIES);
        if (field == 1) {
          label(itemEnd);
          labels.add(nameOff, nameLen, valueOff, valueLen);
        } else if (field != 3) {
          items++;
        }
        r.pos = itemEnd;
      } else {
        r.skip(wt, SERIES);
      }
    }
    series.begin(items);
    r.pos = rest < 0 ? end : rest;
    while (r.more()) {
      int tag = r.readTag(SERIES);
      int field = tag >>> 3;
      int wt = tag & 7;
      if (field >= 2 && field <= 4) {
        int itemEnd = r.readEnd(SERIES);
        switch (field) {
          case 2 -> series.sample(itemEnd);
          case 3 -> exemplar(itemEnd);
          default -> series.histogram(itemEnd);
        }
        r.pos = itemEnd;
      } else {
        r.skip(wt, SERIES);
      }
    }
    series.end();
    r.limit = outer;
  }

  /** Reads a Label message into the name/value fields. */
  private void label(int end) throws DecodeException {
    int outer = r.limit;
    r.limit = end;
    nameOff = 0;
    nameLen = 0;
    valueOff = 0;
    valueLen = 0;
    while (r.more()) {
      int tag = r.readTag(LABEL);
      int field = tag >>> 3;
      int wt = tag & 7;
      if (field == 1 || field == 2) {
        WireReader.expect(field, LABEL, wt, LEN);
        int len = r.readLength(LABEL);
        if (field == 1) {
          nameOff = r.pos;
          nameLen = len;
        } else {
          valueOff = r.pos;
          valueLen = len;
        }
        r.pos += len;
      } else {
        r.skip(wt, LABEL);
      }
    }
    r.limit = outer;
  }

  private void exemplar(int end) throws DecodeException {
    int outer = r.limit;
    r.limit = end;
    ExemplarLabels labels = series.exemplarLabels;
    labels.clear();
    long bits = 0;
    long t = 0;
    while (r.more()) {
      int tag = r.readTag(EXEMPLAR);
      int field = tag >>> 3;
      int wt = tag & 7;
      switch (field) {
        case 1 -> {
          WireReader.expect(field, EXEMPLAR, wt, LEN);
          int labelEnd = r.readEnd(EXEMPLAR);
          label(labelEnd);
          labels.add(nameOff, nameLen, valueOff, valueLen);
          r.pos = labelEnd;
        }
        case 2 -> {
          WireReader.expect(field, EXEMPLAR, wt, FIXED64);
          bits = r.readFixed64(EXEMPLAR);
        }
        case 3 -> {
          WireReader.expect(field, EXEMPLAR, wt, VARINT);
          t = r.readVarint(EXEMPLAR);
        }
        default -> r.skip(wt, EXEMPLAR);
      }
    }
    r.limit = outer;
    series.exemplar(Double.longBitsToDouble(bits), t);
  }

  /** Request-level MetricMetadata: kept as sent, strings copied to the batch. */
  private void metadata(int end) throws DecodeException {
    int outer = r.limit;
    r.limit = end;
    int type = 0;
    int nOff = 0;
    int nLen = 0;
    int hOff = 0;
    int hLen = 0;
    int uOff = 0;
    int uLen = 0;
    while (r.more()) {
      int tag = r.readTag(METADATA);
      int field = tag >>> 3;
      int wt = tag & 7;
      if (field == 1) {
        WireReader.expect(field, METADATA, wt, VARINT);
        type = (int) r.readVarint(METADATA);
      } else if (field == 2 || field == 4 || field == 5) {
        WireReader.expect(field, METADATA, wt, LEN);
        int len = r.readLength(METADATA);
        if (field == 2) {
          nOff = r.pos;
          nLen = len;
        } else if (field == 4) {
          hOff = r.pos;
          hLen = len;
        } else {
          uOff = r.pos;
          uLen = len;
        }
        r.pos += len;
      } else {
        r.skip(wt, METADATA);
      }
    }
    r.limit = outer;
    int most = DecodeLimits.MAX_METADATA_TEXT_BYTES;
    if (nLen > most || hLen > most || uLen > most) {
      stats.metadataDropped++;
      return;
    }
    WriteBatch batch = series.batch();
    int total = nLen + hLen + uLen;
    int off = batch.reserveBytes(total);
    byte[] b = batch.bytes;
    r.buf.get(nOff, b, off, nLen);
    r.buf.get(hOff, b, off + nLen, hLen);
    r.buf.get(uOff, b, off + nLen + hLen, uLen);
    if (nLen == 0
        || !Utf8.isValid(b, off, nLen)
        || !Utf8.isValid(b, off + nLen, hLen)
        || !Utf8.isValid(b, off + nLen + hLen, uLen)) {
      batch.bytesLen = off;
      stats.metadataDropped++;
      return;
    }
    batch.addMetadata(type, off, nLen, off + nLen, hLen, off + nLen + hLen, uLen);
  }
}
