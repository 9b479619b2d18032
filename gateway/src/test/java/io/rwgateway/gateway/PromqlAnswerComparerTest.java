package io.rwgateway.gateway;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.gateway.PromqlAnswerComparer.Answer;
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
}
