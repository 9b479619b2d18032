package io.rwgateway.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.Pattern;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The fast paths agree with RE2 itself, anchoring is Prometheus', and no input is slow. */
class FastRegexTest {
  private static final List<String> VALUES =
      List.of(
          "",
          "a",
          "b",
          "ab",
          "ba",
          "abc",
          "api",
          "api-1",
          "xapi",
          "web",
          "db",
          "a.b",
          "a+b",
          "a\nb",
          "\n",
          "api\n",
          "-prod",
          "eu-prod",
          "prod-eu",
          "err",
          "an error here",
          "ERR",
          "\uD83D\uDE00",
          "a|b",
          "(a)",
          "x");

  /** RE2 itself, anchored at both ends with (?s): the reference for every shape. */
  private static boolean reference(String regex, String value) {
    return Pattern.compile(regex, Pattern.DOTALL).matcher(value).matches();
  }

  private static void assertAgreesWithRe2(String regex) {
    FastRegex r = FastRegex.compile(regex);
    for (String v : VALUES) {
      assertEquals(reference(regex, v), r.matches(v), "/" + regex + "/ on \"" + v + "\"");
    }
  }

  @Test
  void fastShapesAgreeWithRe2() {
    for (String regex :
        List.of(
            "",
            "a",
            "api",
            "api|web|db",
            "(api|web)",
            "(?:api|web|)",
            "a\\.b",
            "a\\+b",
            "a\\|b",
            ".*",
            ".+",
            "api.*",
            "api.+",
            ".*prod",
            ".+prod",
            ".*err.*",
            ".+err.+",
            ".*err.+",
            ".+err.*",
            ".*.*",
            ".+.+",
            "a\\.*",
            "\\(a\\)",
            "\uD83D\uDE00",
            ".*\n",
            "-prod|eu-prod")) {
      assertAgreesWithRe2(regex);
    }
  }

  @Test
  void otherExpressionsRunOnRe2() {
    for (String regex :
        List.of(
            "a*", "(a)|(b)", "[ab]", "a{2}", "^a$", "(?i)err", "a|b.*", ".*?err", "\\d", "a]",
            "(a|b)+", "api.?", ".", "..")) {
      assertAgreesWithRe2(regex);
    }
  }

  @Test
  void literalSetsAreExposedForPostingsLookups() {
    assertEquals(Set.of("api", "web", "db"), FastRegex.compile("api|web|db").literals());
    assertEquals(Set.of("a.b"), FastRegex.compile("a\\.b").literals());
    assertEquals(Set.of(""), FastRegex.compile("").literals());
    assertNull(FastRegex.compile("api.*").literals());
    assertNull(FastRegex.compile("a|b*").literals());
  }

  @Test
  void dotMatchesNewlineAndTheWholeValueMustMatch() {
    assertTrue(FastRegex.compile("a.b").matches("a\nb"));
    assertTrue(FastRegex.compile("a.*").matches("a\n"));
    assertFalse(FastRegex.compile("a").matches("ab"));
    assertFalse(FastRegex.compile("b").matches("ab"));
    assertFalse(FastRegex.compile("a|b").matches("ab"));
    assertTrue(FastRegex.compile("a|ab").matches("ab"));
  }

  @Test
  void syntaxErrorsAreInvalidMatcherExceptionsWithTheReason() {
    for (String bad : List.of("a(", "a)|(b", "*", "[a", "a{1001}", "\\")) {
      InvalidMatcherException e =
          assertThrows(InvalidMatcherException.class, () -> FastRegex.compile(bad), bad);
      assertTrue(e.getMessage().contains("error parsing regexp"), e.getMessage());
    }
  }

  @Test
  void pathologicalExpressionsAnswerInMilliseconds() {
    // java.util.regex backtracks on these: 38 s and 14 s on one core (measured before RE2).
    String value = "a".repeat(30) + "c";
    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () -> {
          assertFalse(FastRegex.compile("((a+)+)+b").matches(value));
          assertFalse(FastRegex.compile("(.*a){25}b").matches(value));
          assertFalse(FastRegex.compile("(a|a)*b").matches("a".repeat(100_000)));
        });
  }

  @Test
  void hugeLiteralListsNeedNoCompilationAndHugeExpressionsAreRefused() {
    StringBuilder list = new StringBuilder();
    for (int i = 0; i < 60_000; i++) {
      list.append(i == 0 ? "" : "|").append("pod-").append(i);
    }
    assertTrue(list.length() > 500_000);
    FastRegex r = FastRegex.compile(list.toString());
    assertTrue(r.matches("pod-59999"));
    assertFalse(r.matches("pod-60000"));

    String big = "(a|b)" + "x".repeat(FastRegex.MAX_COMPILED_CHARS);
    InvalidMatcherException e =
        assertThrows(InvalidMatcherException.class, () -> FastRegex.compile(big));
    assertTrue(e.getMessage().contains("over the limit"), e.getMessage());
  }

  @Test
  void matcherUsesTheRegexAndNegates() {
    Matcher re = new Matcher(Matcher.Type.RE, "job", "api|web");
    Matcher nre = new Matcher(Matcher.Type.NRE, "job", "api|web");
    assertTrue(re.matches("web"));
    assertFalse(nre.matches("web"));
    assertTrue(nre.matchesEmpty());
    assertEquals(Set.of("api", "web"), re.matchedValues());
    assertNull(nre.matchedValues());
    assertEquals(Set.of("x"), Matcher.eq("job", "x").matchedValues());
    assertThrows(InvalidMatcherException.class, () -> new Matcher(Matcher.Type.NRE, "job", "a("));
  }
}
