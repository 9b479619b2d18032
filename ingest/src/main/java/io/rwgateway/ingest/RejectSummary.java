package io.rwgateway.ingest;

import io.rwgateway.model.RejectReason;
import io.rwgateway.tsdb.WriteBatch;

/** The one-line body of a partly rejected write: the first problem, then the counts. */
final class RejectSummary {
  private RejectSummary() {}

  static String of(WriteBatch b, String first) {
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
