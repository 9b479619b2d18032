package io.rwgateway.hashring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Go's {@code path/filepath.Match} semantics, on the cases of Go's own match table (the pattern,
 * the name, and whether it matches or the pattern is malformed).
 */
class GoGlobTest {

  @ParameterizedTest(name = "{0} ~ {1} = {2}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "abc|abc|true",
        "*|abc|true",
        "*c|abc|true",
        "a*|a|true",
        "a*|abc|true",
        "a*|ab/c|false",
        "a*/b|abc/b|true",
        "a*/b|a/c/b|false",
        "a*b*c*d*e*/f|axbxcxdxe/f|true",
        "a*b*c*d*e*/f|axbxcxdxexxx/f|true",
        "a*b*c*d*e*/f|axbxcxdxe/xxx/f|false",
        "a*b*c*d*e*/f|axbxcxdxexxx/fff|false",
        "a*b?c*x|abxbbxdbxebxczzx|true",
        "a*b?c*x|abxbbxdbxebxczzy|false",
        "ab[c]|abc|true",
        "ab[b-d]|abc|true",
        "ab[e-g]|abc|false",
        "ab[^c]|abc|false",
        "ab[^b-d]|abc|false",
        "ab[^e-g]|abc|true",
        "a\\*b|a*b|true",
        "a\\*b|ab|false",
        "a?b|a☺b|true",
        "a[^a]b|a☺b|true",
        "a???b|a☺b|false",
        "a[^a][^a][^a]b|a☺b|false",
        "[a-ζ]*|α|true",
        "*[a-ζ]|A|false",
        "a?b|a/b|false",
        "a*b|a/b|false",
        "[\\]a]|]|true",
        "[\\-]|-|true",
        "[x\\-]|x|true",
        "[x\\-]|-|true",
        "[x\\-]|z|false",
        "[\\-x]|x|true",
        "[\\-x]|-|true",
        "[\\-x]|a|false",
        "*x|xxx|true",
        // tenant-shaped cases
        "foo*|foobar|true",
        "foo*|foo|true",
        "foo*|fo|false",
        "team-?|team-a|true",
        "team-?|team-ab|false",
        "**|anything|true",
        "prefix-tenant-*|prefix-tenant-42|true",
        "prefix-tenant-*|Prefix-tenant-42|false",
      })
  void matchesLikeGo(String pattern, String name, boolean expected) {
    assertEquals(expected, GoGlob.compile(pattern).matches(name));
  }

  /** Patterns Go reports as ErrBadPattern; refused when compiled. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "[]a]", "[-]", "[x-]", "[-x]", "\\", "[a-b-c]", "[", "[^", "[^bc", "a[", "a/b[", "ab\\"
      })
  void malformedPatternsAreRefused(String pattern) {
    assertThrows(IllegalArgumentException.class, () -> GoGlob.compile(pattern));
  }
}
