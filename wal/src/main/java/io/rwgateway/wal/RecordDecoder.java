package io.rwgateway.wal;

import java.nio.ByteBuffer;

/**
 * Decodes a record payload written by {@link RecordEncoder}. Layout: docs/format/wal.md.
 *
 * <p>Allocation-free in steady state: a heap buffer is read in place, a direct one is copied into a
 * per-thread scratch array that only grows. Every length is checked before it is used.
 *
 * <p>Decoding is a single pass: when a payload is malformed part-way through, the visitor has
 * already seen the entries before the damage. Replay only decodes payloads that passed their CRC,
 * where that cannot happen short of an encoder bug; {@link #validate} checks without visiting.
 */
public final class RecordDecoder {
  private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::new);

  private static final RecordVisitor NO_OP =
      new RecordVisitor() {
        @Override
        public void series(long ref, byte[] labels, int off, int len) {}

        @Override
        public void sample(long ref, long t, double v) {}

        @Override
        public void histogram(long ref, long t, byte[] proto, int off, int len) {}

        @Override
        public void exemplar(long ref, long t, double v, byte[] labels, int off, int len) {}

        @Override
        public void metadata(
            int type,
            byte[] b,
            int nameOff,
            int nameLen,
            int helpOff,
            int helpLen,
            int unitOff,
            int unitLen) {}
      };

  private RecordDecoder() {}

  /**
   * Decodes {@code payload}'s remaining bytes (its position is left unchanged). Throws {@link
   * CorruptRecordException} on a payload that does not parse.
   */
  public static void decode(ByteBuffer payload, RecordVisitor visitor)
      throws CorruptRecordException {
    State state = STATE.get();
    // NOTE: a visitor that decodes another record from inside a callback must not clobber the
    // reader in use; that case gets a fresh one.
    PayloadReader r = state.busy ? new PayloadReader() : state.reader;
    boolean owner = !state.busy;
    state.busy = true;
    try {
      int len = payload.remaining();
      if (payload.hasArray()) {
        r.reset(payload.array(), payload.arrayOffset() + payload.position(), len);
      } else {
        byte[] scratch = state.scratch;
        if (scratch.length < len || !owner) {
          scratch = new byte[Math.max(len, owner ? scratch.length << 1 : 0)];
          if (owner) {
            state.scratch = scratch;
          }
        }
        payload.get(payload.position(), scratch, 0, len);
        r.reset(scratch, 0, len);
      }
      decode(r, visitor);
    } finally {
      if (owner) {
        state.busy = false;
        state.reader.buf = null;
      }
    }
  }

  /** Checks that {@code payload}'s remaining bytes parse, without visiting anything. */
  public static void validate(ByteBuffer payload) throws CorruptRecordException {
    decode(payload, NO_OP);
  }

  private static void decode(PayloadReader r, RecordVisitor v) throws CorruptRecordException {
    int end = r.limit;
    int lastType = 0;
    while (r.pos < end) {
      int type = r.readUnsignedByte();
      if (type <= lastType || type > RecordEncoder.SECTION_METADATA) {
        throw r.corrupt("section type " + type + " after type " + lastType);
      }
      lastType = type;
      int bodyLen = r.readIntLE();
      if (bodyLen < 0 || bodyLen > end - r.pos) {
        throw r.corrupt(
            "section body length "
                + Integer.toUnsignedString(bodyLen)
                + " exceeds the "
                + (end - r.pos)
                + " bytes left");
      }
      int bodyEnd = r.pos + bodyLen;
      r.limit = bodyEnd;
      // Each entry takes at least one byte, so a count larger than the body is corrupt; this
      // also bounds every loop below by the payload size.
      int count = r.readLength("entry count");
      switch (type) {
        case RecordEncoder.SECTION_SERIES -> series(r, count, v);
        case RecordEncoder.SECTION_SAMPLES -> samples(r, count, v);
        case RecordEncoder.SECTION_HISTOGRAMS -> histograms(r, count, v);
        case RecordEncoder.SECTION_EXEMPLARS -> exemplars(r, count, v);
        default -> metadata(r, count, v);
      }
      if (r.pos != bodyEnd) {
        throw r.corrupt(
            "section " + type + " has " + (bodyEnd - r.pos) + " bytes after its last entry");
      }
      r.limit = end;
    }
  }

  private static void series(PayloadReader r, int count, RecordVisitor v)
      throws CorruptRecordException {
    long ref = 0;
    for (int i = 0; i < count; i++) {
      ref += r.readVarint();
      int off = r.skipBytes("series labels");
      int len = r.pos - off;
      r.checkLabels(off, len);
      v.series(ref, r.buf, off, len);
    }
  }

  private static void samples(PayloadReader r, int count, RecordVisitor v)
      throws CorruptRecordException {
    if (count == 0) {
      return;
    }
    long runs = r.readUvarint();
    if (runs < 1 || runs > count) {
      throw r.corrupt(Long.toUnsignedString(runs) + " sample runs for " + count + " samples");
    }
    boolean explicitRuns = runs != count;
    long baseT = r.readVarint();
    long ref = 0;
    int left = count;
    for (long run = 0; run < runs; run++) {
      ref += r.readVarint();
      long n = 1;
      if (explicitRuns) {
        n = r.readUvarint();
        if (n < 1 || n > left) {
          throw r.corrupt(
              "sample run of " + Long.toUnsignedString(n) + " with " + left + " samples left");
        }
      }
      long t = baseT + r.readVarint();
      v.sample(ref, t, Double.longBitsToDouble(r.readLongLE()));
      long delta = 0;
      for (long j = 1; j < n; j++) {
        delta += r.readVarint();
        t += delta;
        v.sample(ref, t, Double.longBitsToDouble(r.readLongLE()));
      }
      left -= (int) n;
    }
    if (left != 0) {
      throw r.corrupt(left + " samples missing from their runs");
    }
  }

  private static void histograms(PayloadReader r, int count, RecordVisitor v)
      throws CorruptRecordException {
    long ref = 0;
    long t = 0;
    for (int i = 0; i < count; i++) {
      ref += r.readVarint();
      t += r.readVarint();
      int off = r.skipBytes("histogram");
      v.histogram(ref, t, r.buf, off, r.pos - off);
    }
  }

  private static void exemplars(PayloadReader r, int count, RecordVisitor v)
      throws CorruptRecordException {
    long ref = 0;
    long t = 0;
    for (int i = 0; i < count; i++) {
      ref += r.readVarint();
      t += r.readVarint();
      double value = Double.longBitsToDouble(r.readLongLE());
      int off = r.skipBytes("exemplar labels");
      int len = r.pos - off;
      r.checkLabels(off, len);
      v.exemplar(ref, t, value, r.buf, off, len);
    }
  }

  private static void metadata(PayloadReader r, int count, RecordVisitor v)
      throws CorruptRecordException {
    for (int i = 0; i < count; i++) {
      long type = r.readUvarint();
      if (type > 0xFFFF_FFFFL || type < 0) {
        throw r.corrupt("metadata type out of range");
      }
      int nameOff = r.skipBytes("metadata name");
      int nameLen = r.pos - nameOff;
      int helpOff = r.skipBytes("metadata help");
      int helpLen = r.pos - helpOff;
      int unitOff = r.skipBytes("metadata unit");
      int unitLen = r.pos - unitOff;
      v.metadata((int) type, r.buf, nameOff, nameLen, helpOff, helpLen, unitOff, unitLen);
    }
  }

  /** Per-thread reusable decoding state. */
  private static final class State {
    final PayloadReader reader = new PayloadReader();
    byte[] scratch = new byte[4096];
    boolean busy;
  }
}
