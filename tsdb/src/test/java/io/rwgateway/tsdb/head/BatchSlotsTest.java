package io.rwgateway.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The writer's per-batch map from series ref to slot, against a HashMap, over batches of changing
 * size.
 */
class BatchSlotsTest {
  @Test
  void matchesAHashMapAcrossBatchesOfChangingSize() {
    Random r = new Random(3);
    BatchSlots slots = new BatchSlots();
    int[] sizes = {1, 5000, 3, 64, 200, 20_000, 1, 127, 128, 129};
    for (int size : sizes) {
      slots.clear(size);
      Map<Integer, Integer> want = new HashMap<>();
      for (int i = 0; i < size; i++) {
        // Refs from a small range repeat (the same series twice); multiples of a power of two
        // collide.
        int ref =
            r.nextBoolean() ? 1 + r.nextInt(Math.max(1, size / 2)) : 1 + (r.nextInt(1 << 10) << 12);
        Integer before = want.putIfAbsent(ref, i);
        assertEquals(
            before == null ? -1 : before,
            slots.putIfAbsent(ref, i),
            "batch of " + size + ", entry " + i);
      }
    }
  }
}
