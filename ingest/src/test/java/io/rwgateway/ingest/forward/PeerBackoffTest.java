package io.rwgateway.ingest.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PeerBackoffTest {
  private static final long MS = 1_000_000L;
  private final AtomicLong now = new AtomicLong(1_000 * MS);

  @Test
  void doublesFromMinToMaxAndJittersBetweenMinAndTheCeiling() {
    PeerBackoff top = new PeerBackoff(100 * MS, 5_000 * MS, now::get, () -> 0.999_999_999);
    long[] want = {100, 200, 400, 800, 1600, 3200, 5000, 5000};
    for (long w : want) {
      long d = top.failed();
      assertEquals(w, Math.round(d / (double) MS), "ceiling after failure " + top.failures());
      assertEquals(d, top.remainingNanos());
    }
    PeerBackoff bottom = new PeerBackoff(100 * MS, 5_000 * MS, now::get, () -> 0.0);
    for (int i = 0; i < 10; i++) {
      assertEquals(100 * MS, bottom.failed(), "jitter never goes below min");
    }
    PeerBackoff many = new PeerBackoff(1, Long.MAX_VALUE / 2, now::get, () -> 1.0);
    for (int i = 0; i < 200; i++) {
      assertTrue(many.failed() > 0, "no overflow after " + i + " failures");
    }
    assertEquals(Long.MAX_VALUE / 2, many.failed());
  }

  @Test
  void closedUntilTheTimePassesOpenAgainOnSuccess() {
    PeerBackoff b = new PeerBackoff(100 * MS, 5_000 * MS, now::get, () -> 0.5);
    assertEquals(0, b.remainingNanos(), "a fresh peer is open");
    b.failed();
    b.failed(); // ceiling 200ms, half-way jitter: 150ms
    assertEquals(150 * MS, b.remainingNanos());
    now.addAndGet(100 * MS);
    assertEquals(50 * MS, b.remainingNanos());
    now.addAndGet(50 * MS);
    assertEquals(0, b.remainingNanos());
    b.failed();
    assertTrue(b.remainingNanos() > 0);
    b.succeeded();
    assertEquals(0, b.remainingNanos());
    assertEquals(0, b.failures());
    assertEquals(
        100 * MS,
        new PeerBackoff(100 * MS, 5_000 * MS, now::get, () -> 0.9).failed(),
        "the count starts again from min after a success");
  }

  @Test
  void rejectsNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new PeerBackoff(0, 1, now::get, () -> 0));
    assertThrows(IllegalArgumentException.class, () -> new PeerBackoff(2, 1, now::get, () -> 0));
  }
}
