package io.rwgateway.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random expressions built from the pieces the fast paths look at (literals, escapes, {@code .*},
 * {@code .+}, {@code |}, groups) agree with RE2 on random values, and fail exactly when RE2 fails.
 */
class FastRegexPropertiesTest {
  @Provide
  Arbitrary<String> regexes() {
    return Arbitraries.of(
            "a", "b", "ab", ".*", ".+", ".", "|", "\\.", "\\|", "(", ")", "(?:", "*", "\\", "\n",
            "-", "?")
        .list()
        .ofMaxSize(7)
        .map(parts -> String.join("", parts));
  }

  @Provide
  Arbitrary<String> values() {
    // Whole code points only (a label value is valid UTF-8); the emoji is a surrogate pair.
    return Arbitraries.of("a", "b", ".", "|", "\n", "-", "\uD83D\uDE00")
        .list()
        .ofMaxSize(6)
        .map(parts -> String.join("", parts));
  }

  @Property(tries = 3000)
  void agreesWithRe2(@ForAll("regexes") String regex, @ForAll("values") String value) {
    Pattern reference;
    try {
      reference = Pattern.compile(regex, Pattern.DOTALL);
    } catch (PatternSyntaxException e) {
      reference = null;
    }
    FastRegex fast;
    try {
      fast = FastRegex.compile(regex);
    } catch (InvalidMatcherException e) {
      fast = null;
    }
    assertEquals(reference == null, fast == null, "compiles: /" + regex + "/");
    if (fast != null) {
      assertEquals(
          reference.matcher(value).matches(),
          fast.matches(value),
          "/" + regex + "/ on \"" + value + "\"");
    }
  }
}
