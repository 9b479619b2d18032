package io.rwgateway.promql.parser;

/**
 * Splits a query into tokens, one at a time as the parser asks, with the states of Prometheus'
 * lexer: inside braces every word is an identifier and matcher operators are tokens; inside
 * brackets a duration is expected and {@code :} separates a subquery's range from its step. An
 * error comes back as an {@link TokenType#ERROR} token whose value is Prometheus' message.
 */
final class Lexer {
  private static final int EOF_CHAR = -1;

  private final String input;
  private int pos;
  private int start;
  private int parenDepth;
  private boolean braceOpen;
  private boolean bracketOpen;
  private boolean gotColon;

  /** The next state is the one right after '[': a duration must follow. */
  private boolean afterLeftBracket;

  Lexer(String input) {
    this.input = input;
  }

  /** Start of the token being scanned: where Prometheus places lexer errors. */
  int errorPos() {
    return start;
  }

  Token next() {
    while (true) {
      start = pos;
      if (afterLeftBracket) {
        afterLeftBracket = false;
        return lexDuration();
      }
      if (input.startsWith("#", pos)) {
        return lexComment();
      }
      if (braceOpen) {
        Token t = insideBraces();
        if (t != null) {
          return t;
        }
        continue;
      }
      Token t = statements();
      if (t != null) {
        return t;
      }
    }
  }

  private int peekChar() {
    return pos < input.length() ? input.codePointAt(pos) : EOF_CHAR;
  }

  private int nextChar() {
    if (pos >= input.length()) {
      return EOF_CHAR;
    }
    int c = input.codePointAt(pos);
    pos += Character.charCount(c);
    return c;
  }

  private boolean accept(String valid) {
    int c = peekChar();
    if (c != EOF_CHAR && valid.indexOf(c) >= 0) {
      pos += Character.charCount(c);
      return true;
    }
    return false;
  }

  private void acceptRun(String valid) {
    while (accept(valid)) {
      // consume
    }
  }

  private Token emit(TokenType type) {
    Token t = new Token(type, start, input.substring(start, pos));
    start = pos;
    return t;
  }

  private Token error(String message) {
    return new Token(TokenType.ERROR, start, message);
  }

  private void skipSpaces() {
    while (isSpace(peekChar())) {
      pos++;
    }
  }

  /** Outside braces; null when only whitespace was consumed. */
  private Token statements() {
    int r = nextChar();
    switch (r) {
      case EOF_CHAR:
        if (parenDepth != 0) {
          return error("unclosed left parenthesis");
        } else if (bracketOpen) {
          return error("unclosed left bracket");
        }
        return emit(TokenType.EOF);
      case ',':
        return emit(TokenType.COMMA);
      case '*':
        return emit(TokenType.MUL);
      case '/':
        return emit(TokenType.DIV);
      case '%':
        return emit(TokenType.MOD);
      case '+':
        return emit(TokenType.ADD);
      case '-':
        return emit(TokenType.SUB);
      case '^':
        return emit(TokenType.POW);
      case '=':
        {
          int t = peekChar();
          if (t == '=') {
            pos++;
            return emit(TokenType.EQLC);
          } else if (t == '~') {
            return error("unexpected character after '=': " + GoFormat.quoteRune(t));
          }
          return emit(TokenType.EQL);
        }
      case '!':
        {
          int t = nextChar();
          if (t == '=') {
            return emit(TokenType.NEQ);
          }
          return error("unexpected character after '!': " + GoFormat.quoteRune(t));
        }
      case '<':
        if (peekChar() == '=') {
          pos++;
          return emit(TokenType.LTE);
        }
        return emit(TokenType.LSS);
      case '>':
        if (peekChar() == '=') {
          pos++;
          return emit(TokenType.GTE);
        }
        return emit(TokenType.GTR);
      case '"', '\'':
        return lexString(r);
      case '`':
        return lexRawString();
      case '(':
        parenDepth++;
        return emit(TokenType.LEFT_PAREN);
      case ')':
        parenDepth--;
        if (parenDepth < 0) {
          // NOTE: as in Prometheus, the error is placed just after the ')'.
          start = pos;
          return error("unexpected right parenthesis " + GoFormat.quoteRune(')'));
        }
        return emit(TokenType.RIGHT_PAREN);
      case '{':
        braceOpen = true;
        return emit(TokenType.LEFT_BRACE);
      case '[':
        if (bracketOpen) {
          return error("unexpected left bracket " + GoFormat.quoteRune('['));
        }
        gotColon = false;
        {
          Token t = emit(TokenType.LEFT_BRACKET);
          skipSpaces();
          start = pos;
          bracketOpen = true;
          afterLeftBracket = true;
          return t;
        }
      case ']':
        if (!bracketOpen) {
          return error("unexpected right bracket " + GoFormat.quoteRune(']'));
        }
        bracketOpen = false;
        return emit(TokenType.RIGHT_BRACKET);
      case '@':
        return emit(TokenType.AT);
      default:
        break;
    }
    if (isSpace(r)) {
      skipSpaces();
      return null;
    }
    if (isDigit(r) || (r == '.' && isDigit(peekChar()))) {
      pos = start;
      return lexNumberOrDuration();
    }
    if (isAlpha(r) || r == ':') {
      if (!bracketOpen) {
        pos = start;
        return lexKeywordOrIdentifier();
      }
      if (gotColon) {
        return error("unexpected colon " + GoFormat.quoteRune(r));
      }
      gotColon = true;
      return emit(TokenType.COLON);
    }
    return error("unexpected character: " + GoFormat.quoteRune(r));
  }

