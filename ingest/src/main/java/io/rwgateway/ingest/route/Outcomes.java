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
  // Written counts of the local request, for the remote-write 2.0 answer headers.
  private volatile int localSamples;
  private volatile int localHistograms;
  private volatile int localExemplars;

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
  void setLocal(int request, WriteBatch local) {
    localSamples = local.samplesWritten;
    localHistograms = local.histogramsWritten;
    localExemplars = local.exemplarsWritten;
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
    int missed = 0;
    byte cause = 0;
    int written = 0;
    for (int i = 0; i < seriesCount; i++) {
      if (ok[i] >= quorum) {
        written += batch.seriesSampleCount[i];
      } else {
        missed++;
        cause = (byte) Math.max(cause, worst[i] == 0 ? 3 : worst[i]);
      }
    }
    if (missed == 0) {
      batch.samplesWritten = written;
      batch.histogramsWritten = Math.max(batch.histogramsWritten, localHistograms);
      batch.exemplarsWritten = Math.max(batch.exemplarsWritten, localExemplars);
      return;
    }
    String summary = missed + " of " + seriesCount + " series did not reach the write quorum of " + quorum + ": ";
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
    batch.samplesWritten = written > 0 ? written : localSamples;
  }

  private static byte rank(ForwardOutcome o) {
    switch (o) {
      case CONFLICT: return 1;
      case BAD_DATA: return 2;
      case RETRYABLE: return 3;
      default: return 0;
    }
  }
}
