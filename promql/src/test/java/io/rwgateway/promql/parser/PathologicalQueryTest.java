package io.rwgateway.promql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Queries built to exhaust a recursive parser or evaluator get a parse error, never a
 * StackOverflowError (which would fail the request with a 500, or worse).
 */
class PathologicalQueryTest {
  private static void rejected(String query) {
    ParseException e = assertThrows(ParseException.class, () -> PromqlParser.parse(query));
    assertTrue(e.getMessage().contains("nests more than 256 levels deep"), e.getMessage());
  }

  @Test
  void deepNestingIsAParseError() {
    rejected("(".repeat(10_000) + "1" + ")".repeat(10_000));
    rejected("-".repeat(100_000) + "up");
    rejected("abs(".repeat(5_000) + "up" + ")".repeat(5_000));
    rejected("2" + "^2".repeat(10_000));
    rejected("max_over_time(".repeat(1_000) + "up" + "[1m:])".repeat(1_000));
  }

  @Test
  void aMegabyteChainIsAParseError() {
    StringBuilder b = new StringBuilder("up");
    while (b.length() < 1_000_000) {
      b.append(" + up");
    }
    rejected(b.toString());
    rejected("sum(" + "up or ".repeat(200_000) + "up)");
  }

  @Test
  void realisticNestingIsAccepted() {
    String q = "(".repeat(200) + "up" + ")".repeat(200);
    assertEquals("up", PromqlParser.parse(q).toString().replace("(", "").replace(")", ""));
    StringBuilder b = new StringBuilder("up");
    for (int i = 0; i < 200; i++) {
      b.append(" + up");
    }
    PromqlParser.parse(b.toString());
  }
}
