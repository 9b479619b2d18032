package io.rwgateway.promql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rwgateway.model.Matcher;
import org.junit.jupiter.api.Test;

/** Tricky cases, checked by hand against Prometheus 2.42; the corpus test covers the breadth. */
class PromqlParserTest {
  private static String fmt(String q) {
    return PromqlParser.parse(q).toString();
  }

  private static String err(String q) {
    return assertThrows(ParseException.class, () -> PromqlParser.parse(q)).getMessage();
  }

  @Test
  void unaryMinusBindsLooserThanPower() {
    Expr e = PromqlParser.parse("-2^2");
    UnaryExpr u = assertInstanceOf(UnaryExpr.class, e);
    assertInstanceOf(BinaryExpr.class, u.expr());
    assertEquals("-2 ^ 2", e.toString());
  }

  @Test
  void powerIsRightAssociativeAndTheRestLeft() {
    BinaryExpr pow = (BinaryExpr) PromqlParser.parse("2 ^ 3 ^ 2");
    assertInstanceOf(BinaryExpr.class, pow.rhs());
    BinaryExpr sub = (BinaryExpr) PromqlParser.parse("1 - 2 - 3");
    assertInstanceOf(BinaryExpr.class, sub.lhs());
  }

  @Test
  void aSignBeforeANumberFoldsIntoIt() {
    assertInstanceOf(NumberLiteral.class, PromqlParser.parse("- -1"));
    assertEquals("1", fmt("- -1"));
  }

  @Test
  void printsAsPrometheus() {
    assertEquals(
        "sum by (job) (rate(x{a=~\"b\"}[5m] offset -1m)) * on (a) group_left (b) -y ^ 2 ^ 3",
        fmt("sum by(job)(rate(x{a=~'b'}[5m] offset -1m)) * on(a) group_left(b) -y^2^3"));
    assertEquals("foo{a=\"1\",z=\"2\"}", fmt("foo{z='2',a=`1`}"));
    assertEquals("foo[5m] @ 100.000 offset 1h30m", fmt("foo[5m] offset 90m @ 100"));
    assertEquals("1e+06", fmt("1000000"));
    assertEquals("8", fmt("010"));
    assertEquals("31", fmt("0x1f"));
    assertEquals("\"\\u00e9\\n\"", fmt("\"\\u00e9\\n\"").replace("é", "\\u00e9"));
    assertEquals("a * b", fmt("a * ignoring() group_left b"));
  }

  @Test
  void keywordsNameMetricsWhereAnExpressionStarts() {
    assertEquals("sum", fmt("sum"));
    assertEquals("by + offset", fmt("by + offset"));
  }

  @Test
  void vectorMatchingIsDroppedUnlessBothSidesAreVectors() {
    BinaryExpr b = (BinaryExpr) PromqlParser.parse("foo * on() 2");
    assertNull(b.vectorMatching());
    assertEquals("foo * 2", b.toString());
  }

  @Test
  void selectorsBuildModelMatchers() {
    VectorSelector vs = PromqlParser.parseSelector("foo{a=~\"x|y\"}");
    assertEquals(2, vs.matchers().size());
    Matcher re = vs.matchers().get(0);
    assertEquals(Matcher.Type.RE, re.type());
    assertEquals(true, re.matches("y"));
    assertEquals("__name__", vs.matchers().get(1).name());
  }

  @Test
  void errorsAreThoseOfPrometheus() {
    assertEquals("1:6: parse error: unclosed left parenthesis", err("sum(x"));
    assertEquals(
        "1:1: parse error: vector selector must contain at least one non-empty matcher",
        err("{a=~\".*\"}"));
    assertEquals(
        "1:6: parse error: expected type range vector in call to function \"rate\", got instant"
            + " vector",
        err("rate(foo)"));
    assertEquals(
        "1:3: parse error: comparisons between scalars must use BOOL modifier", err("1 > 2"));
    assertEquals(
        "1:1: parse error: set operator \"and\" not allowed in binary scalar expression",
        err("1 and foo"));
    assertEquals(
        "1:14: parse error: unexpected identifier \"bar\" in aggregation",
        err("sum(rate(foo bar))"));
    assertEquals("1:1: parse error: unexpected \"<Item 57385>\" <op:@>", err("@ 1"));
    assertEquals("2:5: parse error: unexpected identifier \"b\"", err("a\n+ b b"));
  }

  @Test
  void columnsCountUtf8Bytes() {
    assertEquals("1:13: parse error: unexpected identifier \"x\"", err("foo{a=\"é\"} x"));
  }
}
