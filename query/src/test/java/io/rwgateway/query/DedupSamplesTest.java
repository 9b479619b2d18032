package io.rwgateway.query;

import static io.rwgateway.query.Samples.STALE;
import static io.rwgateway.query.Samples.drain;
import static io.rwgateway.query.Samples.every;
import static io.rwgateway.query.Samples.replica;
import static io.rwgateway.query.Samples.s;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.query.Samples.S;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Expected outputs are traced by hand through the penalty rule: after a sample at t the other
 * replica is skipped to after t + 2 * (t - previous t), or t + 5 s after the first sample.
 */
class DedupSamplesTest {
  private static List<S> plain(SampleIterator... replicas) {
    return drain(DedupSamples.of(List.of(replicas), DedupMode.PLAIN));
  }

  private static List<S> counter(SampleIterator... replicas) {
    return drain(DedupSamples.of(List.of(replicas), DedupMode.COUNTER));
  }

  @Test
  void identicalReplicasGiveOneCopy() {
    List<S> one = drain(every(0, 60_000, 15_000, 0));
    assertEquals(one, plain(every(0, 60_000, 15_000, 0), every(0, 60_000, 15_000, 0)));
    assertEquals(5, one.size());
  }

  @Test
  void aSingleReplicaIsPassedThrough() {
    assertEquals(drain(every(0, 30_000, 10_000, 0)), plain(every(0, 30_000, 10_000, 0)));
  }

  @Test
  void aReplicaMissingAMinuteIsFilledFromTheOtherWithoutDuplicates() {
    // a: every 15 s but 60..105 s missing; b (values +0.5): every 15 s throughout.
    SampleIterator a =
        replica(0, 0, 15_000, 15, 30_000, 30, 45_000, 45, 120_000, 120, 135_000, 135);
    SampleIterator b = every(0, 135_000, 15_000, 0.5);
    // After a's 45 s, b was last skipped to after 45 + 30 s; its 60 and 75 s are inside the
    // penalty, so the merge resumes at b's 90 s and stays on b (a is now the penalised one).
    assertEquals(
        List.of(
            s(0, 0),
            s(15_000, 15),
            s(30_000, 30),
            s(45_000, 45),
            s(90_000, 90.5),
            s(105_000, 105.5),
            s(120_000, 120.5),
            s(135_000, 135.5)),
        plain(a, b));
  }

  @Test
  void bothReplicasWithGapsSwitchOverAndBack() {
    // a: 0..30 s and 80..140 s every 10 s; b (+0.5): 0..80 s and 140..150 s.
    SampleIterator a =
        replica(
            0, 0, 10_000, 10, 20_000, 20, 30_000, 30, 80_000, 80, 90_000, 90, 100_000, 100, 110_000,
            110, 120_000, 120, 130_000, 130, 140_000, 140);
    SampleIterator b =
        replica(
            0, 0.5, 10_000, 10.5, 20_000, 20.5, 30_000, 30.5, 40_000, 40.5, 50_000, 50.5, 60_000,
            60.5, 70_000, 70.5, 80_000, 80.5, 140_000, 140.5, 150_000, 150.5);
    assertEquals(
        List.of(
            s(0, 0),
            s(10_000, 10),
            s(20_000, 20),
            s(30_000, 30),
            s(60_000, 60.5), // a's next is 80 s; b skipped to after 30 + 20 s
            s(70_000, 70.5),
            s(80_000, 80.5),
            s(130_000, 130), // back to a: it was penalised by 60 s then 20 s, b has a gap
            s(140_000, 140)), // b's 140 and 150 s fall inside the 100 s penalty
        plain(a, b));
  }

  @Test
  void scrapeOffsetsBetweenReplicasDoNotDoubleSamples() {
    SampleIterator a = every(0, 60_000, 15_000, 0);
    SampleIterator b = every(3_000, 63_000, 15_000, 0.5);
    assertEquals(drain(every(0, 60_000, 15_000, 0)), plain(a, b));
    // With jitter, and b starting first and a dying early.
    SampleIterator c = replica(2_000, 2, 17_000, 17, 31_990, 32, 47_010, 47, 62_000, 62);
    SampleIterator d = replica(0, 0.5, 15_010, 15.5, 29_990, 30.5);
    assertEquals(
        // d's 0 s is first; c is then skipped to after 5 s, where d's 15.01 s is still earlier, and
        // from then on c is held two of d's steps behind, so its 31.99 and 47.01 s never appear.
        List.of(s(0, 0.5), s(15_010, 15.5), s(29_990, 30.5), s(62_000, 62)), plain(c, d));
  }

  @Test
  void threeReplicasAreMergedPairwise() {
    // ((r0 + r1) + r2): values are 10 * seconds + replica number.
    SampleIterator r0 = replica(0, 0, 10_000, 100, 20_000, 200);
    SampleIterator r1 =
        replica(30_000, 301, 40_000, 401, 50_000, 501, 60_000, 601, 70_000, 701, 80_000, 801);
    double[] tv = new double[26];
    for (int i = 0; i <= 12; i++) {
      tv[2 * i] = i * 10_000;
      tv[2 * i + 1] = i * 100 + 2;
    }
    SampleIterator r2 = replica(tv);
    assertEquals(
        List.of(
            s(0, 0),
            s(10_000, 100),
            s(20_000, 200),
            s(50_000, 501), // r1's 30 and 40 s were skipped inside the inner merge's penalty
            s(60_000, 601),
            s(70_000, 701),
            s(80_000, 801),
            // r2 was skipped to after 50 + 1 + 60 s when the merge moved to r1 at 50 s.
            s(120_000, 1202)),
        plain(r0, r1, r2));
  }

