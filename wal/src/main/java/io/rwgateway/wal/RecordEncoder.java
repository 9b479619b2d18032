package io.rwgateway.wal;

import java.nio.ByteBuffer;

/**
 * Builds one WAL record payload from series definitions, samples, histograms, exemplars and
 * metadata. Reused by one writer thread; allocates only while its buffers grow.
 * Layout: docs/format/wal.md.
 */
public final class RecordEncoder {
  public void reset() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  public void addSeries(long ref, byte[] labels, int off, int len) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  public void addSample(long ref, long t, double v) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  public void addHistogram(long ref, long t, byte[] proto, int off, int len) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  public void addExemplar(long ref, long t, double v, byte[] labels, int off, int len) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  public void addMetadata(int type, byte[] b, int nameOff, int nameLen, int helpOff, int helpLen, int unitOff, int unitLen) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  public boolean isEmpty() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** The encoded payload, valid until the next reset. */
  public ByteBuffer finish() {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
