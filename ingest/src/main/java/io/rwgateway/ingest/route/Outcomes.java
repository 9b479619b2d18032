package io.rwgateway.ingest.route;

import io.rwgateway.ingest.RoutingFailure;
import io.rwgateway.ingest.forward.ForwardOutcome;
import io.rwgateway.tsdb.WriteBatch;

/**
 * The outcome of each request a routed batch was split into, and the fold of them per series into
 * the batch's result fields (see {@link HashringRouter} for the rules). Requests complete on other
 * threads; the fold runs after all of them, on the batch's event loop.
 */
final class Outcomes {
  final int[][] requestSeries;
  private final ForwardOutcome[] outcome;
  private final String[] message;
  private final int seriesCount;

  /** What the local WAL write rejected, by reason (the peers count their own rejections). */
  private int[] localRejected;

  Outcomes(int seriesCount, int requests) {
    this.seriesCount = seriesCount;
    this.requestSeries = new int[requests][];
    this.outcome = new ForwardOutcome[requests];
    this.message = new String[requests];
  }

  synchronized void set(int request, ForwardOutcome o, String msg) {
    outcome[request] = o;
    message[request] = msg;
  }

  /** The local request's result, read from its batch on the WAL writer thread. */
  synchronized void setLocal(int request, WriteBatch local) {
    localRejected = local.rejected.clone();
    if (local.failure != null) {
      set(request, ForwardOutcome.RETRYABLE, "local WAL write failed: " + local.failure);
    } else if (local.firstBadData != null) {
      set(request, ForwardOutcome.BAD_DATA, local.firstBadData);
    } else if (local.firstConflict != null) {
      set(request, ForwardOutcome.CONFLICT, local.firstConflict);
    } else {
      set(request, ForwardOutcome.OK, null);
    }
  }

  /** Per series: quorum reached, or why not; then the request's answer into {@code batch}. */
  synchronized void foldInto(WriteBatch batch, int quorum) {
    int[] ok = new int[seriesCount];
    byte[] worst = new byte[seriesCount]; // 0 none, 1 conflict, 2 bad data, 3 retryable
    String[] why = new String[4];
    for (int q = 0; q < outcome.length; q++) {
      ForwardOutcome o = outcome[q] == null ? ForwardOutcome.RETRYABLE : outcome[q];
      byte rank = rank(o);
      if (rank > 0 && why[rank] == null) {
        why[rank] = message[q] == null ? "request failed" : message[q];
      }
      for (int i : requestSeries[q]) {
        if (o == ForwardOutcome.OK) {
          ok[i]++;
        } else if (rank > worst[i]) {
          worst[i] = rank;
        }
      }
    }
    if (localRejected != null) {
      for (int r = 0; r < localRejected.length; r++) {
        batch.rejected[r] += localRejected[r]; // counted once, by the node that rejected them
      }
    }
    int missed = 0;
    byte cause = 0;
    // Written = what reached quorum, counted the same way for every kind and every answer.
    batch.samplesWritten = 0;
    batch.histogramsWritten = 0;
    batch.exemplarsWritten = 0;
    for (int i = 0; i < seriesCount; i++) {
      if (ok[i] >= quorum) {
        batch.samplesWritten += batch.seriesSampleCount[i];
        batch.histogramsWritten += batch.seriesHistogramCount[i];
        batch.exemplarsWritten += batch.seriesExemplarCount[i];
      } else {
        missed++;
        cause = (byte) Math.max(cause, worst[i] == 0 ? 3 : worst[i]);
      }
    }
    if (missed == 0) {
      return;
    }
    String summary =
        missed
            + " of "
            + seriesCount
            + " series did not reach the write quorum of "
            + quorum
            + ": ";
    switch (cause) {
      case 3:
        batch.failure = new RoutingFailure(summary + (why[3] == null ? "no answer" : why[3]));
        break;
      case 2:
        batch.firstBadData = summary + why[2];
        break;
      default:
        batch.firstConflict = summary + why[1];
        break;
    }
  }

  private static byte rank(ForwardOutcome o) {
    switch (o) {
      case CONFLICT:
        return 1;
      case BAD_DATA:
        return 2;
      case RETRYABLE:
        return 3;
      default:
        return 0;
    }
  }
}