  private Token insideBraces() {
    int r = nextChar();
    if (r == EOF_CHAR) {
      return error("unexpected end of input inside braces");
    }
    if (isSpace(r)) {
      skipSpaces();
      return null;
    }
    if (isAlpha(r)) {
      while (isAlphaNumeric(peekChar())) {
        pos++;
      }
      return emit(TokenType.IDENTIFIER);
    }
    switch (r) {
      case ',':
        return emit(TokenType.COMMA);
      case '"', '\'':
        return lexString(r);
      case '`':
        return lexRawString();
      case '=':
        if (peekChar() == '~') {
          pos++;
          return emit(TokenType.EQL_REGEX);
        }
        return emit(TokenType.EQL);
      case '!':
        {
          int nr = nextChar();
          if (nr == '~') {
            return emit(TokenType.NEQ_REGEX);
          } else if (nr == '=') {
            return emit(TokenType.NEQ);
          }
          return error("unexpected character after '!' inside braces: " + GoFormat.quoteRune(nr));
        }
      case '{':
        return error("unexpected left brace " + GoFormat.quoteRune(r));
      case '}':
        braceOpen = false;
        return emit(TokenType.RIGHT_BRACE);
      default:
        return error("unexpected character inside braces: " + GoFormat.quoteRune(r));
    }
  }

  private Token lexComment() {
    pos++;
    while (pos < input.length() && input.charAt(pos) != '\n' && input.charAt(pos) != '\r') {
      pos++;
    }
    return emit(TokenType.COMMENT);
  }

  private Token lexString(int quote) {
    while (true) {
      int c = nextChar();
      if (c == '\\') {
        String err = escape(quote);
        if (err != null) {
          return error(err);
        }
      } else if (c == EOF_CHAR || c == '\n') {
        return error("unterminated quoted string");
      } else if (c == quote) {
        return emit(TokenType.STRING);
      }
    }
  }

