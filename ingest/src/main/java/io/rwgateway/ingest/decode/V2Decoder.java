package io.rwgateway.ingest.decode;

import static io.rwgateway.ingest.decode.WireReader.FIXED64;
import static io.rwgateway.ingest.decode.WireReader.LEN;
import static io.rwgateway.ingest.decode.WireReader.VARINT;

import java.util.Arrays;

/**
 * Remote write 2.0: {@code io.prometheus.write.v2.Request}. Strings are interned in the request's
 * symbol table and referenced by index, so the symbols are located first (they may come before or
 * after the series on the wire), then each series resolves its references to offsets into the
 * request and goes through the same checks as in 1.0.
 */
final class V2Decoder {
  private static final String REQUEST = "Request";
  private static final String SERIES = "TimeSeries";
  private static final String EXEMPLAR = "Exemplar";
  private static final String METADATA = "Metadata";

  private final WireReader r;
  private final SeriesBuilder series;
  private final DecodeStats stats;

  private int symbolCount;
  private int[] symbolOff = new int[256];
  private int[] symbolLen = new int[256];

  // The series being read.
  private int seriesIndex;
  private int refCount;
  private int pendingNameRef;
  private int metaType;
  private int helpRef;
  private int unitRef;
  private int exemplarRefs;
  private int exemplarNameRef;

  V2Decoder(WireReader r, SeriesBuilder series, DecodeStats stats) {
    this.r = r;
    this.series = series;
    this.stats = stats;
  }

  void decode() throws DecodeException {
    int start = r.pos;
    symbolCount = 0;
    while (r.more()) {
      int tag = r.readTag(REQUEST);
      int field = tag >>> 3;
      int wt = tag & 7;
      if (field == 4 || field == 5) {
        WireReader.expect(field, REQUEST, wt, LEN);
        int len = r.readLength(REQUEST);
        if (field == 4) {
          addSymbol(r.pos, len);
        }
        r.pos += len;
      } else {
        r.skip(wt, REQUEST);
      }
    }
    r.pos = start;
    seriesIndex = 0;
    while (r.more()) {
      int tag = r.readTag(REQUEST);
      int wt = tag & 7;
      if (tag >>> 3 == 5) {
        int end = r.readEnd(REQUEST);
        timeSeries(end);
        r.pos = end;
        seriesIndex++;
      } else {
        r.skip(wt, REQUEST);
      }
    }
  }

  private void addSymbol(int off, int len) {
    int i = symbolCount;
    if (i == symbolOff.length) {
      symbolOff = Arrays.copyOf(symbolOff, i * 2);
      symbolLen = Arrays.copyOf(symbolLen, i * 2);
    }
    symbolOff[i] = off;
    symbolLen[i] = len;
    symbolCount = i + 1;
  }

  private int symbol(long ref, String where) throws DecodeException {
    if (ref < 0 || ref >= symbolCount) {
      throw DecodeException.badRequest(
          "symbol reference "
              + ref
              + " in "
              + where
              + " of TimeSeries #"
              + (seriesIndex + 1)
              + " is out of range: the request has "
              + symbolCount
              + " symbols");
    }
    return (int) ref;
  }

  private void timeSeries(int end) throws DecodeException {
    int outer = r.limit;
    r.limit = end;
    int start = r.pos;
    series.labels.clear();
    refCount = 0;
    metaType = 0;
    helpRef = -1;
    unitRef = -1;
    int items = 0;
    long created = 0;
    while (r.more()) {
      int tag = r.readTag(SERIES);
      int field = tag >>> 3;
      int wt = tag & 7;
      switch (field) {
        case 1 -> labelRefs(wt);
        case 2, 3, 4, 5 -> {
          WireReader.expect(field, SERIES, wt, LEN);
          int itemEnd = r.readEnd(SERIES);
          if (field == 5) {
            metadata(itemEnd);
          } else if (field != 4) {
            items++;
          }
          r.pos = itemEnd;
        }
        case 6 -> {
          WireReader.expect(field, SERIES, wt, VARINT);
          created = r.readVarint(SERIES);
        }
        default -> r.skip(wt, SERIES);
      }
    }
    if (created != 0) {
      // NOTE: there is nowhere to keep a created timestamp yet (Prometheus turns it into a
      // synthetic zero sample only behind a feature flag); it is counted so that it is visible.
      stats.createdTimestampsIgnored++;
    }
    boolean ok;
    if ((refCount & 1) != 0) {
      ok = series.reject(series.note().set(RejectNote.ODD_LABEL_REFS, 0, refCount, 0), items);
    } else {
      ok = series.begin(items);
    }
    if (ok && (metaType != 0 || length(helpRef) != 0 || length(unitRef) != 0)) {
      series.metadata(metaType, offset(helpRef), length(helpRef), offset(unitRef), length(unitRef));
    }
    r.pos = start;
    while (r.more()) {
      int tag = r.readTag(SERIES);
      int field = tag >>> 3;
      int wt = tag & 7;
      if (field >= 2 && field <= 4) {
        int itemEnd = r.readEnd(SERIES);
        switch (field) {
          case 2 -> series.sample(itemEnd);
          case 3 -> series.histogram(itemEnd);
          default -> exemplar(itemEnd);
        }
        r.pos = itemEnd;
      } else {
        r.skip(wt, SERIES);
      }
    }
    series.end();
    r.limit = outer;
  }