  @Test
  void counterModeLiftsAReplicaThatRestartedSoTheSwitchIsNoReset() {
    List<S> expectedCounter =
        List.of(
            s(0, 100),
            s(10_000, 110),
            s(20_000, 120),
            s(30_000, 130),
            s(60_000, 130), // b's 11 lifted by 130 - 11
            s(70_000, 131),
            s(80_000, 132));
    assertEquals(expectedCounter, counter(restartedA(), restartedB()));
    List<S> plain = plain(restartedA(), restartedB());
    assertEquals(
        List.of(
            s(0, 100),
            s(10_000, 110),
            s(20_000, 120),
            s(30_000, 130),
            s(60_000, 11),
            s(70_000, 12),
            s(80_000, 13)),
        plain);
    assertEquals(DedupMode.COUNTER, DedupMode.forFunction("rate"));
    assertEquals(DedupMode.COUNTER, DedupMode.forFunction("resets"));
    assertEquals(DedupMode.PLAIN, DedupMode.forFunction("sum_over_time"));
    assertEquals(DedupMode.PLAIN, DedupMode.forFunction(null));
  }

  private static SampleIterator restartedA() {
    return replica(0, 100, 10_000, 110, 20_000, 120, 30_000, 130);
  }

  private static SampleIterator restartedB() {
    double[] tv = new double[18];
    for (int i = 0; i <= 8; i++) {
      tv[2 * i] = i * 10_000;
      tv[2 * i + 1] = 5 + i;
    }
    return replica(tv);
  }

  @Test
  void counterModeLeavesAHigherReplicaAlone() {
    SampleIterator a = replica(0, 10, 10_000, 11);
    SampleIterator b = replica(0, 50, 10_000, 51, 20_000, 52, 30_000, 53, 40_000, 54);
    assertEquals(List.of(s(0, 10), s(10_000, 11), s(40_000, 54)), counter(a, b));
  }

  @Test
  void counterModeBeforeTheFirstSampleComparesWithTheFirstReplicasFirstValue() {
    // Thanos' quirk, kept: starting on the second replica counts as a switch away from the first,
    // whose first value (5) serves as the "last value", so b is lifted by 4 from the start.
    assertEquals(
        List.of(s(5_000, 5), s(20_000, 6)),
        counter(replica(10_000, 5, 25_000, 6), replica(5_000, 1, 20_000, 2)));
    assertEquals(
        List.of(s(5_000, 1), s(20_000, 2)),
        plain(replica(10_000, 5, 25_000, 6), replica(5_000, 1, 20_000, 2)));
  }

  @Test
  void counterModeAcrossANestedMerge() {
    // ((r0 + empty) + r2): the outer merge switches from the inner one to the restarted r2.
    SampleIterator r2 = replica(0, 1, 10_000, 2, 20_000, 3, 30_000, 4, 40_000, 5, 50_000, 6);
    assertEquals(
        List.of(s(0, 100), s(10_000, 110), s(40_000, 110), s(50_000, 111)),
        counter(replica(0, 100, 10_000, 110), replica(), r2));
  }

  @Test
  void emptyReplicas() {
    assertEquals(List.of(), plain(replica(), replica()));
    assertEquals(List.of(), counter(replica(), replica(), replica()));
    List<S> b = drain(every(0, 20_000, 10_000, 0));
    assertEquals(b, plain(replica(), every(0, 20_000, 10_000, 0)));
    assertEquals(b, plain(every(0, 20_000, 10_000, 0), replica()));
    assertEquals(b, counter(replica(), every(0, 20_000, 10_000, 0), replica()));
  }

  @Test
  void nanAndStalenessMarkersPassThroughBitForBit() {
    SampleIterator a = replica(0, 1, 10_000, STALE, 20_000, Double.NaN, 30_000, 4);
    SampleIterator b = replica(0, 9, 10_000, 9, 20_000, 9, 30_000, 9);
    List<S> out = plain(a, b);
    assertEquals(List.of(s(0, 1), s(10_000, STALE), s(20_000, Double.NaN), s(30_000, 4)), out);
    assertEquals(0x7ff0000000000002L, out.get(1).bits());
    // In counter mode a lifted replica's marker stays a marker (adding to it would not).
    SampleIterator c = replica(0, 100, 10_000, 110);
    SampleIterator d =
        replica(0, 1, 10_000, 2, 20_000, 3, 30_000, 4, 40_000, 5, 50_000, STALE, 60_000, 7);
    assertEquals(
        List.of(s(0, 100), s(10_000, 110), s(40_000, 110), s(50_000, STALE), s(60_000, 112)),
        counter(c, d));
  }

  @Test
  void seekGoesForwardThroughTheMerge() {
    DedupSamples it =
        DedupSamples.of(
            List.of(every(0, 50_000, 10_000, 0), every(0, 50_000, 10_000, 0.5)), DedupMode.PLAIN);
    assertTrue(it.seek(25_000));
    assertEquals(30_000, it.t());
    assertTrue(it.seek(10_000)); // never back
    assertEquals(30_000, it.t());
    assertTrue(it.next());
    assertEquals(s(40_000, 40), s(it.t(), it.v()));
    assertFalse(it.seek(60_000));
    assertFalse(it.next());
  }
}
