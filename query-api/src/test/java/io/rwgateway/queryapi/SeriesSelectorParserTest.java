package io.rwgateway.queryapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Matcher;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SeriesSelectorParserTest {
  private static List<String> parse(String s) {
    List<String> out = new ArrayList<>();
    for (Matcher m : SeriesSelectorParser.parse(s)) {
      out.add(m.toString());
    }
    return out;
  }

  private static String error(String s) {
    return assertThrows(SelectorParseException.class, () -> SeriesSelectorParser.parse(s))
        .getMessage();
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
        List.of("__name__=\"http\"", "a=\"1\"", "b!=\"2\"", "c=~\"3.*\"", "d!~\"4\""),
        parse("http{a=\"1\", b!=\"2\",c=~\"3.*\" , d !~ \"4\"}"));
  }

  @Test
  void bracesOnlyAndTrailingComma() {
    assertEquals(List.of("job=\"x\""), parse("{job=\"x\",}"));
    assertEquals(List.of("__name__=\"up\""), parse("up{}"));
    assertEquals(List.of(), parse("{}"));
    assertEquals(List.of("__name__=~\"a|b\"", "x=\"y\""), parse("{__name__=~\"a|b\",x=\"y\"}"));
  }

  @Test
  void quoteStylesAndEscapes() {
    Matcher[] m =
        SeriesSelectorParser.parse(
            "{a=\"q\\\"b\\\\s\\n\\t\\u00e9\\x41\\101\\U0001F600\", b='it\\'s \"x\"', c=`raw\\n\"`}");
    assertEquals("q\"b\\s\n\téAA\uD83D\uDE00", m[0].value());
    assertEquals("it's \"x\"", m[1].value());
    assertEquals("raw\\n\"", m[2].value());
  }

  @Test
  void quotedNamesPrometheus3() {
    assertEquals(
        List.of("__name__=\"my.metric\"", "service.name=\"api\""),
        parse("{\"my.metric\", \"service.name\"=\"api\"}"));
    assertEquals(List.of("__name__=\"up\"", "a.b=\"c\""), parse("up{'a.b'=\"c\"}"));
  }

  @Test
  void commentsAreWhitespace() {
    assertEquals(List.of("__name__=\"up\"", "a=\"b\""), parse("up # the metric\n{a=\"b\"}"));
  }

  @Test
  void regexIsAnchoredLikePrometheus() {
    Matcher m = SeriesSelectorParser.parse("{a=~\"fo+\"}")[0];
    assertTrue(m.matches("foo"));
    assertFalse(m.matches("xfoo"));
  }

  @Test
  void syntaxErrors() {
    assertEquals("1:1: parse error: unexpected end of input", error(""));
    assertEquals(
        "1:14: parse error: unexpected end of input inside braces", error("github_stars{"));
    assertTrue(error("{a=\"b\"").contains("unexpected end of input inside braces"));
    assertTrue(error("{a}").contains("expected label matching operator"));
    assertTrue(error("{a=b}").contains("expected string"));
    assertTrue(error("{a==\"b\"}").contains("expected string"));
    assertTrue(error("{a=\"b\" c=\"d\"}").contains("expected \",\" or \"}\""));
    assertTrue(error("{,}").contains("unexpected character ','"));
    assertTrue(error("{a=\"b\",,}").contains("unexpected character ','"));
    assertTrue(error("up{a=\"b\"} x").contains("after selector"));
    assertTrue(error("up[5m]").contains("unexpected character '['"));
    assertTrue(error("1up").startsWith("1:1: parse error"));
    assertTrue(error("{a=\"unterminated}").contains("unterminated quoted string"));
    assertTrue(error("{a=\"new\nline\"}").contains("unterminated quoted string"));
    assertTrue(error("{a=`raw}").contains("unterminated raw string"));
    assertTrue(error("{a=\"\\q\"}").contains("unknown escape sequence"));
    assertTrue(
        error("{a=\"\\'\"}").contains("unknown escape sequence"),
        "\\' is not an escape in double quotes");
    assertTrue(error("{a=\"\\uD800\"}").contains("invalid Unicode"));
    assertTrue(error("{a=\"\\x4\"}").contains("invalid hex"));
    assertTrue(error("{a=\"\\400\"}").contains("> 255"));
    assertTrue(error("{a=~\"(\"}").contains("error parsing regexp"));
  }

  @Test
  void metricNameTwice() {
    assertTrue(error("up{__name__=\"x\"}").contains("metric name must not be set twice"));
    assertTrue(error("{\"a\", \"b\"}").contains("metric name must not be set twice"));
    assertTrue(error("{__name__=\"a\", \"b\"}").contains("metric name must not be set twice"));
  }

  @Test
  void nonEmptyMatcherRule() {
    assertTrue(SeriesSelectorParser.hasNonEmptyMatcher(SeriesSelectorParser.parse("up")));
    assertTrue(SeriesSelectorParser.hasNonEmptyMatcher(SeriesSelectorParser.parse("{a!=\"\"}")));
    assertTrue(
        SeriesSelectorParser.hasNonEmptyMatcher(SeriesSelectorParser.parse("{a=~\".+\", b=\"\"}")));
    assertFalse(SeriesSelectorParser.hasNonEmptyMatcher(SeriesSelectorParser.parse("{}")));
    assertFalse(SeriesSelectorParser.hasNonEmptyMatcher(SeriesSelectorParser.parse("{a=~\".*\"}")));
    assertFalse(
        SeriesSelectorParser.hasNonEmptyMatcher(
            SeriesSelectorParser.parse("{a=\"\", b!=\"x\", c!~\"y\"}")));
  }
}
