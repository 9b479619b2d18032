package io.rwgateway.queryapi;

import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * The label name in {@code /api/v1/label/<name>/values}. Clients that cannot put arbitrary UTF-8 in
 * a path use Prometheus' "U__" value escaping: after the prefix, {@code __} is an underscore and
 * {@code _<hex>_} is the code point {@code <hex>}; everything else stands for itself.
 */
final class LabelNamePath {
  private LabelNamePath() {}

  /** Undoes the "U__" escaping; a name that is not validly escaped is returned unchanged. */
  static String unescape(String name) {
    if (!name.startsWith("U__")) {
      return name;
    }
    StringBuilder sb = new StringBuilder(name.length());
    int i = 3;
    while (i < name.length()) {
      char c = name.charAt(i);
      if (c != '_') {
        sb.append(c);
        i++;
        continue;
      }
      if (i + 1 < name.length() && name.charAt(i + 1) == '_') {
        sb.append('_');
        i += 2;
        continue;
      }
      int end = name.indexOf('_', i + 1);
      if (end < 0 || end == i + 1 || end - i - 1 > 8) {
        return name;
      }
      int cp;
      try {
        cp = Integer.parseInt(name, i + 1, end, 16);
      } catch (NumberFormatException e) {
        return name;
      }
      if (!Character.isValidCodePoint(cp) || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return name;
      }
      sb.appendCodePoint(cp);
      i = end + 1;
    }
    return sb.toString();
  }

  /** Decodes %XX escapes in one path segment; unlike form decoding, '+' stays a plus. */
  static String decodeSegment(String raw) {
    return QueryStringDecoder.decodeComponent(raw.replace("+", "%2B"));
  }
}
