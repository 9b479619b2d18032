package io.rwgateway.promql.parser;

/** The binary operators, with Prometheus' precedence (higher binds tighter). */
public enum BinaryOp {
  OR("or", 1),
  AND("and", 2),
  UNLESS("unless", 2),
  EQL("==", 3),
  NEQ("!=", 3),
  LTE("<=", 3),
  LSS("<", 3),
  GTE(">=", 3),
  GTR(">", 3),
  ADD("+", 4),
  SUB("-", 4),
  MUL("*", 5),
  DIV("/", 5),
  MOD("%", 5),
  ATAN2("atan2", 5),
  POW("^", 6);

  public final String symbol;
  final int precedence;

  BinaryOp(String symbol, int precedence) {
    this.symbol = symbol;
    this.precedence = precedence;
  }

  public boolean isComparison() {
    return precedence == 3;
  }

  public boolean isSetOperator() {
    return this == OR || this == AND || this == UNLESS;
  }

  /** Only {@code ^} is right-associative. */
  boolean rightAssociative() {
    return this == POW;
  }

  static BinaryOp of(TokenType t) {
    return switch (t) {
      case LOR -> OR;
      case LAND -> AND;
      case LUNLESS -> UNLESS;
      case EQLC -> EQL;
      case NEQ -> NEQ;
      case LTE -> LTE;
      case LSS -> LSS;
      case GTE -> GTE;
      case GTR -> GTR;
      case ADD -> ADD;
      case SUB -> SUB;
      case MUL -> MUL;
      case DIV -> DIV;
      case MOD -> MOD;
      case ATAN2 -> ATAN2;
      case POW -> POW;
      default -> null;
    };
  }
}
