package io.rwgateway.promql.parser;

import io.rwgateway.model.InvalidMatcherException;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Precedence climbing over the tokens of {@link Lexer}, built to fail where Prometheus' generated
 * (yacc) parser fails and with its words: the first error ends the parse, as only the first of
 * Prometheus' errors is reported. {@code offset}, {@code @} and {@code [...]} bind tighter than any
 * operator, a sign binds like {@code *} (so {@code -2^2} is {@code -(2^2)}), {@code ^} is
 * right-associative and every other operator left-associative.
 */
final class Parser {
  /** Keywords that also name a metric when they stand where an expression starts. */
  private static final Set<TokenType> METRIC_KEYWORDS =
      EnumSet.of(
          TokenType.BY,
          TokenType.WITHOUT,
          TokenType.LAND,
          TokenType.LOR,
          TokenType.LUNLESS,
          TokenType.OFFSET,
          TokenType.START,
          TokenType.END);

  /** The tokens Prometheus accepts as a label name in {@code by (...)} and friends. */
  private static final Set<TokenType> MAYBE_LABEL =
      EnumSet.of(
          TokenType.AVG,
          TokenType.BOOL,
          TokenType.BOTTOMK,
          TokenType.BY,
          TokenType.COUNT,
          TokenType.COUNT_VALUES,
          TokenType.GROUP,
          TokenType.GROUP_LEFT,
          TokenType.GROUP_RIGHT,
          TokenType.IDENTIFIER,
          TokenType.IGNORING,
          TokenType.LAND,
          TokenType.LOR,
          TokenType.LUNLESS,
          TokenType.MAX,
          TokenType.METRIC_IDENTIFIER,
          TokenType.MIN,
          TokenType.OFFSET,
          TokenType.ON,
          TokenType.QUANTILE,
          TokenType.STDDEV,
          TokenType.STDVAR,
          TokenType.SUM,
          TokenType.TOPK,
          TokenType.START,
          TokenType.END,
          TokenType.ATAN2);

  private final String input;
  private final Lexer lexer;
  private Token lookahead;

  /**
   * Open aggregations: Prometheus' parser recovers from a syntax error anywhere inside one with its
   * "in aggregation" rule, so that context is named in the message.
   */
  private final Deque<String> errorContexts = new ArrayDeque<>();

  Parser(String input) {
    this.input = input;
    this.lexer = new Lexer(input);
  }

  /**
   * Whether selectors may quote names, as Prometheus 3 allows for UTF-8 names: a lone string in
   * braces is the metric name ({@code {"my.metric"}}), a string before a matching operator a label
   * name ({@code {"service.name"="api"}}). Only for {@code match[]} ({@link #parseSelectorOnly}):
   * queries are parsed as Prometheus 2.42 parses them, which has no quoted names.
   */
  private boolean quotedNames;

  Expr parseQuery() {
    if (peek().type() == TokenType.EOF) {
      throw error(0, "no expression found in input");
    }
    Expr e = parseExpr(0);
    expect(TokenType.EOF);
    if (Depth.of(e) > Depth.MAX) {
      throw error(0, Depth.message());
    }
    new TypeChecker(input).check(e);
    return e;
  }

  VectorSelector parseSelectorOnly() {
    quotedNames = true;
    Token t = peek();
    VectorSelector vs;
    if (t.type() == TokenType.LEFT_BRACE) {
      vs = parseSelector(null);
    } else if (t.type() == TokenType.IDENTIFIER
        || t.type() == TokenType.METRIC_IDENTIFIER
        || t.type().isAggregator()
        || METRIC_KEYWORDS.contains(t.type())) {
      next();
      vs = parseSelector(t);
    } else {
      throw unexpected(t, "", "");
    }
    expect(TokenType.EOF);
    return vs;
  }

  // ---- tokens

  private Token peek() {
    if (lookahead == null) {
      Token t;
      do {
        t = lexer.next();
      } while (t.type() == TokenType.COMMENT);
      if (t.type() == TokenType.ERROR) {
        throw error(lexer.errorPos(), t.val());
      }
      lookahead = t;
    }
    return lookahead;
  }

  private Token next() {
    Token t = peek();
    lookahead = null;
    return t;
  }

  private void expect(TokenType type) {
    Token t = next();
    if (t.type() != type) {
      throw unexpected(t, "", "");
    }
  }

  ParseException error(int pos, String message) {
    return new ParseException(input, pos, message);
  }

