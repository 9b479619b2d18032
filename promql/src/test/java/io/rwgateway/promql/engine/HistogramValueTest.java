package io.rwgateway.promql.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.tsdb.chunk.FloatHistogram;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bucket bounds and the histogram arithmetic PromQL needs, on cases worked out by hand. */
class HistogramValueTest {
  @Test
  void boundsArePowersOfTwoAndPrometheusRoots() {
    assertEquals(1.0, Buckets.bound(0, 0));
    assertEquals(0.5, Buckets.bound(-1, 0));
    assertEquals(4.0, Buckets.bound(1, -1));
    assertEquals(16.0, Buckets.bound(1, -2));
    // Prometheus' root of 2 is one ulp below the nearest double (Math.sqrt(2)): its bounds are
    // written 1.414213562373095, not 1.4142135623730951.
    assertEquals(Math.nextDown(Math.sqrt(2)), Buckets.bound(1, 1));
    assertEquals("1.414213562373095", GoFloat.formatSample(Buckets.bound(1, 1)));
    assertEquals(Math.nextDown(Math.sqrt(2)) * 4, Buckets.bound(5, 1));
    // Schema 5, index -267 (a bound seen from a real scrape, as Prometheus 2.42 writes it).
    assertEquals("0.0030780875881013404", GoFloat.formatSample(Buckets.bound(-267, 5)));
    // The last finite bucket ends at the largest double; the next one holds the infinities.
    assertEquals(Double.MAX_VALUE, Buckets.bound(1024, 0));
    assertEquals(Double.POSITIVE_INFINITY, Buckets.bound(1025, 0));
    assertEquals(Double.MAX_VALUE, Buckets.bound(1024 * 256, 8));
    for (int s = 1; s <= 8; s++) {
      double previous = 0;
      for (int i = -3 * (1 << s); i <= 3 * (1 << s); i++) {
        double b = Buckets.bound(i, s);
        assertTrue(b > previous, "bounds rise: schema " + s + " index " + i);
        previous = b;
      }
      assertEquals(2.0, Buckets.bound(1 << s, s), "2 is a bound of schema " + s);
    }
  }

  /** Schema 0: (1,2] holds 2, (2,4] holds 2. */
  private static HistogramValue simple() {
    FloatHistogram f = new FloatHistogram().schema(0).count(4).sum(10);
    f.positive().set(new int[] {1}, new int[] {2}, new double[] {2, 2});
    return HistogramValue.of(f);
  }

  @Test
  void quantileAndFractionInterpolateInsideBuckets() {
    HistogramValue h = simple();
    assertEquals(2.0, HistogramFunctions.quantile(0.5, h));
    assertEquals(1.5, HistogramFunctions.quantile(0.25, h));
    assertEquals(4.0, HistogramFunctions.quantile(1, h));
    assertEquals(Double.NEGATIVE_INFINITY, HistogramFunctions.quantile(-0.1, h));
    assertEquals(0.5, HistogramFunctions.fraction(1.5, 3, h));
    assertEquals(1.0, HistogramFunctions.fraction(Double.NEGATIVE_INFINITY, 100, h));
    assertEquals(0.0, HistogramFunctions.fraction(3, 1, h));
  }

  @Test
  void addMergesAFinerSchemaDownAndSubtractsBack() {
    HistogramValue h = simple();
    FloatHistogram f = new FloatHistogram().schema(1).count(2).sum(3);
    f.positive().set(new int[] {1}, new int[] {2}, new double[] {1, 1}); // (1,1.41], (1.41,2]
    HistogramValue finer = HistogramValue.of(f);
    h.add(finer);
    assertEquals(6, h.count);
    assertEquals(13, h.sum);
    assertEquals(List.of("(1,2]=4.0", "(2,4]=2.0"), buckets(h));
    h.sub(finer);
    assertEquals(List.of("(1,2]=2.0", "(2,4]=2.0"), buckets(h));
    HistogramValue coarse = finer.copyToSchema(0);
    assertEquals(List.of("(1,2]=2.0"), buckets(coarse));
  }

  @Test
  void resetsAreFoundInCountsSchemasAndBuckets() {
    HistogramValue prev = simple();
    HistogramValue same = simple();
    assertFalse(same.detectReset(prev));
    FloatHistogram f = new FloatHistogram().schema(0).count(5).sum(10);
    f.positive().set(new int[] {1}, new int[] {2}, new double[] {1, 4}); // one bucket went down
    assertTrue(HistogramValue.of(f).detectReset(prev));
    FloatHistogram g = new FloatHistogram().schema(1).count(4).sum(10);
    g.positive().set(new int[] {1}, new int[] {1}, new double[] {4});
    assertTrue(HistogramValue.of(g).detectReset(prev), "a finer schema is a reset");
  }

  private static List<String> buckets(HistogramValue h) {
    List<String> out = new ArrayList<>();
    h.forEachBucket(
        (b, lower, upper, count) -> out.add("(" + fmt(lower) + "," + fmt(upper) + "]=" + count));
    return out;
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /** Custom bounds 0.1, 0.5, 1: buckets (-Inf,0.1]=1, (0.1,0.5]=2, (0.5,1]=3, (1,+Inf]=4. */
  private static HistogramValue custom(double... bounds) {
    FloatHistogram f = new FloatHistogram().schema(-53).count(10).sum(12);
    f.customValues(bounds);
    f.positive().set(new int[] {0}, new int[] {4}, new double[] {1, 2, 3, 4});
    return HistogramValue.of(f);
  }

  @Test
  void customBucketsHaveTheirOwnBoundsAndOpenEnds() {
    HistogramValue h = custom(0.1, 0.5, 1);
    List<String> seen = new ArrayList<>();
    h.forEachBucket(
        (b, lower, upper, count) -> seen.add(b + ":" + lower + "," + upper + "=" + count));
    assertEquals(
        List.of("3:-Infinity,0.1=1.0", "0:0.1,0.5=2.0", "0:0.5,1.0=3.0", "0:1.0,Infinity=4.0"),
        seen);
    assertEquals(0.5 + 0.5 * (2.0 / 3), HistogramFunctions.quantile(0.5, h), 1e-15);
    assertEquals(1.0, HistogramFunctions.quantile(0.95, h), "the +Inf bucket answers its lower");
    assertEquals(0.05, HistogramFunctions.quantile(0.05, h), 1e-15, "the first bucket from 0");
    HistogramValue sum = custom(0.1, 0.5, 1).add(custom(0.1, 0.5, 1));
    assertEquals(20, sum.count);
    HistogramValue other = custom(0.1, 0.5, 2);
    assertThrows(HistogramValue.Incompatible.class, () -> custom(0.1, 0.5, 1).add(other));
    assertThrows(HistogramValue.Incompatible.class, () -> simple().add(custom(0.1, 0.5, 1)));
    assertTrue(other.detectReset(h), "other bounds: a new histogram");
  }
}
