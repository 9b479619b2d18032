package io.rwgateway.wal;

import java.nio.ByteBuffer;

/**
 * Receives each intact record payload during replay, oldest first (checkpoint records first).
 * {@link CycleRecordHandler} is the same with the record's origin.
 */
@FunctionalInterface
public interface RecordHandler {
  /** {@code payload} is valid only during the call. */
  void onRecord(ByteBuffer payload) throws Exception;
}