  /** Prometheus' "unexpected X[ in context][, expected Y]"; the context of an open aggregation. */
  private ParseException unexpected(Token t, String context, String expected) {
    if (context.isEmpty() && !errorContexts.isEmpty()) {
      context = errorContexts.peek();
    }
    StringBuilder b = new StringBuilder("unexpected ").append(t.describe());
    if (!context.isEmpty()) {
      b.append(" in ").append(context);
    }
    if (!expected.isEmpty()) {
      b.append(", expected ").append(expected);
    }
    return error(t.pos(), b.toString());
  }

  // ---- expressions

  /** Recursion of {@link #parseExpr}: bounded so that the parser's own stack cannot overflow. */
  private int nesting;

  private Expr parseExpr(int minPrecedence) {
    if (++nesting > Depth.MAX) {
      throw error(peek().pos(), Depth.message());
    }
    try {
      return parseExprNested(minPrecedence);
    } finally {
      nesting--;
    }
  }

  private Expr parseExprNested(int minPrecedence) {
    Expr left = parseUnary();
    while (true) {
      BinaryOp op = BinaryOp.of(peek().type());
      if (op == null || op.precedence < minPrecedence) {
        return left;
      }
      next();
      boolean returnBool = false;
      if (peek().type() == TokenType.BOOL) {
        next();
        returnBool = true;
      }
      VectorMatching matching = parseVectorMatching();
      Expr right = parseExpr(op.rightAssociative() ? op.precedence : op.precedence + 1);
      left = new BinaryExpr(op, left, right, returnBool, matching);
    }
  }

  private VectorMatching parseVectorMatching() {
    TokenType t = peek().type();
    if (t != TokenType.ON && t != TokenType.IGNORING) {
      return VectorMatching.DEFAULT;
    }
    next();
    List<String> labels = parseGroupingLabels();
    VectorMatching.Cardinality card = VectorMatching.Cardinality.ONE_TO_ONE;
    List<String> include = List.of();
    TokenType g = peek().type();
    if (g == TokenType.GROUP_LEFT || g == TokenType.GROUP_RIGHT) {
      next();
      card =
          g == TokenType.GROUP_LEFT
              ? VectorMatching.Cardinality.MANY_TO_ONE
              : VectorMatching.Cardinality.ONE_TO_MANY;
      // NOTE: a '(' right after group_left always opens its label list, as in Prometheus; a
      // token that can start no expression is blamed on the missing list.
      Token after = peek();
      if (after.type() == TokenType.LEFT_PAREN) {
        include = parseGroupingLabels();
      } else if (!startsExpression(after.type())) {
        throw unexpected(after, "grouping opts", "\"(\"");
      }
    }
    return new VectorMatching(card, labels, t == TokenType.ON, include);
  }

  private static boolean startsExpression(TokenType t) {
    return switch (t) {
      case NUMBER, STRING, LEFT_PAREN, LEFT_BRACE, IDENTIFIER, METRIC_IDENTIFIER, ADD, SUB -> true;
      default -> t.isAggregator() || METRIC_KEYWORDS.contains(t);
    };
  }

  private Expr parseUnary() {
    Token t = peek();
    if (t.type() == TokenType.ADD || t.type() == TokenType.SUB) {
      next();
      boolean negative = t.type() == TokenType.SUB;
      // A sign binds like '*': only '^' (and the postfix modifiers) bind tighter.
      Expr operand = parseExpr(BinaryOp.POW.precedence);
      if (operand instanceof NumberLiteral n) {
        return new NumberLiteral(negative ? -n.value() : n.value(), t.pos(), n.end());
      }
      return new UnaryExpr(negative, operand, t.pos());
    }
    return parsePostfix(parsePrimary());
  }

  private Expr parsePrimary() {
    Token t = next();
    switch (t.type()) {
      case NUMBER:
        return new NumberLiteral(number(t), t.pos(), t.end());
      case STRING:
        return new StringLiteral(Strings.unquote(t.val()), t.pos(), t.end());
      case LEFT_PAREN:
        {
          Expr inner = parseExpr(0);
          Token close = next();
          if (close.type() != TokenType.RIGHT_PAREN) {
            throw unexpected(close, "", "");
          }
          return new ParenExpr(inner, t.pos(), close.end());
        }
      case LEFT_BRACE:
        lookahead = t; // parseSelector reads the brace itself
        return parseSelector(null);
      case IDENTIFIER:
        if (peek().type() == TokenType.LEFT_PAREN) {
          return parseCall(t);
        }
        return parseSelector(t);
      case METRIC_IDENTIFIER:
        return parseSelector(t);
      default:
        break;
    }
    if (t.type().isAggregator()) {
      TokenType n = peek().type();
      if (n == TokenType.LEFT_PAREN || n == TokenType.BY || n == TokenType.WITHOUT) {
        return parseAggregation(t);
      }
      return parseSelector(t);
    }
    if (METRIC_KEYWORDS.contains(t.type())) {
      return parseSelector(t);
    }
    throw unexpected(t, "", "");
  }

