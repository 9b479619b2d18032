package io.rwgateway.promql.parser;

import java.nio.charset.StandardCharsets;

/**
 * A query that does not parse or does not type-check. The message is exactly what Prometheus 2.42
 * puts after {@code invalid parameter "query": } in its HTTP API, e.g. {@code 1:6: parse error:
 * unclosed left parenthesis}: the line, and the column counted in UTF-8 bytes from 1, of the
 * position Prometheus blames.
 */
public final class ParseException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String reason;

  ParseException(String query, int charPos, String reason) {
    super(position(query, charPos) + " parse error: " + reason);
    this.reason = reason;
  }

  /** The message without its position. */
  public String reason() {
    return reason;
  }

  private static String position(String query, int charPos) {
    if (charPos < 0 || charPos > query.length()) {
      return "invalid position:";
    }
    // NOTE: Prometheus counts bytes of UTF-8, not characters.
    String before = query.substring(0, charPos);
    int line = 1;
    int lastBreak = -1;
    byte[] bytes = before.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n') {
        line++;
        lastBreak = i;
      }
    }
    return line + ":" + (bytes.length - lastBreak) + ":";
  }
}
