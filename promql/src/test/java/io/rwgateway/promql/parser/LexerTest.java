package io.rwgateway.promql.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LexerTest {
  private static List<String> lex(String q) {
    Lexer l = new Lexer(q);
    List<String> out = new ArrayList<>();
    while (true) {
      Token t = l.next();
      out.add(t.type() + ":" + t.val());
      if (t.type() == TokenType.EOF || t.type() == TokenType.ERROR) {
        return out;
      }
    }
  }

  @Test
  void keywordsAreCaseInsensitiveButKeepTheirText() {
    assertEquals(
        List.of("SUM:SUM", "BY:By", "NUMBER:Inf", "NUMBER:nAn", "EOF:"), lex("SUM By Inf nAn"));
  }

  @Test
  void insideBracesEveryWordIsAnIdentifier() {
    assertEquals(
        List.of(
            "LEFT_BRACE:{",
            "IDENTIFIER:sum",
            "EQL_REGEX:=~",
            "STRING:\"a\"",
            "RIGHT_BRACE:}",
            "EOF:"),
        lex("{sum=~\"a\"}"));
  }

  @Test
  void numbersAndDurations() {
    assertEquals(
        List.of("NUMBER:0x1f", "NUMBER:1e-3", "DURATION:1h30m", "NUMBER:.5", "EOF:"),
        lex("0x1f 1e-3 1h30m .5"));
  }

  @Test
  void insideBracketsALetterIsTheSubqueryColon() {
    assertEquals(
        List.of(
            "IDENTIFIER:x",
            "LEFT_BRACKET:[",
            "DURATION:5m",
            "COLON::",
            "DURATION:1m",
            "RIGHT_BRACKET:]",
            "EOF:"),
        lex("x[ 5m:1m]"));
  }

  @Test
  void commentsRunToTheEndOfTheLine() {
    assertEquals(
        List.of("IDENTIFIER:a", "COMMENT:# b c", "IDENTIFIER:d", "EOF:"), lex("a # b c\nd"));
  }

  @Test
  void errorsCarryPrometheusMessages() {
    assertEquals("ERROR:unclosed left parenthesis", last(lex("(a")));
    assertEquals("ERROR:unknown escape sequence U+0071 'q'", last(lex("\"\\q\"")));
    assertEquals("ERROR:bad number or duration syntax: \"1\"", last(lex("1_000")));
    assertEquals("ERROR:missing unit character in duration", last(lex("a[5]")));
  }

  private static String last(List<String> l) {
    return l.get(l.size() - 1);
  }
}