  private Expr parsePostfix(Expr e) {
    while (true) {
      Token t = peek();
      switch (t.type()) {
        case LEFT_BRACKET -> e = parseRangeOrSubquery(e, next());
        case OFFSET -> e = parseOffset(e, next());
        case AT -> e = parseAt(e, next());
        default -> {
          return e;
        }
      }
    }
  }

  private Expr parseRangeOrSubquery(Expr e, Token open) {
    Token d = next();
    if (d.type() != TokenType.DURATION) {
      throw unexpected(d, "subquery selector", "duration");
    }
    long range = duration(d);
    Token t = next();
    if (t.type() == TokenType.RIGHT_BRACKET) {
      String problem = null;
      if (!(e instanceof VectorSelector vs)) {
        problem = "ranges only allowed for vector selectors";
      } else if (vs.modifiers().offsetMillis() != 0) {
        problem = "no offset modifiers allowed before range";
      } else if (vs.modifiers().at() == TimeModifiers.At.TIMESTAMP) {
        problem = "no @ modifiers allowed before range";
      }
      if (problem != null) {
        throw error(open.pos(), problem);
      }
      return new MatrixSelector((VectorSelector) e, range, t.end());
    }
    if (t.type() != TokenType.COLON) {
      throw unexpected(t, "subquery or range", "\":\" or \"]\"");
    }
    long step = 0;
    Token s = next();
    if (s.type() == TokenType.DURATION) {
      step = duration(s);
      s = next();
      if (s.type() != TokenType.RIGHT_BRACKET) {
        throw unexpected(s, "subquery selector", "\"]\"");
      }
    } else if (s.type() != TokenType.RIGHT_BRACKET) {
      throw unexpected(s, "subquery selector", "duration or \"]\"");
    }
    return new SubqueryExpr(e, range, step, TimeModifiers.NONE, s.pos() + 1);
  }

  private Expr parseOffset(Expr e, Token offset) {
    Token t = next();
    boolean negative = false;
    if (t.type() == TokenType.SUB) {
      negative = true;
      t = next();
    }
    if (t.type() != TokenType.DURATION) {
      throw unexpected(t, "offset", "duration");
    }
    long d = duration(t);
    if (negative) {
      d = -d;
    }
    TimeModifiers current = modifiersOf(e, "offset");
    if (current.offsetMillis() != 0) {
      throw error(e.start(), "offset may not be set multiple times");
    }
    return withModifiers(e, current.withOffset(d), t.end());
  }

  private Expr parseAt(Expr e, Token at) {
    Token t = next();
    if (t.type() == TokenType.START || t.type() == TokenType.END) {
      Token open = next();
      if (open.type() != TokenType.LEFT_PAREN) {
        throw unexpected(open, "@", "timestamp");
      }
      Token close = next();
      if (close.type() != TokenType.RIGHT_PAREN) {
        throw unexpected(close, "@", "timestamp");
      }
      TimeModifiers current = atModifiersOf(e);
      TimeModifiers.At kind =
          t.type() == TokenType.START ? TimeModifiers.At.START : TimeModifiers.At.END;
      return withModifiers(e, current.withAt(kind, 0), close.end());
    }
    double sign = 1;
    if (t.type() == TokenType.ADD || t.type() == TokenType.SUB) {
      sign = t.type() == TokenType.SUB ? -1 : 1;
      t = next();
    }
    if (t.type() != TokenType.NUMBER) {
      throw unexpected(t, "@", "timestamp");
    }
    double ts = sign * number(t);
    if (Double.isInfinite(ts)
        || Double.isNaN(ts)
        || ts >= (double) Long.MAX_VALUE
        || ts <= (double) Long.MIN_VALUE) {
      throw error(
          e.start(), "timestamp out of bounds for @ modifier: " + GoFormat.formatFixed6(ts));
    }
    TimeModifiers current = atModifiersOf(e);
    // Go's math.Round: halves away from zero.
    long millis = new BigDecimal(ts * 1000).setScale(0, RoundingMode.HALF_UP).longValue();
    return withModifiers(e, current.withAt(TimeModifiers.At.TIMESTAMP, millis), t.end());
  }

