package io.rwgateway.promql.parser;

/** The aggregation operators; four of them take a parameter before the expression. */
public enum AggregateOp {
  SUM,
  MIN,
  MAX,
  AVG,
  GROUP,
  STDDEV,
  STDVAR,
  COUNT,
  COUNT_VALUES,
  BOTTOMK,
  TOPK,
  QUANTILE;

  public final String keyword = name().toLowerCase(java.util.Locale.ROOT);

  public boolean hasParam() {
    return this == TOPK || this == BOTTOMK || this == COUNT_VALUES || this == QUANTILE;
  }

  static AggregateOp of(TokenType t) {
    return valueOf(t.name());
  }
}
