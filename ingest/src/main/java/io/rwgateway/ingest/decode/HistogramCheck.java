package io.rwgateway.ingest.decode;

import static io.rwgateway.ingest.decode.WireReader.FIXED64;
import static io.rwgateway.ingest.decode.WireReader.LEN;
import static io.rwgateway.ingest.decode.WireReader.VARINT;

/**
 * Reads one native {@code Histogram} message (same field numbers in remote write 1.0 and 2.0) to
 * find its timestamp and to check that it is well formed; the message bytes themselves are stored
 * untouched.
 *
 * <p>Wire-level problems are whole-request errors ({@link DecodeException}); a histogram that
 * parses but makes no sense (bad schema, spans that do not match the bucket counts, integer and
 * float counts mixed) is reported as a problem code so that only it is dropped.
 */
final class HistogramCheck {
  static final String MESSAGE = "Histogram";
  private static final String SPAN = "BucketSpan";

  private final WireReader r;
  private final RejectNote note;

  /** Field 15 of the last checked histogram. */
  long timestamp;

  HistogramCheck(WireReader r, RejectNote note) {
    this.r = r;
    this.note = note;
  }

  /** Checks the histogram in {@code [r.pos, end)} and leaves the reader at {@code end}. */
  int check(int end) throws DecodeException {
    int outer = r.limit;
    r.limit = end;
    boolean intCounts = false;
    boolean floatCounts = false;
    int schema = 0;
    long negSpanBuckets = 0;
    long posSpanBuckets = 0;
    long negDeltas = 0;
    long posDeltas = 0;
    long negCounts = 0;
    long posCounts = 0;
    int negSpans = 0;
    int posSpans = 0;
    int badSpan = -1;
    long badOffset = 0;
    timestamp = 0;
    while (r.more()) {
      int tag = r.readTag(MESSAGE);
      int field = tag >>> 3;
      int wt = tag & 7;
      switch (field) {
        case 1, 6 -> {
          expect(field, wt, VARINT);
          r.readVarint(MESSAGE);
          intCounts = true;
        }
        case 2, 7 -> {
          expect(field, wt, FIXED64);
          r.readFixed64(MESSAGE);
          floatCounts = true;
        }
        case 3, 5 -> {
          expect(field, wt, FIXED64);
          r.readFixed64(MESSAGE);
        }
        case 4 -> {
          expect(field, wt, VARINT);
          int raw = (int) r.readVarint(MESSAGE);
          schema = (raw >>> 1) ^ -(raw & 1);
        }
        case 8, 11 -> {
          expect(field, wt, LEN);
          int spanEnd = r.readEnd(MESSAGE);
          int spanIndex;
          long[] got = spanScratch;
          readSpan(spanEnd, got);
          if (field == 8) {
            negSpanBuckets += got[1];
            spanIndex = negSpans++;
          } else {
            posSpanBuckets += got[1];
            spanIndex = posSpans++;
          }
          if (spanIndex > 0 && got[0] < 0 && badSpan < 0) {
            badSpan = spanIndex;
            badOffset = got[0];
          }
        }
        case 9, 12 -> {
          long n = packedVarints(field, wt);
          if (field == 9) {
            negDeltas += n;
          } else {
            posDeltas += n;
          }
          intCounts |= n > 0;
        }
        case 10, 13, 16 -> {
          long n = packedDoubles(field, wt);
          if (field == 10) {
            negCounts += n;
            floatCounts |= n > 0;
          } else if (field == 13) {
            posCounts += n;
            floatCounts |= n > 0;
          }
        }
        case 14 -> {
          expect(field, wt, VARINT);
          r.readVarint(MESSAGE);
        }
        case 15 -> {
          expect(field, wt, VARINT);
          timestamp = r.readVarint(MESSAGE);
        }
        default -> r.skip(wt, MESSAGE);
      }
    }
    r.limit = outer;
    if (!(schema >= -4 && schema <= 8) && schema != -53) {
      return note.set(RejectNote.HIST_SCHEMA, 0, schema, 0);
    }
    if (intCounts && floatCounts) {
      return note.set(RejectNote.HIST_MIXED, 0, 0, 0);
    }
    long negBuckets = floatCounts ? negCounts : negDeltas;
    long posBuckets = floatCounts ? posCounts : posDeltas;
    if (negSpanBuckets != negBuckets) {
      return note.set(RejectNote.HIST_NEG_SPANS, 0, negSpanBuckets, negBuckets);
    }
    if (posSpanBuckets != posBuckets) {
      return note.set(RejectNote.HIST_POS_SPANS, 0, posSpanBuckets, posBuckets);
    }
    if (badSpan >= 0) {
      return note.set(RejectNote.HIST_SPAN_OFFSET, badSpan, badOffset, 0);
    }
    return RejectNote.OK;
  }

  private final long[] spanScratch = new long[2];

  /** Reads a BucketSpan into {offset, length}. */
  private void readSpan(int end, long[] out) throws DecodeException {
    int outer = r.limit;
    r.limit = end;
    out[0] = 0;
    out[1] = 0;
    while (r.more()) {
      int tag = r.readTag(SPAN);
      int field = tag >>> 3;
      int wt = tag & 7;
      if (field == 1 || field == 2) {
        WireReader.expect(field, SPAN, wt, VARINT);
        long v = r.readVarint(SPAN);
        int raw = (int) v;
        out[field - 1] = field == 1 ? (raw >>> 1) ^ -(raw & 1) : raw & 0xFFFFFFFFL;
      } else {
        r.skip(wt, SPAN);
      }
    }
    r.limit = outer;
  }

  /** A repeated varint field, packed or not: returns the number of values. */
  private long packedVarints(int field, int wt) throws DecodeException {
    if (wt == VARINT) {
      r.readVarint(MESSAGE);
      return 1;
    }
    WireReader.expect(field, MESSAGE, wt, LEN);
    int len = r.readLength(MESSAGE);
    int n = r.countVarints(r.pos, r.pos + len, MESSAGE);
    r.pos += len;
    return n;
  }

  /** A repeated double field, packed or not: returns the number of values. */
  private long packedDoubles(int field, int wt) throws DecodeException {
    if (wt == FIXED64) {
      r.readFixed64(MESSAGE);
      return 1;
    }
    WireReader.expect(field, MESSAGE, wt, LEN);
    int len = r.readLength(MESSAGE);
    if ((len & 7) != 0) {
      throw DecodeException.badRequest(
          "packed field "
              + field
              + " of "
              + MESSAGE
              + " has "
              + len
              + " bytes, not a multiple of 8");
    }
    r.pos += len;
    return len >>> 3;
  }

  private static void expect(int field, int wt, int expected) throws DecodeException {
    WireReader.expect(field, MESSAGE, wt, expected);
  }
}