  private int offset(int ref) {
    return ref < 0 ? 0 : symbolOff[ref];
  }

  private int length(int ref) {
    return ref < 0 ? 0 : symbolLen[ref];
  }

  /** labels_refs: packed (as senders write it) or one varint per field. */
  private void labelRefs(int wt) throws DecodeException {
    if (wt == VARINT) {
      labelRef(r.readVarint(SERIES));
      return;
    }
    WireReader.expect(1, SERIES, wt, LEN);
    int end = r.readEnd(SERIES);
    int outer = r.limit;
    r.limit = end;
    while (r.more()) {
      labelRef(r.readVarint(SERIES));
    }
    r.limit = outer;
  }

  private void labelRef(long ref) throws DecodeException {
    int s = symbol(ref, "labels_refs");
    if ((refCount++ & 1) == 0) {
      pendingNameRef = s;
    } else {
      series.labels.add(
          symbolOff[pendingNameRef], symbolLen[pendingNameRef], symbolOff[s], symbolLen[s]);
    }
  }

  private void metadata(int end) throws DecodeException {
    int outer = r.limit;
    r.limit = end;
    while (r.more()) {
      int tag = r.readTag(METADATA);
      int field = tag >>> 3;
      int wt = tag & 7;
      if (field == 1 || field == 3 || field == 4) {
        WireReader.expect(field, METADATA, wt, VARINT);
        long v = r.readVarint(METADATA);
        if (field == 1) {
          metaType = (int) v;
        } else if (field == 3) {
          helpRef = symbol(v, "metadata.help_ref");
        } else {
          unitRef = symbol(v, "metadata.unit_ref");
        }
      } else {
        r.skip(wt, METADATA);
      }
    }
    r.limit = outer;
  }

  private void exemplar(int end) throws DecodeException {
    int outer = r.limit;
    r.limit = end;
    ExemplarLabels labels = series.exemplarLabels;
    labels.clear();
    exemplarRefs = 0;
    long bits = 0;
    long t = 0;
    while (r.more()) {
      int tag = r.readTag(EXEMPLAR);
      int field = tag >>> 3;
      int wt = tag & 7;
      switch (field) {
        case 1 -> {
          if (wt == VARINT) {
            exemplarRef(r.readVarint(EXEMPLAR));
          } else if (wt == LEN) {
            int refsEnd = r.readEnd(EXEMPLAR);
            int lim = r.limit;
            r.limit = refsEnd;
            while (r.more()) {
              exemplarRef(r.readVarint(EXEMPLAR));
            }
            r.limit = lim;
          } else {
            throw WireReader.wrongWireType(field, EXEMPLAR, wt, LEN);
          }
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
    if ((exemplarRefs & 1) != 0) {
      series.rejectExemplar(RejectNote.EXEMPLAR_ODD_REFS, exemplarRefs);
    } else {
      series.exemplar(Double.longBitsToDouble(bits), t);
    }
  }

  private void exemplarRef(long ref) throws DecodeException {
    int s = symbol(ref, "exemplar labels_refs");
    if ((exemplarRefs++ & 1) == 0) {
      exemplarNameRef = s;
    } else {
      series.exemplarLabels.add(
          symbolOff[exemplarNameRef], symbolLen[exemplarNameRef], symbolOff[s], symbolLen[s]);
    }
  }
}
