package io.rwgateway.wal;

import java.nio.ByteBuffer;

/** Receives each intact record payload during replay, oldest first. */
@FunctionalInterface
public interface RecordHandler {
  /** {@code payload} is valid only during the call. */
  void onRecord(ByteBuffer payload) throws Exception;
}