  private TimeModifiers modifiersOf(Expr e, String what) {
    if (e instanceof VectorSelector vs) {
      return vs.modifiers();
    } else if (e instanceof MatrixSelector ms) {
      return ms.selector().modifiers();
    } else if (e instanceof SubqueryExpr sq) {
      return sq.modifiers();
    }
    throw error(
        e.start(),
        what
            + " modifier must be preceded by an instant vector selector or range vector selector"
            + " or a subquery");
  }

  private TimeModifiers atModifiersOf(Expr e) {
    TimeModifiers m = modifiersOf(e, "@");
    if (m.at() != TimeModifiers.At.NONE) {
      throw error(e.start(), "@ <timestamp> may not be set multiple times");
    }
    return m;
  }

  private static Expr withModifiers(Expr e, TimeModifiers m, int end) {
    if (e instanceof VectorSelector vs) {
      return vs.withModifiers(m, end);
    } else if (e instanceof MatrixSelector ms) {
      return new MatrixSelector(
          ms.selector().withModifiers(m, ms.selector().end()), ms.rangeMillis(), end);
    }
    return ((SubqueryExpr) e).withModifiers(m, end);
  }

  // ---- selectors

  /** After the metric name (null when there is none), the optional {@code {...}}. */
  private VectorSelector parseSelector(Token name) {
    List<Matcher> matchers = new ArrayList<>();
    int start = name != null ? name.pos() : peek().pos();
    int end = name != null ? name.end() : start;
    if (peek().type() == TokenType.LEFT_BRACE) {
      next();
      end = parseMatchers(matchers);
    }
    String metric = name != null ? name.val() : "";
    if (name != null) {
      String quoted = quotedNames ? metricNameIn(matchers) : null;
      if (quoted != null) {
        throw error(start, metricNameTwice(metric, quoted));
      }
      matchers.add(Matcher.eq(Labels.METRIC_NAME, metric));
    }
    return new VectorSelector(metric, matchers, TimeModifiers.NONE, start, end);
  }

  /** The matchers up to and including '}'; returns the end of the '}'. */
  private int parseMatchers(List<Matcher> out) {
    while (true) {
      Token t = next();
      if (t.type() == TokenType.RIGHT_BRACE) {
        return t.end();
      }
      String label = t.val();
      Token op;
      if (quotedNames && t.type() == TokenType.STRING) {
        label = Strings.unquote(t.val());
        op = next();
        if (op.type() == TokenType.COMMA || op.type() == TokenType.RIGHT_BRACE) {
          addQuotedMetricName(out, label, t);
          if (op.type() == TokenType.RIGHT_BRACE) {
            return op.end();
          }
          continue;
        }
      } else if (t.type() != TokenType.IDENTIFIER) {
        throw unexpected(t, "label matching", "identifier or \"}\"");
      } else {
        op = next();
      }
      Matcher.Type type =
          switch (op.type()) {
            case EQL -> Matcher.Type.EQ;
            case NEQ -> Matcher.Type.NEQ;
            case EQL_REGEX -> Matcher.Type.RE;
            case NEQ_REGEX -> Matcher.Type.NRE;
            default -> throw unexpected(op, "label matching", "label matching operator");
          };
      Token value = next();
      if (value.type() != TokenType.STRING) {
        throw unexpected(value, "label matching", "string");
      }
      try {
        out.add(new Matcher(type, label, Strings.unquote(value.val())));
      } catch (InvalidMatcherException e) {
        throw error(t.pos(), e.getMessage());
      }
      Token sep = next();
      if (sep.type() == TokenType.RIGHT_BRACE) {
        return sep.end();
      }
      if (sep.type() != TokenType.COMMA) {
        throw unexpected(sep, "label matching", "\",\" or \"}\"");
      }
    }
  }

  /** A lone quoted name in braces: the metric name, which must not be given twice. */
  private void addQuotedMetricName(List<Matcher> out, String name, Token at) {
    String first = metricNameIn(out);
    if (first != null) {
      throw error(at.pos(), metricNameTwice(first, name));
    }
    out.add(Matcher.eq(Labels.METRIC_NAME, name));
  }

  /** The value of the {@code __name__="..."} matcher among {@code matchers}, or null. */
  private static String metricNameIn(List<Matcher> matchers) {
    for (Matcher m : matchers) {
      if (m.name().equals(Labels.METRIC_NAME) && m.type() == Matcher.Type.EQ) {
        return m.value();
      }
    }
    return null;
  }

