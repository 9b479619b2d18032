package io.rwgateway.ingest.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class WriteGateTest {
  @Test
  void overTheLimitRequestsWaitInOrderAndTakeFreedSlots() {
    WriteGate g = new WriteGate();
    List<String> ran = new ArrayList<>();
    assertTrue(g.enterOrWait(2, () -> ran.add("a")));
    assertTrue(g.enterOrWait(2, () -> ran.add("b")));
    assertFalse(g.enterOrWait(2, () -> ran.add("c")));
    assertFalse(g.enterOrWait(2, () -> ran.add("d")));
    assertEquals(2, g.inFlight());
    assertEquals(2, g.waiting());
    g.exit(2);
    assertEquals(List.of("c"), ran, "the first waiting request gets the freed slot");
    assertEquals(2, g.inFlight());
    // The limit is raised by a reload: the next exit lets every request that now fits run.
    g.exit(5);
    assertEquals(List.of("c", "d"), ran);
    assertEquals(2, g.inFlight());
    assertEquals(0, g.waiting());
    g.exit(5);
    g.exit(5);
    assertEquals(0, g.inFlight());
  }

  @Test
  void noLimitAdmitsEverythingButStillCounts() {
    WriteGate g = new WriteGate();
    for (int i = 0; i < 100; i++) {
      assertTrue(g.enterOrWait(0, () -> {}));
    }
    assertEquals(100, g.inFlight());
    // A limit switched on later applies to what is in flight already.
    assertFalse(g.enterOrWait(10, () -> {}));
  }
}