  /** Checks one escape sequence after its backslash; Prometheus' message when it is bad. */
  private String escape(int quote) {
    int c = nextChar();
    int n;
    int base;
    int max;
    switch (c) {
      case 'a', 'b', 'f', 'n', 'r', 't', 'v', '\\':
        return null;
      case '0', '1', '2', '3', '4', '5', '6', '7':
        n = 3;
        base = 8;
        max = 255;
        break;
      case 'x':
        c = nextChar();
        n = 2;
        base = 16;
        max = 255;
        break;
      case 'u':
        c = nextChar();
        n = 4;
        base = 16;
        max = Character.MAX_CODE_POINT;
        break;
      case 'U':
        c = nextChar();
        n = 8;
        base = 16;
        max = Character.MAX_CODE_POINT;
        break;
      case EOF_CHAR:
        return "escape sequence not terminated";
      default:
        if (c == quote) {
          return null;
        }
        return "unknown escape sequence " + GoFormat.unicode(c);
    }
    long x = 0;
    while (n > 0) {
      int d = Character.digit(c, 16);
      if (c > 'f' || d < 0 || d >= base) {
        if (c == EOF_CHAR) {
          return "escape sequence not terminated";
        }
        return "illegal character " + GoFormat.unicode(c) + " in escape sequence";
      }
      x = x * base + d;
      n--;
      if (n > 0) {
        c = nextChar();
      }
    }
    if (x > max || (0xD800 <= x && x < 0xE000)) {
      return "escape sequence is an invalid Unicode code point";
    }
    return null;
  }

  private Token lexRawString() {
    while (true) {
      int c = nextChar();
      if (c == EOF_CHAR) {
        return error("unterminated raw string");
      } else if (c == '`') {
        return emit(TokenType.STRING);
      }
    }
  }

  private Token lexDuration() {
    if (scanNumber()) {
      return error("missing unit character in duration");
    }
    if (!acceptRemainingDuration()) {
      return error("bad duration syntax: " + GoFormat.quote(input.substring(start, pos)));
    }
    backup();
    return emit(TokenType.DURATION);
  }

  private Token lexNumberOrDuration() {
    if (scanNumber()) {
      return emit(TokenType.NUMBER);
    }
    if (acceptRemainingDuration()) {
      backup();
      return emit(TokenType.DURATION);
    }
    return error("bad number or duration syntax: " + GoFormat.quote(input.substring(start, pos)));
  }

  /** Steps back over the character {@link #acceptRemainingDuration} read past the duration. */
  private void backup() {
    if (lastWidth > 0) {
      pos -= lastWidth;
    }
  }

  private int lastWidth;

  private boolean acceptRemainingDuration() {
    if (!accept("smhdwy")) {
      return false;
    }
    accept("s");
    while (accept("0123456789")) {
      acceptRun("0123456789");
      if (!accept("smhdw")) {
        return false;
      }
      accept("s");
    }
    // Like Prometheus: read one more character, which must not continue a word.
    int c = peekChar();
    lastWidth = c == EOF_CHAR ? 0 : Character.charCount(c);
    pos += lastWidth;
    return !isAlphaNumeric(c);
  }

  /** Scans a number's characters; true when what follows cannot continue it. */
  private boolean scanNumber() {
    String digits = "0123456789";
    if (accept("0") && accept("xX")) {
      digits = "0123456789abcdefABCDEF";
    }
    acceptRun(digits);
    if (accept(".")) {
      acceptRun(digits);
    }
    if (accept("eE")) {
      accept("+-");
      acceptRun("0123456789");
    }
    return !isAlphaNumeric(peekChar());
  }

  private Token lexKeywordOrIdentifier() {
    while (true) {
      int c = peekChar();
      if (isAlphaNumeric(c) || c == ':') {
        pos++;
        continue;
      }
      String word = input.substring(start, pos);
      TokenType kw = TokenType.word(word);
      if (kw != null) {
        return emit(kw);
      }
      return emit(word.contains(":") ? TokenType.METRIC_IDENTIFIER : TokenType.IDENTIFIER);
    }
  }

  static boolean isSpace(int c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  static boolean isAlpha(int c) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  static boolean isAlphaNumeric(int c) {
    return isAlpha(c) || isDigit(c);
  }

  /** Prometheus' rule for a label name in {@code by (...)} and friends. */
  static boolean isLabel(String s) {
    if (s.isEmpty() || !isAlpha(s.charAt(0))) {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      if (!isAlphaNumeric(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
