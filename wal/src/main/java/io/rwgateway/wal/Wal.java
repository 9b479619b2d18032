package io.rwgateway.wal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * One tenant's write-ahead log: a Chronicle Queue directory of checksummed records.
 * {@link #append} is called by a single writer thread only; {@link #sync} from any thread.
 */
public final class Wal implements Closeable {
  private Wal() {}

  public static Wal open(Path dir, WalOptions options) throws IOException {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Appends one record whose payload is {@code payload}'s remaining bytes (checksum added here). */
  public void append(ByteBuffer payload) throws IOException {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Forces what was appended so far to stable storage. Thread-safe. */
  public void sync() throws IOException {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Reads every intact record, oldest first; corrupt ones are logged with file and index and skipped. */
  public ReplayResult replay(RecordHandler handler) throws IOException {
    throw new UnsupportedOperationException("not implemented yet");
  }

  public Path dir() {
    throw new UnsupportedOperationException("not implemented yet");
  }

  @Override
  public void close() throws IOException {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
