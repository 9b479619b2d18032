package io.rwgateway.ingest;

import io.rwgateway.model.RejectReason;
import io.rwgateway.tsdb.WriteBatch;

/** The one-line answer to a partly rejected write (HTTP body, gRPC status): the first problem, then the counts. */
public final class RejectSummary {
  private RejectSummary() {}

  public static String of(WriteBatch b, String first) {
    StringBuilder sb = new StringBuilder(first.length() + 96).append(first).append(" (rejected:");
    for (RejectReason r : RejectReason.values()) {
      int n = b.rejected[r.ordinal()];
      if (n > 0) {
        sb.append(' ').append(r.label()).append('=').append(n);
      }
    }
    sb.append("; written: samples=").append(b.samplesWritten)
        .append(" histograms=").append(b.histogramsWritten)
        .append(" exemplars=").append(b.exemplarsWritten).append(')');
    return sb.toString();
  }
}
