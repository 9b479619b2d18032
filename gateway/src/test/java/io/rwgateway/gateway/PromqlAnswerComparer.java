package io.rwgateway.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Compares two answers of Prometheus' query API: the reference's and ours. Series are matched by
 * label set (a vector's order is free, except under {@code sort}/{@code sort_desc}; a matrix must
 * come sorted as Prometheus sorts it), timestamps must be equal as written, and values equal as
 * written or within a relative 1e-9 (another summation order changes the last bits of sums,
 * averages and deviations, and is not a difference in meaning).
 */
final class PromqlAnswerComparer {
  static final double RELATIVE_TOLERANCE = 1e-9;

  // NOTE: exact decimals, so that a timestamp written "1700000000.000" is told from
  // "1700000000": the JSON has to be Prometheus' text, not just the same number.
  private static final JsonMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
          .build();

  /** An HTTP answer: status code and body. */
  record Answer(int status, String body) {}

  private PromqlAnswerComparer() {}

  static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** Null when the answers agree, else what differs first, in words. */
  static String difference(Answer want, Answer got, boolean ordered) {
    JsonNode w = parse(want.body());
    JsonNode g = parse(got.body());
    if (w == null) {
      return "the reference answered no JSON (" + want.status() + "): " + clip(want.body());
    }
    if (g == null) {
      return "answer is not JSON (HTTP " + got.status() + "): " + clip(got.body());
    }
    String wantStatus = w.path("status").asText();
    String gotStatus = g.path("status").asText();
    if (!wantStatus.equals(gotStatus)) {
      return "status: expected " + describe(w) + ", got " + describe(g);
    }
    if (wantStatus.equals("error")) {
      // Error messages are free to differ in wording; the class of error and its code are not.
      String wt = w.path("errorType").asText();
      String gt = g.path("errorType").asText();
      if (!wt.equals(gt)) {
        return "errorType: expected " + describe(w) + ", got " + describe(g);
      }
      return want.status() == got.status()
          ? null
          : "HTTP status: expected " + want.status() + ", got " + got.status();
    }
    if (want.status() != got.status()) {
      return "HTTP status: expected " + want.status() + ", got " + got.status();
    }
    JsonNode wd = w.path("data");
    JsonNode gd = g.path("data");
    String type = wd.path("resultType").asText();
    if (!type.equals(gd.path("resultType").asText())) {
      return "resultType: expected " + type + ", got " + gd.path("resultType").asText();
    }
    JsonNode wr = wd.path("result");
    JsonNode gr = gd.path("result");
    return switch (type) {
      case "scalar", "string" -> point("", wr, gr, type.equals("string"));
      case "vector" -> vectors(wr, gr, ordered);
      case "matrix" -> matrices(wr, gr);
      default -> "unknown resultType " + type;
    };
  }

  /** True when an answer is a success whose vector or matrix holds no series. */
  static boolean isEmptyResult(JsonNode answer) {
    JsonNode data = answer.path("data");
    String type = data.path("resultType").asText();
    return answer.path("status").asText().equals("success")
        && (type.equals("vector") || type.equals("matrix"))
        && data.path("result").isEmpty();
  }

  private static String vectors(JsonNode want, JsonNode got, boolean ordered) {
    Map<String, JsonNode> w = new LinkedHashMap<>();
    Map<String, JsonNode> g = new LinkedHashMap<>();
    String dup = bySeries(want, w, "value");
    if (dup != null) {
      return "the reference holds " + dup + " twice";
    }
    dup = bySeries(got, g, "value");
    if (dup != null) {
      return "series " + dup + " answered twice";
    }
    String sets = sameSeries(w, g);
    if (sets != null) {
      return sets;
    }
    for (Map.Entry<String, JsonNode> e : w.entrySet()) {
      String d = point(e.getKey() + " ", e.getValue(), g.get(e.getKey()), false);
      if (d != null) {
        return d;
      }
    }
    if (ordered) {
      // Ties may fall in any order, so it is the sequence of values that must match.
      List<JsonNode> wv = new ArrayList<>(w.values());
      List<JsonNode> gv = new ArrayList<>(g.values());
      List<String> gotKeys = new ArrayList<>(g.keySet());
      for (int i = 0; i < wv.size(); i++) {
        if (!sameRank(wv.get(i).get(1).asText(), gv.get(i).get(1).asText())) {
          return "sorted order differs at position "
              + i
              + ": expected value "
              + wv.get(i).get(1).asText()
              + ", got "
              + gotKeys.get(i)
              + " = "
              + gv.get(i).get(1).asText();
        }
      }
    }
    return null;
  }

