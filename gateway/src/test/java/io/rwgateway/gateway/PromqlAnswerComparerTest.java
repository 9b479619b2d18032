package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.gateway.PromqlAnswerComparer.Answer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The differential test's comparer must catch what matters and forgive what does not. */
class PromqlAnswerComparerTest {
  private static Answer ok(String data) {
    return new Answer(200, "{\"status\":\"success\",\"data\":" + data + "}");
  }

  private static Answer vector(String... series) {
    return ok("{\"resultType\":\"vector\",\"result\":[" + String.join(",", series) + "]}");
  }

  private static Answer matrix(String... series) {
    return ok("{\"resultType\":\"matrix\",\"result\":[" + String.join(",", series) + "]}");
  }

  private static String sample(String labels, String t, String v) {
    return "{\"metric\":{" + labels + "},\"value\":[" + t + ",\"" + v + "\"]}";
  }

  private static String series(String labels, String points) {
    return "{\"metric\":{" + labels + "},\"values\":[" + points + "]}";
  }

  @Test
  void vectorsMatchBySeriesInAnyOrderUnlessSorted() {
    Answer a = vector(sample("\"a\":\"1\"", "10", "1"), sample("\"a\":\"2\"", "10", "2"));
    Answer b = vector(sample("\"a\":\"2\"", "10", "2"), sample("\"a\":\"1\"", "10", "1"));
    assertNull(PromqlAnswerComparer.difference(a, b, false));
    assertNotNull(PromqlAnswerComparer.difference(a, b, true));
  }

  @Test
  void valuesWithinTheToleranceAgreeButFormattingMustBeGos() {
    assertNull(PromqlAnswerComparer.valueDifference("0.30000000000000004", "0.3000000000000001"));
    assertNull(PromqlAnswerComparer.valueDifference("NaN", "NaN"));
    assertNotNull(PromqlAnswerComparer.valueDifference("+Inf", "Inf"));
    assertNotNull(PromqlAnswerComparer.valueDifference("1.0001", "1.0002"));
    assertNotNull(PromqlAnswerComparer.valueDifference("2e-07", "0.0000002"));
    assertNotNull(PromqlAnswerComparer.valueDifference("0", "-0"));
  }

  @Test
  void timestampsMustBeWrittenAlike() {
    Answer a = vector(sample("", "1700000000", "1"));
    Answer b = vector(sample("", "1700000000.000", "1"));
    assertNotNull(PromqlAnswerComparer.difference(a, b, false));
  }

  @Test
  void matricesMustComeSortedAndWhole() {
    String one = series("\"a\":\"1\"", "[1,\"1\"],[2,\"2\"]");
    String two = series("\"a\":\"2\"", "[1,\"1\"]");
    assertNull(PromqlAnswerComparer.difference(matrix(one, two), matrix(one, two), false));
    String d = PromqlAnswerComparer.difference(matrix(one, two), matrix(two, one), false);
    assertTrue(d.startsWith("matrix not sorted"), d);
    String shorter = series("\"a\":\"1\"", "[1,\"1\"]");
    assertNotNull(PromqlAnswerComparer.difference(matrix(one, two), matrix(shorter, two), false));
  }

  @Test
  void errorsAgreeOnTheirTypeAndCodeNotTheirWords() {
    Answer a =
        new Answer(422, "{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"x\"}");
    Answer b =
        new Answer(422, "{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"y\"}");
    Answer c = new Answer(400, "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"x\"}");
    assertNull(PromqlAnswerComparer.difference(a, b, false));
    assertNotNull(PromqlAnswerComparer.difference(a, c, false));
    assertNotNull(PromqlAnswerComparer.difference(a, new Answer(404, "not found"), false));
  }

  private static final String HIST =
      "{\"count\":\"42\",\"sum\":\"34593.34\",\"buckets\":[[3,\"-0.25\",\"0.25\",\"3\"],"
          + "[0,\"0.25\",\"0.5\",\"12\"],[0,\"0.5\",\"1\",\"21\"],[0,\"2\",\"4\",\"6\"]]}";

  private static String histogramSample(String labels, String t, String h) {
    return "{\"metric\":{" + labels + "},\"histogram\":[" + t + "," + h + "]}";
  }

