package io.rwgateway.promql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Matcher;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link PromqlParser#parseSelector}, what {@code match[]} of the HTTP API takes: a bare selector,
 * with Prometheus 3's quoted names allowed (queries do not allow them; see docs/promql.md).
 */
class SeriesSelectorTest {
  private static List<String> parse(String s) {
    List<String> out = new ArrayList<>();
    for (Matcher m : PromqlParser.parseSelector(s).matchers()) {
      out.add(m.toString());
    }
    return out;
  }

  private static String error(String s) {
    return assertThrows(ParseException.class, () -> PromqlParser.parseSelector(s)).getMessage();
  }

  @Test
  void metricNameAlone() {
    assertEquals(List.of("__name__=\"up\""), parse("up"));
    assertEquals(
        List.of("__name__=\"job:http_requests:rate5m\""), parse("  job:http_requests:rate5m \n"));
  }

  @Test
  void nameWithMatchersAllOperators() {
    assertEquals(
        List.of("a=\"1\"", "b!=\"2\"", "c=~\"3.*\"", "d!~\"4\"", "__name__=\"http\""),
        parse("http{a=\"1\", b!=\"2\",c=~\"3.*\" , d !~ \"4\"}"));
  }

  @Test
  void bracesOnlyAndTrailingComma() {
    assertEquals(List.of("job=\"x\""), parse("{job=\"x\",}"));
    assertEquals(List.of("__name__=\"up\""), parse("up{}"));
    assertEquals(List.of("__name__=~\"a|b\"", "x=\"y\""), parse("{__name__=~\"a|b\",x=\"y\"}"));
  }

  @Test
  void quoteStylesAndEscapes() {
    List<Matcher> m =
        PromqlParser.parseSelector(
                "{a=\"q\\\"b\\\\s\\n\\t\\u00e9\\x41\\101\\U0001F600\", b='it\\'s \"x\"', c=`raw\\n\"`}")
            .matchers();
    assertEquals("q\"b\\s\n\téAA\uD83D\uDE00", m.get(0).value());
    assertEquals("it's \"x\"", m.get(1).value());
    assertEquals("raw\\n\"", m.get(2).value());
  }

  @Test
  void quotedNamesAsPrometheus3() {
    assertEquals(
        List.of("__name__=\"my.metric\"", "service.name=\"api\""),
        parse("{\"my.metric\", \"service.name\"=\"api\"}"));
    assertEquals(List.of("a.b=\"c\"", "__name__=\"up\""), parse("up{'a.b'=\"c\"}"));
    assertEquals(List.of("__name__=\"x.y\""), parse("{`x.y`}"));
    // Not in queries: those are parsed as Prometheus 2.42 parses them.
    assertThrows(ParseException.class, () -> PromqlParser.parse("{\"my.metric\"}"));
    assertThrows(ParseException.class, () -> PromqlParser.parse("foo{\"a\"=\"b\"}"));
  }

  @Test
  void commentsAreWhitespace() {
    assertEquals(List.of("a=\"b\"", "__name__=\"up\""), parse("up # the metric\n{a=\"b\"}"));
  }

  @Test
  void regexIsAnchored() {
    Matcher m = PromqlParser.parseSelector("{a=~\"fo+\"}").matchers().get(0);
    assertTrue(m.matches("foo"));
    assertFalse(m.matches("xfoo"));
  }

  @Test
  void syntaxErrorsWithPositions() {
    assertEquals(
        "1:14: parse error: unexpected end of input inside braces", error("github_stars{"));
    assertTrue(error("").startsWith("1:1: parse error"), error(""));
    assertTrue(error("{a=\"b\"").contains("unexpected end of input inside braces"));
    assertTrue(error("{a}").contains("expected label matching operator"), error("{a}"));
    assertTrue(error("{a=b}").contains("expected string"), error("{a=b}"));
    assertTrue(error("{a=\"b\" c=\"d\"}").contains("expected \",\" or \"}\""));
    assertTrue(error("up{a=\"b\"} x").startsWith("1:11: parse error"), error("up{a=\"b\"} x"));
    assertTrue(error("up[5m]").startsWith("1:3: parse error"), error("up[5m]"));
    assertTrue(error("{a=\"unterminated}").contains("unterminated quoted string"));
    assertTrue(error("{a=`raw}").contains("unterminated raw string"));
    assertTrue(error("{a=\"\\q\"}").contains("unknown escape sequence"), error("{a=\"\\q\"}"));
    assertTrue(error("{a=~\"(\"}").contains("error parsing regexp"), error("{a=~\"(\"}"));
  }

  @Test
  void aMetricNameQuotedTwice() {
    assertEquals(
        "1:7: parse error: metric name must not be set twice: \"a\" or \"b\"",
        error("{\"a\", \"b\"}"));
    assertTrue(error("up{\"x\"}").contains("metric name must not be set twice: \"up\" or \"x\""));
    assertTrue(
        error("{__name__=\"a\", \"b\"}").contains("metric name must not be set twice"),
        error("{__name__=\"a\", \"b\"}"));
  }
}