  private static String matrices(JsonNode want, JsonNode got) {
    Map<String, JsonNode> w = new LinkedHashMap<>();
    Map<String, JsonNode> g = new LinkedHashMap<>();
    String dup = bySeries(want, w, "values");
    if (dup != null) {
      return "the reference holds " + dup + " twice";
    }
    dup = bySeries(got, g, "values");
    if (dup != null) {
      return "series " + dup + " answered twice";
    }
    String sets = sameSeries(w, g);
    if (sets != null) {
      return sets;
    }
    for (Map.Entry<String, JsonNode> e : w.entrySet()) {
      JsonNode wp = e.getValue();
      JsonNode gp = g.get(e.getKey());
      for (int i = 0; i < Math.min(wp.size(), gp.size()); i++) {
        String d = point(e.getKey() + " ", wp.get(i), gp.get(i), false);
        if (d != null) {
          return d + " (point " + i + " of " + wp.size() + ")";
        }
      }
      if (wp.size() != gp.size()) {
        int i = Math.min(wp.size(), gp.size());
        return e.getKey()
            + ": expected "
            + wp.size()
            + " points, got "
            + gp.size()
            + "; first unmatched: "
            + (wp.size() > i ? "expected " + wp.get(i) : "got " + gp.get(i));
      }
    }
    List<String> wantOrder = new ArrayList<>(w.keySet());
    List<String> gotOrder = new ArrayList<>(g.keySet());
    for (int i = 0; i < wantOrder.size(); i++) {
      if (!wantOrder.get(i).equals(gotOrder.get(i))) {
        return "matrix not sorted as Prometheus sorts it: at "
            + i
            + " expected "
            + wantOrder.get(i)
            + ", got "
            + gotOrder.get(i);
      }
    }
    return null;
  }

  /** Fills series key -> field; answers the key of a duplicate series, if any. */
  private static String bySeries(JsonNode result, Map<String, JsonNode> out, String field) {
    for (JsonNode s : result) {
      String key = labels(s.path("metric"));
      if (out.put(key, s.path(field)) != null) {
        return key;
      }
    }
    return null;
  }

  private static String sameSeries(Map<String, JsonNode> w, Map<String, JsonNode> g) {
    List<String> missing = new ArrayList<>();
    for (String k : w.keySet()) {
      if (!g.containsKey(k)) {
        missing.add(k);
      }
    }
    List<String> extra = new ArrayList<>();
    for (String k : g.keySet()) {
      if (!w.containsKey(k)) {
        extra.add(k);
      }
    }
    if (missing.isEmpty() && extra.isEmpty()) {
      return null;
    }
    return "series: expected "
        + w.size()
        + ", got "
        + g.size()
        + (missing.isEmpty() ? "" : "; missing " + firstFew(missing))
        + (extra.isEmpty() ? "" : "; unexpected " + firstFew(extra));
  }

  /** A [timestamp, "value"] pair: the timestamp as written, the value as written or close. */
  private static String point(String where, JsonNode want, JsonNode got, boolean exact) {
    if (got == null || !got.isArray() || got.size() != 2) {
      return where + "expected point " + want + ", got " + got;
    }
    String wt = number(want.get(0));
    String gt = number(got.get(0));
    if (!wt.equals(gt)) {
      return where + "timestamp: expected " + wt + ", got " + gt;
    }
    if (!got.get(1).isTextual()) {
      return where + "at " + wt + ": value must be a JSON string, got " + got.get(1);
    }
    String wv = want.get(1).asText();
    String gv = got.get(1).asText();
    String d = exact ? (wv.equals(gv) ? null : "differs") : valueDifference(wv, gv);
    return d == null
        ? null
        : where + "at " + wt + ": expected \"" + wv + "\", got \"" + gv + "\" (" + d + ")";
  }

