package io.rwgateway.queryapi;

import com.fasterxml.jackson.core.JsonGenerator;
import io.rwgateway.promql.engine.GoFloat;
import io.rwgateway.promql.engine.HistogramValue;
import java.io.IOException;

/**
 * A native histogram point in Prometheus 2.42's API JSON: {@code [<time>, {"count": "<c>", "sum":
 * "<s>", "buckets": [[<boundaries>, "<lower>", "<upper>", "<count>"], ...]}]}, values written as
 * sample values are, empty buckets left out, and "buckets" only when one is left.
 */
final class HistogramJson {
  private HistogramJson() {}

  static void point(JsonGenerator g, long t, HistogramValue h) throws IOException {
    g.writeStartArray();
    g.writeRawValue(GoFloat.formatTimestamp(t));
    g.writeStartObject();
    g.writeStringField("count", GoFloat.formatSample(h.count()));
    g.writeStringField("sum", GoFloat.formatSample(h.sum()));
    boolean[] started = new boolean[1];
    IOException[] failed = new IOException[1];
    h.forEachBucket(
        (boundaries, lower, upper, count) -> {
          if (count == 0 || failed[0] != null) {
            return;
          }
          try {
            if (!started[0]) {
              g.writeFieldName("buckets");
              g.writeStartArray();
              started[0] = true;
            }
            g.writeStartArray();
            g.writeNumber(boundaries);
            g.writeString(GoFloat.formatSample(lower));
            g.writeString(GoFloat.formatSample(upper));
            g.writeString(GoFloat.formatSample(count));
            g.writeEndArray();
          } catch (IOException e) {
            failed[0] = e;
          }
        });
    if (failed[0] != null) {
      throw failed[0];
    }
    if (started[0]) {
      g.writeEndArray();
    }
    g.writeEndObject();
    g.writeEndArray();
  }
}
