package io.rwgateway.ingest.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.ingest.RoutingFailure;
import io.rwgateway.ingest.forward.ForwardOutcome;
import io.rwgateway.model.RejectReason;
import io.rwgateway.tsdb.WriteBatch;
import org.junit.jupiter.api.Test;

/** How per-request outcomes of a routed batch become its answer, series by series. */
class OutcomesTest {
  /** Two series, three replica requests each holding both (RF 3, quorum 2). */
  private static WriteBatch fold(ForwardOutcome a, ForwardOutcome b, ForwardOutcome c) {
    WriteBatch batch = new WriteBatch();
    batch.seriesCount = 2;
    batch.seriesSampleCount[0] = 1;
    batch.seriesSampleCount[1] = 1;
    Outcomes o = new Outcomes(2, 3);
    ForwardOutcome[] all = {a, b, c};
    for (int q = 0; q < 3; q++) {
      o.requestSeries[q] = new int[] {0, 1};
      o.set(q, all[q], all[q] == ForwardOutcome.OK ? null : "replica " + q + " said " + all[q]);
    }
    o.foldInto(batch, 2);
    return batch;
  }

  @Test
  void quorumOfReplicasIsSuccessEvenIfOneFailed() {
    WriteBatch b = fold(ForwardOutcome.OK, ForwardOutcome.OK, ForwardOutcome.RETRYABLE);
    assertNull(b.failure);
    assertNull(b.firstConflict);
    assertNull(b.firstBadData);
    assertEquals(2, b.samplesWritten);
  }

  @Test
  void anythingRetryableMakesIt503NeverAConflict() {
    WriteBatch b = fold(ForwardOutcome.OK, ForwardOutcome.CONFLICT, ForwardOutcome.RETRYABLE);
    assertTrue(b.failure instanceof RoutingFailure, String.valueOf(b.failure));
    assertTrue(
        b.failure.getMessage().contains("2 of 2 series did not reach the write quorum of 2"),
        b.failure.getMessage());
    assertNull(b.firstConflict);
  }

  @Test
  void conflictsAloneMakeIt409() {
    WriteBatch b = fold(ForwardOutcome.OK, ForwardOutcome.CONFLICT, ForwardOutcome.CONFLICT);
    assertNull(b.failure);
    assertTrue(b.firstConflict.contains("said CONFLICT"), b.firstConflict);
  }

  @Test
  void badDataWinsOverConflictsButNotOverRetryable() {
    assertTrue(
        fold(ForwardOutcome.BAD_DATA, ForwardOutcome.CONFLICT, ForwardOutcome.OK).firstBadData
            != null);
    assertTrue(
        fold(ForwardOutcome.BAD_DATA, ForwardOutcome.RETRYABLE, ForwardOutcome.OK).failure != null);
  }

  @Test
  void aRequestThatNeverAnsweredCountsAsRetryable() {
    WriteBatch batch = new WriteBatch();
    batch.seriesCount = 1;
    Outcomes o = new Outcomes(1, 1);
    o.requestSeries[0] = new int[] {0};
    o.foldInto(batch, 1);
    assertTrue(batch.failure instanceof RoutingFailure);
  }

  @Test
  void writtenCountsAreWhatReachedQuorumAndLocalRejectionsAreKept() {
    WriteBatch batch = new WriteBatch();
    batch.seriesCount = 2;
    batch.seriesSampleCount[0] = 3;
    batch.seriesHistogramCount[0] = 2;
    batch.seriesExemplarCount[0] = 1;
    batch.seriesSampleCount[1] = 5;
    Outcomes o = new Outcomes(2, 2);
    o.requestSeries[0] = new int[] {0, 1}; // the local write: series 1 conflicted there
    o.requestSeries[1] = new int[] {0};
    WriteBatch local = new WriteBatch();
    local.reject(RejectReason.OUT_OF_ORDER, 5, () -> "series 1 out of order");
    o.setLocal(0, local);
    o.set(1, ForwardOutcome.OK, null);
    o.foldInto(batch, 1); // RF 2, quorum 1
    assertEquals(
        "1 of 2 series did not reach the write quorum of 1: series 1 out of order",
        batch.firstConflict);
    assertEquals(3, batch.samplesWritten, "series 0 only");
    assertEquals(2, batch.histogramsWritten);
    assertEquals(1, batch.exemplarsWritten);
    assertEquals(
        5, batch.rejectedTotal(), "the local rejection is counted in the answer and the metrics");
  }
}
