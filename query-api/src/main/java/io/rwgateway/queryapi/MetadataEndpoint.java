package io.rwgateway.queryapi;

import io.netty.handler.codec.http.FullHttpResponse;
import io.rwgateway.tsdb.MetricMetadata;
import io.rwgateway.tsdb.TenantExtras;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * {@code /api/v1/metadata}: the tenant's metric metadata as remote-write senders sent it, keyed by
 * metric family, each with a list of {@code {type, help, unit}}.
 *
 * <p>NOTE: Prometheus answers from its scrape targets, which may disagree, hence a list per family;
 * the gateway keeps the latest metadata of each family, so every list has one entry.
 */
final class MetadataEndpoint {
  static final String PATH = "/api/v1/metadata";

  /** Remote write's {@code MetricType} numbers (1.0 and 2.0 agree) as Prometheus names them. */
  private static final String[] TYPE_NAMES = {
    "unknown", "counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset"
  };

  private final TenantExtras extras;

  MetadataEndpoint(TenantExtras extras) {
    this.extras = extras;
  }

  FullHttpResponse handle(FormParams params, String tenant) {
    long limit = number(params, "limit");
    // Parsed only so that a bad value fails as in Prometheus: with one entry per family, any
    // positive per-family limit keeps everything, and 0 or less means no limit.
    number(params, "limit_per_metric");
    String metric = params.first("metric");
    SortedMap<String, MetricMetadata> all = extras.metadata(tenant);
    return JsonResponses.success(
        g -> {
          g.writeStartObject();
          long written = 0;
          for (Map.Entry<String, MetricMetadata> e : all.entrySet()) {
            if (limit >= 0 && written >= limit) {
              break;
            }
            if (!metric.isEmpty() && !metric.equals(e.getKey())) {
              continue;
            }
            MetricMetadata m = e.getValue();
            g.writeArrayFieldStart(e.getKey());
            g.writeStartObject();
            g.writeStringField("type", typeName(m.type()));
            g.writeStringField("help", m.help());
            g.writeStringField("unit", m.unit());
            g.writeEndObject();
            g.writeEndArray();
            written++;
          }
          g.writeEndObject();
        },
        List.of());
  }

  static String typeName(int type) {
    return type >= 0 && type < TYPE_NAMES.length ? TYPE_NAMES[type] : "unknown";
  }

  /** Go's {@code strconv.Atoi} of the parameter, -1 (no limit) when absent. */
  private static long number(FormParams params, String name) {
    String v = params.first(name);
    if (v.isEmpty()) {
      return -1;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw ApiException.badData(name + " must be a number");
    }
  }
}
