package io.rwgateway.tsdb.layout;

/**
 * JSON string quoting exactly as Go's {@code encoding/json} does it by default (HTML-safe), so a
 * meta.json we write matches what Thanos would write byte for byte (docs/format/meta-json.md), ours
 * and the one the sidecar uploads for a Prometheus block.
 */
public final class JsonStrings {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private JsonStrings() {}

  /** Appends {@code s} quoted. */
  public static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          sb.append("\\\"");
          continue;
        case '\\':
          sb.append("\\\\");
          continue;
        case '\n':
          sb.append("\\n");
          continue;
        case '\r':
          sb.append("\\r");
          continue;
        case '\t':
          sb.append("\\t");
          continue;
        case '\b':
          sb.append("\\b");
          continue; // Go 1.22+ uses the short forms for \b and \f
        case '\f':
          sb.append("\\f");
          continue;
        default:
          break;
      }
      if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
        unicodeEscape(sb, c);
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        sb.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        unicodeEscape(sb, '\ufffd'); // unpaired: Go writes invalid UTF-8 as this escape
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
  }

  private static void unicodeEscape(StringBuilder sb, char c) {
    sb.append("\\u")
        .append(HEX[(c >> 12) & 15])
        .append(HEX[(c >> 8) & 15])
        .append(HEX[(c >> 4) & 15])
        .append(HEX[c & 15]);
  }
}
