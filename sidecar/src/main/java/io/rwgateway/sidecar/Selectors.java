package io.rwgateway.sidecar;

import io.rwgateway.model.Matcher;
import java.util.List;

/**
 * Matchers as the text of a PromQL series selector, {@code {a="b",c=~"d"}}, for the HTTP API's
 * {@code match[]}. Every matcher is written inside the braces (also {@code __name__}), and values
 * are quoted as PromQL's lexer reads them back: backslash, double quote and control characters
 * escaped, everything else as it is (the API takes UTF-8).
 */
final class Selectors {
  private Selectors() {}

  static String format(List<Matcher> matchers) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < matchers.size(); i++) {
      Matcher m = matchers.get(i);
      if (i > 0) {
        sb.append(',');
      }
      sb.append(m.name()).append(m.type().op);
      quote(sb, m.value());
    }
    return sb.append('}').toString();
  }

  static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '"' -> sb.append("\\\"");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append("\\x")
                .append(Character.forDigit(c >> 4, 16))
                .append(Character.forDigit(c & 15, 16));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
