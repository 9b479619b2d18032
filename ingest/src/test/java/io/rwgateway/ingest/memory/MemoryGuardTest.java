package io.rwgateway.ingest.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.ingest.memory.MemoryGuard.State;
import io.rwgateway.ingest.memory.MemoryGuard.Watermarks;
import io.rwgateway.tsdb.WriteBatch;
import org.junit.jupiter.api.Test;

class MemoryGuardTest {
  private static final long MB = 1 << 20;

  private static WriteBatch batch(boolean... known) {
    WriteBatch b = new WriteBatch();
    for (int i = 0; i < known.length; i++) {
      int off = b.reserveBytes(1);
      b.beginSeries(i, off, 1);
      b.seriesHint[i] = known[i] ? new Object() : null;
    }
    return b;
  }

  @Test
  void statesFollowTheHeapAfterCollectionWithHysteresis() {
    MemoryGuard g =
        new MemoryGuard(
            new Watermarks(0.5, 0.7, 0.9), 100 * MB, System::nanoTime, new PrometheusRegistry());
    WriteBatch fresh = batch(true, false);
    WriteBatch known = batch(true, true);
    g.afterGc(60 * MB);
    assertEquals(State.NORMAL, g.state(), "between low and high, NORMAL stays");
    assertNull(g.refusal(fresh));
    g.afterGc(75 * MB);
    assertEquals(State.NO_NEW_SERIES, g.state());
    String why = g.refusal(fresh);
    assertTrue(
        why.startsWith("memory is nearly full: heap after collection 75 MB of 100 MB")
            && why.contains("(this request has 1)"),
        why);
    assertNull(g.refusal(known), "samples of existing series are still taken");
    g.afterGc(60 * MB);
    assertEquals(State.NO_NEW_SERIES, g.state(), "above low it stays limited");
    g.afterGc(95 * MB);
    assertEquals(State.FULL, g.state());
    assertTrue(g.refusal(known).startsWith("memory is full: heap after collection 95 MB"));
    g.afterGc(80 * MB);
    assertEquals(State.FULL, g.state(), "FULL eases only below high");
    g.afterGc(65 * MB);
    assertEquals(State.NO_NEW_SERIES, g.state());
    g.afterGc(40 * MB);
    assertEquals(State.NORMAL, g.state());
    assertNull(g.refusal(fresh));
  }

  @Test
  void smallHeapsKeepAnAbsoluteReserveAboveTheWatermarks() {
    Watermarks d = Watermarks.DEFAULT;
    assertEquals(d, MemoryGuard.effective(d, 2048 * MB), "a large heap keeps the fractions");
    Watermarks w = MemoryGuard.effective(d, 646 * MB);
    assertEquals(1 - 128.0 / 646, w.high(), 1e-9);
    assertEquals(1 - 64.0 / 646, w.full(), 1e-9);
    assertEquals(d.low(), w.low(), 1e-9);
    w = MemoryGuard.effective(d, 160 * MB);
    assertEquals(0.75, w.high(), 1e-9, "at most a quarter of the heap is reserved");
    assertEquals(0.875, w.full(), 1e-9);
    assertEquals(0.70, w.low(), 1e-9);
  }

  @Test
  void watermarksMustBeOrdered() {
    assertThrows(IllegalArgumentException.class, () -> new Watermarks(0.8, 0.7, 0.9));
    assertThrows(IllegalArgumentException.class, () -> new Watermarks(0.5, 0.95, 0.9));
    assertThrows(IllegalArgumentException.class, () -> new Watermarks(0, 0.5, 0.9));
  }
}
