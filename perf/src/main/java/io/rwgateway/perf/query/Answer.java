package io.rwgateway.perf.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a query answered, reduced to what the two receivers' answers are compared on: per series
 * (labels as a sorted {@code k="v"} string) its value (instant) or its number of points (range).
 *
 * @param error null, or {@code errorType: error} of a failed query
 * @param values per series: the value of an instant vector, the point count of a matrix
 */
record Answer(String error, Map<String, Double> values) {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Answer parse(int status, byte[] body) throws IOException {
    JsonNode root = JSON.readTree(body);
    if (status != 200 || !"success".equals(root.path("status").asText())) {
      return new Answer(
          status + " " + root.path("errorType").asText() + ": " + root.path("error").asText(),
          Map.of());
    }
    Map<String, Double> out = new TreeMap<>();
    for (JsonNode series : root.path("data").path("result")) {
      String key = labels(series.path("metric"));
      JsonNode points = series.path("values");
      double v = points.isArray() ? points.size() : number(series.path("value").path(1).asText());
      if (out.put(key, v) != null) {
        return new Answer("duplicate series " + key, Map.of());
      }
    }
    return new Answer(null, out);
  }

  /**
   * Null when both answered alike (same series; values within a relative 1e-9, NaN equal to NaN),
   * else a short description of the first difference.
   */
  static String compare(Answer a, Answer b, String nameA, String nameB) {
    if (a.error != null || b.error != null) {
      return a.error == null || b.error == null || !a.error.equals(b.error)
          ? nameA
              + " "
              + (a.error == null ? "ok" : a.error)
              + " / "
              + nameB
              + " "
              + (b.error == null ? "ok" : b.error)
          : null;
    }
    if (a.values.size() != b.values.size()) {
      return "series " + a.values.size() + " / " + b.values.size();
    }
    for (Map.Entry<String, Double> e : a.values.entrySet()) {
      Double other = b.values.get(e.getKey());
      if (other == null) {
        return e.getKey() + " only in " + nameA;
      }
      if (!close(e.getValue(), other)) {
        return e.getKey() + ": " + e.getValue() + " / " + other;
      }
    }
    return null;
  }

  static boolean close(double x, double y) {
    if (Double.isNaN(x) || Double.isNaN(y)) {
      return Double.isNaN(x) && Double.isNaN(y);
    }
    return x == y || Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
  }

  /** Prometheus writes values as Go formats them: NaN, +Inf and -Inf besides plain numbers. */
  private static double number(String s) {
    switch (s) {
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        return Double.parseDouble(s);
    }
  }

  private static String labels(JsonNode metric) {
    TreeMap<String, String> sorted = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : metric.properties()) {
      sorted.put(e.getKey(), e.getValue().asText());
    }
    StringBuilder b = new StringBuilder("{");
    sorted.forEach(
        (k, v) ->
            b.append(b.length() > 1 ? "," : "").append(k).append("=\"").append(v).append('"'));
    return b.append('}').toString();
  }
}
