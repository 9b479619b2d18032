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
 * averages and deviations, and is not a difference in meaning). Native histograms (a vector
 * sample's {@code "histogram"}, a matrix series' {@code "histograms"} beside its {@code "values"})
 * must have the same fields and buckets in the same order, with count, sum, bucket bounds and
 * counts compared as values and each bucket's boundary rule equal.
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
    String dup = bySeries(want, w);
    if (dup != null) {
      return "the reference holds " + dup + " twice";
    }
    dup = bySeries(got, g);
    if (dup != null) {
      return "series " + dup + " answered twice";
    }
    String sets = sameSeries(w, g);
    if (sets != null) {
      return sets;
    }
    for (Map.Entry<String, JsonNode> e : w.entrySet()) {
      String d = sample(e.getKey() + " ", e.getValue(), g.get(e.getKey()));
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
        String wr = rankText(wv.get(i));
        String gr = rankText(gv.get(i));
        if (!sameRank(wr, gr)) {
          return "sorted order differs at position "
              + i
              + ": expected value "
              + wr
              + ", got "
              + gotKeys.get(i)
              + " = "
              + gr;
        }
      }
    }
    return null;
  }

  /**
   * One sample of a vector: a float ({@code "value"}) or a native histogram ({@code "histogram"}),
   * never both; the reference's kind must be ours.
   */
  private static String sample(String where, JsonNode want, JsonNode got) {
    String fields = pointFields(got);
    if (fields != null) {
      return where + fields;
    }
    if (want.has("histogram")) {
      if (!got.has("histogram")) {
        return where + "expected a histogram " + want.get("histogram") + ", got a float " + got;
      }
      return histogramPoint(where, want.get("histogram"), got.get("histogram"));
    }
    if (!got.has("value")) {
      return where + "expected a float " + want.get("value") + ", got a histogram " + got;
    }
    return point(where, want.get("value"), got.get("value"), false);
  }

  /** Null when a vector sample of ours holds exactly one of value and histogram. */
  private static String pointFields(JsonNode s) {
    boolean value = s.has("value");
    boolean histogram = s.has("histogram");
    if (value == histogram) {
      return "a sample must hold either \"value\" or \"histogram\": " + clip(s.toString());
    }
    return null;
  }

  /**
   * What {@code sort}/{@code sort_desc} order a sample by: its float value; a histogram by 0, as
   * 2.42 sorts it (its float value is 0), so a tie with any other histogram and with a float 0.
   */
  private static String rankText(JsonNode sample) {
    return sample.has("value") ? sample.get("value").get(1).asText() : "0";
  }

  private static String matrices(JsonNode want, JsonNode got) {
    Map<String, JsonNode> w = new LinkedHashMap<>();
    Map<String, JsonNode> g = new LinkedHashMap<>();
    String dup = bySeries(want, w);
    if (dup != null) {
      return "the reference holds " + dup + " twice";
    }
    dup = bySeries(got, g);
    if (dup != null) {
      return "series " + dup + " answered twice";
    }
    String sets = sameSeries(w, g);
    if (sets != null) {
      return sets;
    }
    for (Map.Entry<String, JsonNode> e : w.entrySet()) {
      JsonNode ws = e.getValue();
      JsonNode gs = g.get(e.getKey());
      // A series may hold floats ("values") and histograms ("histograms"), each in time order.
      for (String field : List.of("values", "histograms")) {
        String d = points(e.getKey(), field, ws.path(field), gs.path(field));
        if (d != null) {
          return d;
        }
      }
      for (String field : List.of("values", "histograms")) {
        if (gs.has(field) && gs.get(field).isEmpty()) {
          return e.getKey() + ": \"" + field + "\" written empty (Prometheus leaves it out)";
        }
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

  /** The points of one field of a matrix series: floats, or histograms. */
  private static String points(String key, String field, JsonNode wp, JsonNode gp) {
    boolean histograms = field.equals("histograms");
    for (int i = 0; i < Math.min(wp.size(), gp.size()); i++) {
      String d =
          histograms
              ? histogramPoint(key + " ", wp.get(i), gp.get(i))
              : point(key + " ", wp.get(i), gp.get(i), false);
      if (d != null) {
        return d + " (" + (histograms ? "histogram " : "point ") + i + " of " + wp.size() + ")";
      }
    }
    if (wp.size() != gp.size()) {
      int i = Math.min(wp.size(), gp.size());
      return key
          + ": expected "
          + wp.size()
          + (histograms ? " histograms" : " points")
          + ", got "
          + gp.size()
          + "; first unmatched: "
          + (wp.size() > i
              ? "expected " + clip(wp.get(i).toString())
              : "got " + clip(gp.get(i).toString()));
    }
    return null;
  }

  /**
   * A [timestamp, {count, sum, buckets}] pair as Prometheus 2.42 writes a native histogram: the
   * timestamp as written; the same fields (buckets left out when none is non-empty); count and sum
   * as values are compared; the buckets in the same order, each [boundary rule, lower, upper,
   * count] with the rule equal and the rest compared as values.
   */
  static String histogramPoint(String where, JsonNode want, JsonNode got) {
    if (got == null || !got.isArray() || got.size() != 2) {
      return where + "expected histogram point " + clip(String.valueOf(want)) + ", got " + got;
    }
    String wt = number(want.get(0));
    String gt = number(got.get(0));
    if (!wt.equals(gt)) {
      return where + "timestamp: expected " + wt + ", got " + gt;
    }
    where = where + "at " + wt + ": ";
    JsonNode wh = want.get(1);
    JsonNode gh = got.get(1);
    if (!gh.isObject()) {
      return where + "histogram must be a JSON object, got " + clip(gh.toString());
    }
    List<String> wf = new ArrayList<>();
    wh.fieldNames().forEachRemaining(wf::add);
    List<String> gf = new ArrayList<>();
    gh.fieldNames().forEachRemaining(gf::add);
    if (!wf.equals(gf)) {
      return where + "histogram fields: expected " + wf + ", got " + gf;
    }
    for (String f : List.of("count", "sum")) {
      String d = histogramValue(wh.get(f), gh.get(f));
      if (d != null) {
        return where + "histogram " + f + ": " + d;
      }
    }
    JsonNode wb = wh.path("buckets");
    JsonNode gb = gh.path("buckets");
    for (int i = 0; i < Math.min(wb.size(), gb.size()); i++) {
      JsonNode w = wb.get(i);
      JsonNode g = gb.get(i);
      if (!g.isArray() || g.size() != 4) {
        return where + "bucket " + i + ": expected " + w + ", got " + g;
      }
      if (!g.get(0).isIntegralNumber() || !number(w.get(0)).equals(number(g.get(0)))) {
        return where + "bucket " + i + " boundary rule: expected " + w + ", got " + g;
      }
      String[] part = {null, "lower bound", "upper bound", "count"};
      for (int k = 1; k < 4; k++) {
        String d = histogramValue(w.get(k), g.get(k));
        if (d != null) {
          return where
              + "bucket "
              + i
              + " "
              + part[k]
              + ": "
              + d
              + " (expected "
              + w
              + ", got "
              + g
              + ")";
        }
      }
    }
    if (wb.size() != gb.size()) {
      return where
          + "expected "
          + wb.size()
          + " buckets, got "
          + gb.size()
          + ": expected "
          + clip(wb.toString())
          + ", got "
          + clip(gb.toString());
    }
    return null;
  }

  /** A value inside a histogram: a JSON string, as written or within the tolerance. */
  private static String histogramValue(JsonNode want, JsonNode got) {
    if (got == null || !got.isTextual()) {
      return "must be a JSON string, got " + got;
    }
    String d = valueDifference(want.asText(), got.asText());
    return d == null
        ? null
        : "expected \"" + want.asText() + "\", got \"" + got.asText() + "\" (" + d + ")";
  }

  /** Fills series key -> series; answers the key of a duplicate series, if any. */
  private static String bySeries(JsonNode result, Map<String, JsonNode> out) {
    for (JsonNode s : result) {
      String key = labels(s.path("metric"));
      if (out.put(key, s) != null) {
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
