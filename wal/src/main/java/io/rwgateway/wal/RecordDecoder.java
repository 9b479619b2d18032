package io.rwgateway.wal;

import java.nio.ByteBuffer;

/** Decodes a record payload written by {@link RecordEncoder}. */
public final class RecordDecoder {
  private RecordDecoder() {}

  /** Throws {@link CorruptRecordException} on a payload that does not parse. */
  public static void decode(ByteBuffer payload, RecordVisitor visitor) throws CorruptRecordException {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