  /** Prometheus' message for a selector that names its metric twice. */
  static String metricNameTwice(String first, String second) {
    return "metric name must not be set twice: "
        + GoFormat.quote(first)
        + " or "
        + GoFormat.quote(second);
  }

  // ---- aggregations and calls

  private Expr parseAggregation(Token op) {
    errorContexts.push("aggregation");
    List<String> grouping = List.of();
    boolean without = false;
    boolean modifierSeen = false;
    TokenType t = peek().type();
    if (t == TokenType.BY || t == TokenType.WITHOUT) {
      next();
      without = t == TokenType.WITHOUT;
      grouping = parseGroupingLabels();
      modifierSeen = true;
    }
    Token open = peek();
    if (open.type() != TokenType.LEFT_PAREN) {
      throw unexpected(open, "", "");
    }
    List<Expr> args = new ArrayList<>();
    int end = parseCallBody(args);
    if (!modifierSeen) {
      t = peek().type();
      if (t == TokenType.BY || t == TokenType.WITHOUT) {
        next();
        without = t == TokenType.WITHOUT;
        grouping = parseGroupingLabels();
        end = lastGroupingEnd;
      }
    }
    errorContexts.pop();
    AggregateOp aop = AggregateOp.of(op.type());
    if (args.isEmpty()) {
      throw error(op.pos(), "no arguments for aggregate expression provided");
    }
    int want = aop.hasParam() ? 2 : 1;
    if (args.size() != want) {
      throw error(
          op.pos(),
          "wrong number of arguments for aggregate expression provided, expected "
              + want
              + ", got "
              + args.size());
    }
    Expr param = aop.hasParam() ? args.get(0) : null;
    return new AggregateExpr(aop, param, args.get(want - 1), grouping, without, op.pos(), end);
  }

  private int lastGroupingEnd;

  /** {@code ( label, ... )} after by, without, on, ignoring, group_left or group_right. */
  private List<String> parseGroupingLabels() {
    Token open = next();
    if (open.type() != TokenType.LEFT_PAREN) {
      throw unexpected(open, "grouping opts", "\"(\"");
    }
    List<String> labels = new ArrayList<>();
    if (peek().type() == TokenType.RIGHT_PAREN) {
      lastGroupingEnd = next().end();
      return labels;
    }
    while (true) {
      Token l = next();
      if (!MAYBE_LABEL.contains(l.type()) || !Lexer.isLabel(l.val())) {
        throw unexpected(l, "grouping opts", "label");
      }
      labels.add(l.val());
      Token sep = next();
      if (sep.type() == TokenType.RIGHT_PAREN) {
        lastGroupingEnd = sep.end();
        return labels;
      }
      if (sep.type() != TokenType.COMMA) {
        throw unexpected(sep, "grouping opts", "\",\" or \")\"");
      }
      if (peek().type() == TokenType.RIGHT_PAREN) {
        lastGroupingEnd = next().end();
        return labels;
      }
    }
  }

  private Expr parseCall(Token name) {
    List<Expr> args = new ArrayList<>();
    int end = parseCallBody(args);
    Function f = Function.named(name.val());
    if (f == null) {
      throw error(name.pos(), "unknown function with name " + GoFormat.quote(name.val()));
    }
    return new Call(f, args, name.pos(), end);
  }

  /** {@code ( [expr {, expr}] )}; returns the end of the ')'. */
  private int parseCallBody(List<Expr> args) {
    next(); // '('
    if (peek().type() == TokenType.RIGHT_PAREN) {
      return next().end();
    }
    while (true) {
      args.add(parseExpr(0));
      Token t = next();
      if (t.type() == TokenType.RIGHT_PAREN) {
        return t.end();
      }
      if (t.type() != TokenType.COMMA) {
        throw unexpected(t, "", "");
      }
      if (peek().type() == TokenType.RIGHT_PAREN) {
        throw error(t.pos(), "trailing commas not allowed in function call args");
      }
    }
  }

  // ---- literals

  private double number(Token t) {
    try {
      return Numbers.parse(t.val());
    } catch (IllegalArgumentException e) {
      throw error(t.pos(), "error parsing number: " + e.getMessage());
    }
  }

  private long duration(Token t) {
    long d;
    try {
      d = Durations.parse(t.val());
    } catch (IllegalArgumentException e) {
      throw error(t.pos(), e.getMessage());
    }
    if (d == 0) {
      throw error(t.pos(), "duration must be greater than 0");
    }
    return d;
  }
}