  /**
   * True when two values may stand at the same place of a sorted vector: equal values, but also -0
   * and 0, which sort and sort_desc take as a tie and leave in either order (each series' own
   * value, sign included, is compared apart from the order).
   */
  private static boolean sameRank(String want, String got) {
    if (valueDifference(want, got) == null) {
      return true;
    }
    try {
      return goFloat(want) == goFloat(got);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Values compared, and of them those that agree only within the tolerance (not written alike):
   * how close the arithmetic is, reported beside the pass count.
   */
  static final AtomicLong VALUES_COMPARED = new AtomicLong();

  static final AtomicLong VALUES_WITHIN_TOLERANCE = new AtomicLong();

  /** Null when two Prometheus-formatted values agree, else why not. */
  static String valueDifference(String want, String got) {
    VALUES_COMPARED.incrementAndGet();
    if (want.equals(got)) {
      return null;
    }
    double w;
    double g;
    try {
      w = goFloat(want);
      g = goFloat(got);
    } catch (NumberFormatException e) {
      return "not a number";
    }
    if (Double.compare(w, g) == 0) {
      return "same number, formatted otherwise than Prometheus does";
    }
    if (w == g) {
      return "a zero of the other sign"; // Prometheus prints -0 as "-0"
    }
    if (Double.isNaN(w) || Double.isNaN(g) || Double.isInfinite(w) || Double.isInfinite(g)) {
      return "differs";
    }
    double scale = Math.max(Math.abs(w), Math.abs(g));
    if (Math.abs(w - g) <= RELATIVE_TOLERANCE * scale) {
      VALUES_WITHIN_TOLERANCE.incrementAndGet();
      return null;
    }
    return "differs";
  }

  private static double goFloat(String s) {
    return switch (s) {
      case "NaN" -> Double.NaN;
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> {
        if (!s.matches("-?[0-9]+(\\.[0-9]+)?(e[+-][0-9]+)?")) {
          throw new NumberFormatException(s);
        }
        yield Double.parseDouble(s);
      }
    };
  }

  /** A JSON number exactly as written (the node factory keeps a decimal's scale). */
  private static String number(JsonNode n) {
    if (n == null) {
      return "null";
    }
    if (n.isIntegralNumber()) {
      return n.bigIntegerValue().toString();
    }
    if (n.isNumber()) {
      return n.decimalValue().toPlainString();
    }
    return "non-number " + n;
  }

  /** A label set as {a="1", b="2"}, sorted by name, so that order in the JSON does not matter. */
  static String labels(JsonNode metric) {
    TreeMap<String, String> sorted = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : metric.properties()) {
      sorted.put(e.getKey(), e.getValue().asText());
    }
    StringBuilder sb = new StringBuilder("{");
    sorted.forEach(
        (k, v) ->
            sb.append(sb.length() > 1 ? ", " : "").append(k).append("=\"").append(v).append('"'));
    return sb.append('}').toString();
  }

  private static String describe(JsonNode answer) {
    if (answer.path("status").asText().equals("error")) {
      return "error "
          + answer.path("errorType").asText()
          + " \""
          + clip(answer.path("error").asText())
          + "\"";
    }
    return answer.path("status").asText() + " " + answer.path("data").path("resultType").asText();
  }

  private static String firstFew(List<String> keys) {
    return keys.size() <= 3
        ? String.join(" ", keys)
        : String.join(" ", keys.subList(0, 3)) + " and " + (keys.size() - 3) + " more";
  }

  private static String clip(String s) {
    String one = s.replace('\n', ' ');
    return one.length() <= 200 ? one : one.substring(0, 200) + "...";
  }
}
