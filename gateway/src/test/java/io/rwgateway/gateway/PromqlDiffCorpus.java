package io.rwgateway.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The queries of {@code promql-differential-corpus.txt}: one a line, {@code #} comments and blank
 * lines skipped. A line may start with {@code @empty } (every evaluation on the reference must be
 * an empty vector or matrix), {@code @error } (every evaluation on the reference must fail) or
 * {@code @differs } (a known difference, written down in docs/promql.md: the gateway must still
 * answer differently, so that a fix cannot go unnoticed): the corpus checks itself, so a typo
 * cannot turn a query into a silent empty answer. {@code ${T}}, {@code ${T+600}}, {@code ${E-60}}
 * and the like become Unix seconds relative to the data's first ({@code T}) and last ({@code E})
 * minute, for {@code @} modifiers inside the data.
 */
final class PromqlDiffCorpus {
  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\$\\{([TE])(?:([+-])(\\d+(?:\\.\\d+)?))?}");

  enum Expect {
    RESULT,
    EMPTY,
    ERROR,
    /** A known difference (docs/promql.md): the gateway must still answer differently. */
    DIFFERS
  }

  /** One query: its corpus line number, text with placeholders replaced, and expectation. */
  record Query(int line, String text, Expect expect) {}

  private PromqlDiffCorpus() {}

  static List<Query> load(String resource, long startMs, long endMs) throws IOException {
    String text;
    try (InputStream in = PromqlDiffCorpus.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new AssertionError("missing test resource " + resource);
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    List<Query> out = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Expect expect = Expect.RESULT;
      if (line.startsWith("@empty ")) {
        expect = Expect.EMPTY;
        line = line.substring("@empty ".length()).strip();
      } else if (line.startsWith("@error ")) {
        expect = Expect.ERROR;
        line = line.substring("@error ".length()).strip();
      } else if (line.startsWith("@differs ")) {
        expect = Expect.DIFFERS;
        line = line.substring("@differs ".length()).strip();
      }
      out.add(new Query(i + 1, substitute(line, startMs, endMs), expect));
    }
    return out;
  }

  static String substitute(String query, long startMs, long endMs) {
    Matcher m = PLACEHOLDER.matcher(query);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      BigDecimal t = BigDecimal.valueOf(m.group(1).equals("T") ? startMs : endMs, 3);
      if (m.group(2) != null) {
        BigDecimal d = new BigDecimal(m.group(3));
        t = m.group(2).equals("+") ? t.add(d) : t.subtract(d);
      }
      m.appendReplacement(sb, seconds(t));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** Seconds as the API takes them: no exponent, no trailing zeros after the point. */
  static String seconds(BigDecimal t) {
    BigDecimal s = t.stripTrailingZeros();
    return s.scale() <= 0 ? s.toBigInteger().toString() : s.toPlainString();
  }

  static String seconds(long ms) {
    return seconds(BigDecimal.valueOf(ms, 3));
  }
}
