package io.rwgateway.promql.parser;

/**
 * Parses PromQL as Prometheus 2.42 does: the same language, the same tree ({@code toString()} of
 * every node prints what Prometheus' {@code String()} prints) and the same error messages.
 */
public final class PromqlParser {
  private PromqlParser() {}

  /**
   * Parses and type-checks a query.
   *
   * @throws ParseException with Prometheus' message when the query is not valid PromQL
   */
  public static Expr parse(String query) {
    return new Parser(query).parseQuery();
  }

  /**
   * Parses a bare series selector ({@code metric{label="value"}}), as {@code match[]} takes it.
   * Like Prometheus' {@code ParseMetricSelector}, this checks syntax only: the rule that a selector
   * needs a matcher that does not match the empty string is the caller's.
   *
   * @throws ParseException with Prometheus' message when the selector does not parse
   */
  public static VectorSelector parseSelector(String selector) {
    return new Parser(selector).parseSelectorOnly();
  }
}
