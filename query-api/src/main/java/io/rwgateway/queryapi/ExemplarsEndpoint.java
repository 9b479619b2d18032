package io.rwgateway.queryapi;

import io.netty.handler.codec.http.FullHttpResponse;
import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.promql.engine.GoFloat;
import io.rwgateway.promql.parser.Expr;
import io.rwgateway.promql.parser.ParseException;
import io.rwgateway.promql.parser.PromqlParser;
import io.rwgateway.tsdb.ExemplarData;
import io.rwgateway.tsdb.TenantExtras;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code /api/v1/query_exemplars}: the exemplars in [start, end] of the series any selector of the
 * query selects, grouped by series in label order, each series' oldest first.
 *
 * <p>NOTE: times are seconds, as everywhere in the API. Some Grafana versions send milliseconds
 * here; Prometheus 2.42 reads those as seconds too (a range tens of thousands of years ahead) and
 * answers an empty list, and so does the gateway: a client that works against Prometheus works
 * here, and none gets an error Prometheus would not give.
 */
final class ExemplarsEndpoint {
  static final String PATH = "/api/v1/query_exemplars";

  private final TenantExtras extras;

  ExemplarsEndpoint(TenantExtras extras) {
    this.extras = extras;
  }

  FullHttpResponse handle(FormParams params, String tenant) {
    // Prometheus' order of checks: times first, then the query; its parse error is not wrapped
    // in 'invalid parameter "query"' here, unlike the query endpoints'.
    long start = PrometheusApi.time(params, "start", Long.MIN_VALUE);
    long end = PrometheusApi.time(params, "end", Long.MAX_VALUE);
    if (end < start) {
      throw ApiException.badData("end timestamp must not be before start timestamp");
    }
    Expr expr;
    try {
      expr = PromqlParser.parse(params.first("query"));
    } catch (ParseException e) {
      throw ApiException.badData(e.getMessage());
    }
    List<Matcher[]> selectors = ExprSelectors.of(expr);
    if (selectors.isEmpty()) {
      return JsonResponses.successWithoutData(); // Prometheus leaves "data" out here
    }
    Map<Labels, List<ExemplarData>> bySeries = select(tenant, selectors, start, end);
    return JsonResponses.success(
        g -> {
          g.writeStartArray();
          for (Map.Entry<Labels, List<ExemplarData>> s : bySeries.entrySet()) {
            g.writeStartObject();
            g.writeFieldName("seriesLabels");
            JsonResponses.writeLabels(g, s.getKey());
            g.writeArrayFieldStart("exemplars");
            for (ExemplarData e : s.getValue()) {
              g.writeStartObject();
              g.writeFieldName("labels");
              JsonResponses.writeLabels(g, e.labels());
              g.writeStringField("value", GoFloat.formatSample(e.v()));
              g.writeFieldName("timestamp");
              g.writeRawValue(GoFloat.formatTimestamp(e.t()));
              g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
          }
          g.writeEndArray();
        },
        List.of());
  }

  /**
   * A series matched by several selectors is listed once: the selectors are a union, as in
   * Prometheus, so a later selector adds only series no earlier one matched.
   */
  private Map<Labels, List<ExemplarData>> select(
      String tenant, List<Matcher[]> selectors, long start, long end) {
    TreeMap<Labels, List<ExemplarData>> bySeries = new TreeMap<>(LabelOrder.LABELS);
    for (Matcher[] selector : selectors) {
      TreeMap<Labels, List<ExemplarData>> found = new TreeMap<>(LabelOrder.LABELS);
      for (ExemplarData e : extras.exemplars(tenant, selector, start, end)) {
        if (!bySeries.containsKey(e.series())) {
          found.computeIfAbsent(e.series(), k -> new ArrayList<>()).add(e);
        }
      }
      bySeries.putAll(found);
    }
    return bySeries;
  }
}
