package io.rwgateway.promql.parser;

/** One lexed token: its kind, its start (a char index into the query) and its text. */
record Token(TokenType type, int pos, String val) {
  int end() {
    return pos + val.length();
  }

  /** How Prometheus' "unexpected ..." messages name this token. */
  String describe() {
    switch (type) {
      case EOF:
        return "end of input";
      case IDENTIFIER:
        return "identifier " + GoFormat.quote(val);
      case METRIC_IDENTIFIER:
        return "metric identifier " + GoFormat.quote(val);
      case STRING:
        return "string " + shortQuoted();
      case NUMBER:
        return "number " + shortQuoted();
      case DURATION:
        return "duration " + shortQuoted();
      case COMMENT:
        return "comment " + shortQuoted();
      case AT:
        return "\"<Item " + type.yaccNumber() + ">\" <op:" + val + ">";
      default:
        break;
    }
    return switch (type.kind) {
      case KEYWORD -> "<" + val + ">";
      case OPERATOR -> "<op:" + val + ">";
      case AGGREGATOR -> "<aggr:" + val + ">";
      default -> shortQuoted();
    };
  }

  /** Go's {@code %q}, or {@code %.10q...} (ten runes) for values longer than ten UTF-8 bytes. */
  private String shortQuoted() {
    if (val.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 10) {
      int runes = Math.min(10, val.codePointCount(0, val.length()));
      return GoFormat.quote(val.substring(0, val.offsetByCodePoints(0, runes))) + "...";
    }
    return GoFormat.quote(val);
  }
}
