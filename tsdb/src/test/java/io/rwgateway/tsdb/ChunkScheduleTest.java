package io.rwgateway.tsdb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** 2.42's plan for a histogram chunk's end, on cases worked out by hand. */
class ChunkScheduleTest {
  private static final long H2 = 2 * 3600 * 1000L;

  /** How many 15 s samples a chunk starting {@code offset} ms into a 2h range takes. */
  private static int chunkLength(long offset, long step) {
    ChunkSchedule s = new ChunkSchedule(H2);
    long t0 = 10 * H2 + offset;
    s.start(t0);
    int n = 1;
    while (!s.cutBefore(t0 + n * step, n, t0 + (n - 1) * step)) {
      n++;
    }
    return n;
  }

  @Test
  void aChunkEndsWhereTheRestOfTheRangeSplitsEvenly() {
    // At the range start, 15 s samples: at 30 samples (435 s + 1 ms, x4 = 1740.004 s) the 7200 s
    // split into 4 chunks of 1800 s: 120 samples.
    assertEquals(120, chunkLength(0, 15_000));
    // 800 s in: 6400 s left split in 3 (2133.33 s): 143 samples.
    assertEquals(143, chunkLength(800_000, 15_000));
    // 90 minutes left at 30 s: no split fits, the chunk runs to the range's end (180 samples).
    assertEquals(180, chunkLength(30 * 60_000, 30_000));
    // Every 10 ms: 30 samples span 291 ms (x4 = 1164 ms), the range splits into 6185 chunks.
    assertEquals(117, chunkLength(0, 10));
  }

  @Test
  void aRateThatGoesUpCutsAt240() {
    ChunkSchedule s = new ChunkSchedule(H2);
    s.start(0);
    long t = 0;
    int n = 1;
    for (; n < 31; n++) {
      t += 15_000;
      assertFalse(s.cutBefore(t, n, t - 15_000));
    }
    // Planned end now 1800 s; samples come every 10 ms from here on.
    while (!s.cutBefore(t + 10, n, t)) {
      t += 10;
      n++;
    }
    assertEquals(240, n);
  }

  @Test
  void endTimeIsIntegerArithmetic() {
    assertEquals(1_800_000, ChunkSchedule.endTime(0, 435_000, H2));
    assertEquals(H2, ChunkSchedule.endTime(0, 1_000_000, H2), "n <= 1: the range's end");
    assertEquals(H2, ChunkSchedule.rangeEnd(0, H2));
    assertEquals(2 * H2, ChunkSchedule.rangeEnd(H2, H2));
    assertTrue(ChunkSchedule.cut(H2, 1, H2));
    assertFalse(ChunkSchedule.cut(H2 - 1, 239, H2));
    assertTrue(ChunkSchedule.cut(0, 240, H2));
  }
}
