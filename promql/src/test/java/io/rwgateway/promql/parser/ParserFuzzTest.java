package io.rwgateway.promql.parser;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever the input, the parser either returns a tree or throws {@link ParseException}: no other
 * exception, no error. Inputs are random sequences of PromQL's tokens and fragments (so that many
 * get deep into the grammar) mixed with arbitrary characters.
 */
class ParserFuzzTest {
  private static final String[] PIECES = {
    "up",
    "foo_bar",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ",",
    "=",
    "!=",
    "=~",
    "!~",
    "\"a\"",
    "'b'",
    "`c`",
    "\"\\u00e9\"",
    "\"\\x\"",
    "5m",
    "1h30m",
    "0x1f",
    "010",
    "1e3",
    "Inf",
    "NaN",
    "-",
    "+",
    "*",
    "/",
    "%",
    "^",
    "==",
    "!=",
    ">",
    "<",
    ">=",
    "<=",
    "and",
    "or",
    "unless",
    "atan2",
    "bool",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "by",
    "without",
    "sum",
    "topk",
    "count_values",
    "quantile",
    "rate",
    "label_replace",
    "histogram_quantile",
    "time",
    "offset",
    "@",
    "start()",
    "end()",
    ":",
    "#",
    "\n",
    " ",
    "job",
    "le",
    "__name__",
    "\"",
    "'",
    "`",
    "\\",
    "{}",
    "[5m]",
    "[5m:1m]",
    "1.5",
    ".5",
    "-Inf",
    "é",
    "\u0000",
    "0b1",
    "1ee3",
    "9999999999999999999999999h"
  };

  @Provide
  Arbitrary<String> queries() {
    Arbitrary<String> piece = Arbitraries.of(PIECES);
    Arbitrary<String> any = Arbitraries.strings().ofMinLength(0).ofMaxLength(4);
    return Arbitraries.oneOf(piece, piece, piece, any)
        .list()
        .ofMaxSize(40)
        .map(parts -> String.join("", parts));
  }

  @Property(tries = 3000)
  void parsesOrThrowsAParseError(@ForAll("queries") String query) {
    try {
      PromqlParser.parse(query);
    } catch (ParseException expected) {
      // the only failure allowed
    }
  }

  @Property(tries = 1000)
  void selectorsParseOrThrowAParseError(@ForAll("queries") String query) {
    try {
      PromqlParser.parseSelector(query);
    } catch (ParseException expected) {
      // the only failure allowed
    }
  }
}
