package io.rwgateway.wal;

import java.nio.ByteBuffer;

/**
 * Receives each intact record payload during replay together with where it came from: the
 * checkpoint ({@link #CHECKPOINT}) or the roll cycle it was appended in. Checkpoint records come
 * first, then the cycles' records oldest first.
 *
 * <p>NOTE: the origin lets the head learn which cycle last touched each series, which is what it
 * needs to pick the next checkpoint's first kept cycle.
 */
@FunctionalInterface
public interface CycleRecordHandler {
  /** The origin reported for records read from the checkpoint. Real cycles are never negative. */
  int CHECKPOINT = -1;

  /**
   * {@code payload} is valid only during the call; {@code cycle} is a cycle or {@link #CHECKPOINT}.
   */
  void onRecord(ByteBuffer payload, int cycle) throws Exception;
}
