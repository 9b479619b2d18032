package io.rwgateway.tsdb.db;

import io.rwgateway.wal.RecordEncoder;
import io.rwgateway.wal.RecordVisitor;

/**
 * Lets the head appender write accepted entries straight into the WAL's record encoder through the
 * same interface replay reads them back with.
 *
 * <p>NOTE: a request can hold more than one WAL record can (a remote-write 2.0 body interns its
 * strings, the WAL spells every new series out), so when the record grows past {@link #FLUSH_BYTES}
 * it is handed to {@code flush} and a new one begins. Every record of a request is appended before
 * the request is answered, and series definitions always land in the same or an earlier record than
 * the entries that use them.
 */
public final class EncoderVisitor implements RecordVisitor {
  /**
   * Records are cut at about this size, well under {@link io.rwgateway.wal.Wal#MAX_PAYLOAD_BYTES}.
   */
  public static final int FLUSH_BYTES = 512 << 10;

  /** Takes a full record; may throw {@link java.io.UncheckedIOException}. */
  public interface Flush {
    void flush(RecordEncoder full);
  }

  private final RecordEncoder encoder;
  private final Flush flush;

  public EncoderVisitor(RecordEncoder encoder) {
    this(encoder, null);
  }

  public EncoderVisitor(RecordEncoder encoder, Flush flush) {
    this.encoder = encoder;
    this.flush = flush;
  }

  private void maybeFlush() {
    if (flush != null && encoder.sizeBound() > FLUSH_BYTES) {
      flush.flush(encoder);
      encoder.reset();
    }
  }

  @Override
  public void series(long ref, byte[] labels, int off, int len) {
    encoder.addSeries(ref, labels, off, len);
    maybeFlush();
  }

  @Override
  public void sample(long ref, long t, double v) {
    encoder.addSample(ref, t, v);
    maybeFlush();
  }

  @Override
  public void histogram(long ref, long t, byte[] proto, int off, int len) {
    encoder.addHistogram(ref, t, proto, off, len);
    maybeFlush();
  }

  @Override
  public void exemplar(long ref, long t, double v, byte[] labels, int off, int len) {
    encoder.addExemplar(ref, t, v, labels, off, len);
    maybeFlush();
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
    encoder.addMetadata(type, b, nameOff, nameLen, helpOff, helpLen, unitOff, unitLen);
    maybeFlush();
  }
}
