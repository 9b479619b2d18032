package io.rwgateway.promql.engine;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.rwgateway.promql.parser.Expr;
import io.rwgateway.promql.parser.StringLiteral;
import java.util.List;

/** label_replace and label_join: they rewrite labels and keep the metric name. */
final class LabelFunctions {
  private LabelFunctions() {}

  private static final Pattern LABEL_NAME = Pattern.compile("^[a-zA-Z_][a-zA-Z0-9_]*$");

  static String string(Expr e) {
    Expr x = e;
    while (x instanceof io.rwgateway.promql.parser.ParenExpr p) {
      x = p.expr();
    }
    if (x instanceof StringLiteral s) {
      return s.value();
    }
    throw new QueryException(QueryException.Kind.BAD_DATA, "expected a string literal: " + e);
  }

  /**
   * label_replace(v, dst, replacement, src, regex): where the regex (anchored at both ends) matches
   * src's value, dst becomes the replacement with {@code $1}, {@code ${name}} expanded as Go's
   * {@code Regexp.Expand} does; an empty result removes dst. Where it does not match, the series is
   * unchanged.
   */
  static SeriesStream replace(Evaluator ev, List<Expr> args, Grid g) {
    String dst = string(args.get(1));
    String replacement = string(args.get(2));
    String src = string(args.get(3));
    String regex = string(args.get(4));
    Pattern p;
    try {
      p = Pattern.compile("^(?:" + regex + ")$");
    } catch (PatternSyntaxException e) {
      throw QueryException.execution("invalid regular expression in label_replace(): " + regex);
    }
    if (!LABEL_NAME.matcher(dst).matches()) {
      throw QueryException.execution("invalid destination label name in label_replace(): " + dst);
    }
    return Streams.distinct(
        Streams.map(
            ev.vector(args.get(0), g),
            s -> {
              s.dropHistograms(); // 2.42 copies only the float of each sample
              Matcher m = p.matcher(s.labels.get(src));
              if (m.matches()) {
                s.labels = LabelSets.with(s.labels, dst, expand(m, replacement));
              }
              return s;
            }));
  }

  /** label_join(v, dst, separator, src...): dst becomes the src values joined. */
  static SeriesStream join(Evaluator ev, List<Expr> args, Grid g) {
    String dst = string(args.get(1));
    String sep = string(args.get(2));
    String[] srcs = new String[args.size() - 3];
    for (int i = 3; i < args.size(); i++) {
      srcs[i - 3] = string(args.get(i));
      if (!LABEL_NAME.matcher(srcs[i - 3]).matches()) {
        throw QueryException.execution("invalid source label name in label_join(): " + srcs[i - 3]);
      }
    }
    if (!LABEL_NAME.matcher(dst).matches()) {
      throw QueryException.execution("invalid destination label name in label_join(): " + dst);
    }
    return Streams.distinct(
        Streams.map(
            ev.vector(args.get(0), g),
            s -> {
              s.dropHistograms(); // 2.42 copies only the float of each sample
              StringBuilder b = new StringBuilder();
              for (int i = 0; i < srcs.length; i++) {
                if (i > 0) {
                  b.append(sep);
                }
                b.append(s.labels.get(srcs[i]));
              }
              s.labels = LabelSets.with(s.labels, dst, b.toString());
              return s;
            }));
  }

  /**
   * Go's template expansion: {@code $$} is a dollar; {@code $name} takes the longest run of
   * letters, digits and underscores as the name ({@code $1x} is group "1x"); {@code ${name}}
   * delimits it; a number names a group by index; an unknown group expands to nothing; a {@code $}
   * not followed by a name stays as it is.
   */
  static String expand(Matcher m, String template) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    int n = template.length();
    while (i < n) {
      char c = template.charAt(i);
      if (c != '$' || i + 1 >= n) {
        out.append(c);
        i++;
        continue;
      }
      char d = template.charAt(i + 1);
      if (d == '$') {
        out.append('$');
        i += 2;
        continue;
      }
      String name;
      int next;
      if (d == '{') {
        int close = template.indexOf('}', i + 2);
        name = close < 0 ? "" : template.substring(i + 2, close);
        if (close < 0 || name.isEmpty() || !isName(name)) {
          out.append(c);
          i++;
          continue;
        }
        next = close + 1;
      } else {
        int j = i + 1;
        while (j < n && isNameChar(template.charAt(j))) {
          j++;
        }
        if (j == i + 1) {
          out.append(c);
          i++;
          continue;
        }
        name = template.substring(i + 1, j);
        next = j;
      }
      out.append(group(m, name));
      i = next;
    }
    return out.toString();
  }

  private static String group(Matcher m, String name) {
    String v = null;
    if (name.chars().allMatch(Character::isDigit)) {
      try {
        int idx = Integer.parseInt(name);
        if (idx <= m.groupCount()) {
          v = m.group(idx);
        }
      } catch (NumberFormatException e) {
        v = null;
      }
    } else {
      try {
        v = m.group(name);
      } catch (IllegalArgumentException e) {
        v = null;
      }
    }
    return v == null ? "" : v;
  }

  private static boolean isName(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (!isNameChar(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isNameChar(char c) {
    return c == '_' || Character.isLetterOrDigit(c);
  }
}
