package io.rwgateway.sidecar;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rwgateway.model.Matcher;
import java.util.List;
import org.junit.jupiter.api.Test;

class SelectorsTest {
  @Test
  void everyMatcherInsideTheBracesWithValuesQuotedForPromql() {
    assertEquals(
        "{__name__=\"up\",job=~\"a|b\",path!=\"x\\\"y\\\\z\\n\",env!~\"dev.*\"}",
        Selectors.format(
            List.of(
                Matcher.eq("__name__", "up"),
                new Matcher(Matcher.Type.RE, "job", "a|b"),
                new Matcher(Matcher.Type.NEQ, "path", "x\"y\\z\n"),
                new Matcher(Matcher.Type.NRE, "env", "dev.*"))));
  }

  @Test
  void controlCharactersAreEscapedAndUnicodeIsKept() {
    StringBuilder sb = new StringBuilder();
    Selectors.quote(sb, "tab\there\r\u0001\u007f é 😀");
    assertEquals("\"tab\\there\\r\\x01\\x7f é 😀\"", sb.toString());
  }

  @Test
  void aSelectorWhoseMatchersAllMatchEmptyGetsANameMatcher() {
    assertEquals(
        "{job=\"\",__name__=~\".+\"}", PrometheusClient.matchParam(List.of(Matcher.eq("job", ""))));
    assertEquals("{job=\"a\"}", PrometheusClient.matchParam(List.of(Matcher.eq("job", "a"))));
  }

  @Test
  void millisecondsAsExactDecimalSeconds() {
    assertEquals("1700000000.123", PrometheusClient.seconds(1_700_000_000_123L));
    assertEquals("0.000", PrometheusClient.seconds(0));
    assertEquals("-1.500", PrometheusClient.seconds(-1_500));
  }
}
