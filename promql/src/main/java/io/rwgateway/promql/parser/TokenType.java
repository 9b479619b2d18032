package io.rwgateway.promql.parser;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The lexer's token kinds. Each knows how Prometheus' messages describe it: the kinds with a fixed
 * text (punctuation, operators, keywords) by their text, the others ({@code identifier}, {@code
 * number}, ...) by kind and value.
 */
enum TokenType {
  EQL("=", Kind.PLAIN),
  COLON(":", Kind.PLAIN),
  COMMA(",", Kind.PLAIN),
  COMMENT(null, Kind.PLAIN),
  DURATION(null, Kind.PLAIN),
  EOF(null, Kind.PLAIN),
  ERROR(null, Kind.PLAIN),
  IDENTIFIER(null, Kind.PLAIN),
  LEFT_BRACE("{", Kind.PLAIN),
  LEFT_BRACKET("[", Kind.PLAIN),
  LEFT_PAREN("(", Kind.PLAIN),
  METRIC_IDENTIFIER(null, Kind.PLAIN),
  NUMBER(null, Kind.PLAIN),
  RIGHT_BRACE("}", Kind.PLAIN),
  RIGHT_BRACKET("]", Kind.PLAIN),
  RIGHT_PAREN(")", Kind.PLAIN),
  STRING(null, Kind.PLAIN),

  ADD("+", Kind.OPERATOR),
  DIV("/", Kind.OPERATOR),
  EQLC("==", Kind.OPERATOR),
  EQL_REGEX("=~", Kind.OPERATOR),
  GTE(">=", Kind.OPERATOR),
  GTR(">", Kind.OPERATOR),
  LAND("and", Kind.OPERATOR),
  LOR("or", Kind.OPERATOR),
  LSS("<", Kind.OPERATOR),
  LTE("<=", Kind.OPERATOR),
  LUNLESS("unless", Kind.OPERATOR),
  MOD("%", Kind.OPERATOR),
  MUL("*", Kind.OPERATOR),
  NEQ("!=", Kind.OPERATOR),
  NEQ_REGEX("!~", Kind.OPERATOR),
  POW("^", Kind.OPERATOR),
  SUB("-", Kind.OPERATOR),
  // NOTE: '@' has no fixed text in Prometheus' table, so its messages name it by the number its
  // parser generator gave the token: "<Item 57385>".
  AT(null, Kind.OPERATOR),
  ATAN2("atan2", Kind.OPERATOR),

  AVG("avg", Kind.AGGREGATOR),
  BOTTOMK("bottomk", Kind.AGGREGATOR),
  COUNT("count", Kind.AGGREGATOR),
  COUNT_VALUES("count_values", Kind.AGGREGATOR),
  GROUP("group", Kind.AGGREGATOR),
  MAX("max", Kind.AGGREGATOR),
  MIN("min", Kind.AGGREGATOR),
  QUANTILE("quantile", Kind.AGGREGATOR),
  STDDEV("stddev", Kind.AGGREGATOR),
  STDVAR("stdvar", Kind.AGGREGATOR),
  SUM("sum", Kind.AGGREGATOR),
  TOPK("topk", Kind.AGGREGATOR),

  BOOL("bool", Kind.KEYWORD),
  BY("by", Kind.KEYWORD),
  GROUP_LEFT("group_left", Kind.KEYWORD),
  GROUP_RIGHT("group_right", Kind.KEYWORD),
  IGNORING("ignoring", Kind.KEYWORD),
  OFFSET("offset", Kind.KEYWORD),
  ON("on", Kind.KEYWORD),
  WITHOUT("without", Kind.KEYWORD),

  START("start", Kind.PLAIN),
  END("end", Kind.PLAIN);

  enum Kind {
    PLAIN,
    OPERATOR,
    AGGREGATOR,
    KEYWORD
  }

  /** The fixed text, or null for kinds whose text varies. */
  final String text;

  final Kind kind;

  TokenType(String text, Kind kind) {
    this.text = text;
    this.kind = kind;
  }

  private static final Map<String, TokenType> WORDS = new HashMap<>();

  static {
    for (TokenType t : values()) {
      if (t.text != null && Character.isLetter(t.text.charAt(0))) {
        WORDS.put(t.text, t);
      }
    }
    WORDS.put("inf", NUMBER);
    WORDS.put("nan", NUMBER);
  }

  /** The keyword, operator, aggregator or special number a word is, case-insensitively. */
  static TokenType word(String w) {
    return WORDS.get(w.toLowerCase(Locale.ROOT));
  }

  boolean isAggregator() {
    return kind == Kind.AGGREGATOR;
  }

  boolean isAggregatorWithParam() {
    return this == TOPK || this == BOTTOMK || this == COUNT_VALUES || this == QUANTILE;
  }

  boolean isComparison() {
    return this == EQLC || this == NEQ || this == LTE || this == LSS || this == GTE || this == GTR;
  }

  boolean isSetOperator() {
    return this == LAND || this == LOR || this == LUNLESS;
  }

  /** Binding power of a binary operator, higher binds tighter; 0 if this is not one. */
  int precedence() {
    return switch (this) {
      case LOR -> 1;
      case LAND, LUNLESS -> 2;
      case EQLC, NEQ, LTE, LSS, GTE, GTR -> 3;
      case ADD, SUB -> 4;
      case MUL, DIV, MOD, ATAN2 -> 5;
      case POW -> 6;
      default -> 0;
    };
  }

  /** The number Prometheus' generated parser gives this kind (its first token is 57346). */
  int yaccNumber() {
    // EQL..STRING are 57346.., then BLANK/COLON/... interleave; only AT is ever needed.
    if (this == AT) {
      return 57385;
    }
    throw new IllegalStateException(name());
  }
}
