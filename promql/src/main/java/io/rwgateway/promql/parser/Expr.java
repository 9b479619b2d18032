package io.rwgateway.promql.parser;

/**
 * A node of a parsed PromQL expression. Nodes are immutable; {@code toString()} prints the
 * expression as Prometheus 2.42 does ({@code String()}, what {@code /api/v1/format_query} answers
 * for queries of up to 100 characters).
 */
public sealed interface Expr
    permits AggregateExpr,
        BinaryExpr,
        Call,
        MatrixSelector,
        NumberLiteral,
        ParenExpr,
        StringLiteral,
        SubqueryExpr,
        UnaryExpr,
        VectorSelector {

  ValueType type();

  /** Where the expression starts in the query (a char index), for error messages. */
  int start();

  /** Where the expression ends in the query (exclusive char index), for error messages. */
  int end();
}
