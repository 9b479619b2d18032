package io.rwgateway.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PromQL of a Grafana dashboard: every panel target's {@code expr} and every query variable's
 * query, with Grafana's variables replaced by plausible values, as Grafana sends them to
 * Prometheus.
 */
final class DashboardQueries {
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{?(\\w+)}?");
  private static final Pattern LABEL_VALUES =
      Pattern.compile("^label_values\\((.*),\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*\\)$", Pattern.DOTALL);
  private static final Pattern QUERY_RESULT =
      Pattern.compile("^query_result\\((.*)\\)$", Pattern.DOTALL);

  /** A query and where it is (dashboard, panel, target), for messages. */
  record Query(String where, String promql) {}

  private DashboardQueries() {}

  /**
   * The values of Grafana's built-in variables and of this project's {@code job}/{@code instance}.
   */
  static Map<String, String> values(String job) {
    return Map.of(
        "__rate_interval", "1m",
        "__interval", "30s",
        "__range", "1h",
        "job", job,
        "instance", "127.0.0.1:10902");
  }

  /**
   * Every query of the dashboard; a variable without a value, or a variable query of a form other
   * than {@code label_values(selector, label)} or {@code query_result(expr)}, goes to {@code
   * problems}.
   */
  static List<Query> of(
      String file, JsonNode dashboard, Map<String, String> values, List<String> problems) {
    List<Query> out = new ArrayList<>();
    for (JsonNode v : dashboard.path("templating").path("list")) {
      if (!"query".equals(v.path("type").asText())) {
        continue;
      }
      String where = file + " variable " + v.path("name").asText();
      JsonNode q = v.path("query");
      String text = q.isObject() ? q.path("query").asText() : q.asText();
      Matcher lv = LABEL_VALUES.matcher(text.trim());
      Matcher qr = QUERY_RESULT.matcher(text.trim());
      if (lv.matches()) {
        out.add(new Query(where, substitute(where, lv.group(1), values, problems)));
      } else if (qr.matches()) {
        out.add(new Query(where, substitute(where, qr.group(1), values, problems)));
      } else {
        problems.add(where + ": not label_values(selector, label) or query_result(expr): " + text);
      }
    }
    for (JsonNode panel : MonitoringFiles.panels(dashboard)) {
      for (JsonNode t : panel.path("targets")) {
        String where =
            file + " panel \"" + panel.path("title").asText() + "\" " + t.path("refId").asText();
        out.add(new Query(where, substitute(where, t.path("expr").asText(), values, problems)));
      }
    }
    return out;
  }

  static String substitute(
      String where, String text, Map<String, String> values, List<String> problems) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String value = values.get(m.group(1));
      if (value == null) {
        problems.add(where + ": variable $" + m.group(1) + " has no value: " + text);
        value = m.group();
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(value));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