  @Test
  void histogramsAgreeOnlyBucketByBucket() {
    Answer a = vector(histogramSample("\"a\":\"1\"", "10", HIST));
    assertNull(PromqlAnswerComparer.difference(a, a, false));
    // One bucket count differs.
    Answer count = vector(histogramSample("\"a\":\"1\"", "10", HIST.replace("\"12\"", "\"13\"")));
    String d = PromqlAnswerComparer.difference(a, count, false);
    assertNotNull(d);
    assertTrue(d.contains("bucket 1 count"), d);
    // One boundary rule differs: the zero bucket written open on the upper end.
    Answer rule = vector(histogramSample("\"a\":\"1\"", "10", HIST.replace("[3,", "[1,")));
    d = PromqlAnswerComparer.difference(a, rule, false);
    assertNotNull(d);
    assertTrue(d.contains("boundary rule"), d);
    // A bound, the count, the sum, a missing bucket, buckets in another order.
    for (String other :
        List.of(
            HIST.replace("\"4\",\"6\"", "\"4.5\",\"6\""),
            HIST.replace("\"count\":\"42\"", "\"count\":\"41\""),
            HIST.replace("34593.34", "34593.35"),
            HIST.replace(",[0,\"2\",\"4\",\"6\"]", ""),
            HIST.replace(
                "[0,\"0.25\",\"0.5\",\"12\"],[0,\"0.5\",\"1\",\"21\"]",
                "[0,\"0.5\",\"1\",\"21\"],[0,\"0.25\",\"0.5\",\"12\"]"))) {
      assertNotNull(
          PromqlAnswerComparer.difference(
              a, vector(histogramSample("\"a\":\"1\"", "10", other)), false),
          other);
    }
    // Within the tolerance, as values are.
    Answer close =
        vector(
            histogramSample("\"a\":\"1\"", "10", HIST.replace("34593.34", "34593.340000000004")));
    assertNull(PromqlAnswerComparer.difference(a, close, false));
  }

  @Test
  void aHistogramIsNotAFloatAndEmptyBucketsAreLeftOut() {
    Answer h = vector(histogramSample("\"a\":\"1\"", "10", "{\"count\":\"0\",\"sum\":\"0\"}"));
    assertNotNull(
        PromqlAnswerComparer.difference(h, vector(sample("\"a\":\"1\"", "10", "0")), false));
    assertNotNull(
        PromqlAnswerComparer.difference(vector(sample("\"a\":\"1\"", "10", "0")), h, false));
    Answer emptyBuckets =
        vector(
            histogramSample("\"a\":\"1\"", "10", "{\"count\":\"0\",\"sum\":\"0\",\"buckets\":[]}"));
    assertNotNull(PromqlAnswerComparer.difference(h, emptyBuckets, false));
  }

  @Test
  void matrixSeriesHoldFloatsAndHistogramsApart() {
    String both =
        "{\"metric\":{\"a\":\"1\"},\"values\":[[1,\"1\"],[4,\"2\"]],\"histograms\":[[2,"
            + HIST
            + "],[3,"
            + HIST
            + "]]}";
    assertNull(PromqlAnswerComparer.difference(matrix(both), matrix(both), false));
    String oneHistogramLess =
        "{\"metric\":{\"a\":\"1\"},\"values\":[[1,\"1\"],[4,\"2\"]],\"histograms\":[[2,"
            + HIST
            + "]]}";
    assertNotNull(PromqlAnswerComparer.difference(matrix(both), matrix(oneHistogramLess), false));
    String otherBucket =
        "{\"metric\":{\"a\":\"1\"},\"values\":[[1,\"1\"],[4,\"2\"]],\"histograms\":[[2,"
            + HIST
            + "],[3,"
            + HIST.replace("\"21\"", "\"20\"")
            + "]]}";
    String d = PromqlAnswerComparer.difference(matrix(both), matrix(otherBucket), false);
    assertNotNull(d);
    assertTrue(d.contains("histogram 1 of 2"), d);
    String floatsOnly = "{\"metric\":{\"a\":\"1\"},\"values\":[[1,\"1\"],[4,\"2\"]]}";
    assertNotNull(PromqlAnswerComparer.difference(matrix(both), matrix(floatsOnly), false));
  }

  @Test
  void sortedHistogramsRankAsZero() {
    Answer a =
        vector(
            histogramSample("\"a\":\"1\"", "10", HIST), histogramSample("\"a\":\"2\"", "10", HIST));
    Answer b =
        vector(
            histogramSample("\"a\":\"2\"", "10", HIST), histogramSample("\"a\":\"1\"", "10", HIST));
    assertNull(PromqlAnswerComparer.difference(a, b, true));
    Answer c = vector(sample("\"a\":\"2\"", "10", "1"), histogramSample("\"a\":\"1\"", "10", HIST));
    Answer d = vector(histogramSample("\"a\":\"1\"", "10", HIST), sample("\"a\":\"2\"", "10", "1"));
    assertNull(PromqlAnswerComparer.difference(c, c, true));
    assertNotNull(PromqlAnswerComparer.difference(c, d, true));
    Answer e = vector(sample("\"a\":\"2\"", "10", "0"), histogramSample("\"a\":\"1\"", "10", HIST));
    Answer f = vector(histogramSample("\"a\":\"1\"", "10", HIST), sample("\"a\":\"2\"", "10", "0"));
    assertNull(PromqlAnswerComparer.difference(e, f, true));
  }
}
