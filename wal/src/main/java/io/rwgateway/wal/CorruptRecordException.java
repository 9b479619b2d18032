package io.rwgateway.wal;

import java.io.IOException;

/** A WAL record that fails its checksum or does not parse; names where it is. */
public final class CorruptRecordException extends IOException {
  public CorruptRecordException(String message) {
    super(message);
  }
}
