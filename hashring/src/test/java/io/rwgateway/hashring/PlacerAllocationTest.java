package io.rwgateway.hashring;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import io.rwgateway.hashring.HashringConfig.Algorithm;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The ingest path's use of a ring allocates nothing once warm: routing a request ({@code ringFor} +
 * {@code bind} with an ASCII tenant) and placing each series ({@code owners}). Measured with the
 * JVM's per-thread allocation counter.
 */
class PlacerAllocationTest {

  @Test
  void placingSeriesAllocatesNothing() throws Exception {
    MultiHashring ring =
        MultiHashring.of(
            HashringConfig.parse(
                """
        [{"tenants": ["team-a"], "algorithm": "ketama", "endpoints": ["a:1", "b:1", "c:1", "d:1"]},
         {"endpoints": ["e:1", "f:1", "g:1"]}]"""),
            Algorithm.HASHMOD,
            3);
    byte[][] series = new byte[64][];
    for (int i = 0; i < series.length; i++) {
      series[i] = Series.labels(i, 7);
    }
    TenantPlacer placer = new TenantPlacer();
    int[] out = new int[3];
    long sink = 0;
    for (int i = 0; i < 200_000; i++) { // warm up, and let the placer's buffer reach its size
      sink += place(ring, placer, series, out, i);
    }
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 200_000; i++) {
      sink += place(ring, placer, series, out, i);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    // A few hundred bytes of slack for the counter itself; one object per call would be megabytes.
    assertTrue(
        allocated < 1_000, allocated + " bytes allocated for 200k placements (sink " + sink + ")");
  }

  private static int place(
      MultiHashring ring, TenantPlacer placer, byte[][] series, int[] out, int i) {
    if (i % 100 == 0) { // a new request every 100 series
      String tenant = (i / 100) % 2 == 0 ? "team-a" : "team-b";
      placer.bind(ring.ringFor(tenant), tenant);
    }
    byte[] s = series[i % series.length];
    placer.owners(s, 0, s.length, out);
    return out[0] + out[2];
  }
}
