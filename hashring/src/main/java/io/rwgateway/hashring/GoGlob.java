package io.rwgateway.hashring;

import java.util.ArrayList;
import java.util.List;

/**
 * A tenant glob with the semantics of Go's {@code path/filepath.Match} on Unix, which is what
 * Thanos uses for {@code "tenant_matcher_type": "glob"}:
 *
 * <ul>
 *   <li>{@code *} matches any run of characters other than {@code /} (runs of {@code *} act as
 *       one);
 *   <li>{@code ?} matches one character other than {@code /};
 *   <li>{@code [abc]}, {@code [a-z]}, {@code [^a-z]} match one character in (or, with {@code ^},
 *       not in) the class; inside a class {@code -} and {@code ]} must be escaped unless {@code ]}
 *       closes a non-empty class;
 *   <li>{@code \x} matches {@code x} literally, everywhere;
 *   <li>the whole tenant must match.
 * </ul>
 *
 * Characters are Unicode code points (Go matches runes).
 *
 * <p>NOTE: Go reports a malformed pattern ({@code "[a"}, {@code "a\\"}, {@code "[]"}, {@code
 * "[-a]"}) only when a tenant is matched against it, and Thanos then fails that write. Here the
 * pattern is compiled when the hashring file is loaded, so a malformed one rejects the file
 * instead.
 */
final class GoGlob {
  private static final int LITERAL = 0;
  private static final int ANY_ONE = 1;
  private static final int STAR = 2;
  private static final int CLASS = 3;

  private final String pattern;
  private final int[] kind;
  private final int[] literal;
  private final boolean[] negated;
  private final int[][] ranges; // lo, hi, lo, hi, ... per CLASS token

  private GoGlob(String pattern, int[] kind, int[] literal, boolean[] negated, int[][] ranges) {
    this.pattern = pattern;
    this.kind = kind;
    this.literal = literal;
    this.negated = negated;
    this.ranges = ranges;
  }

  /** Compiles {@code pattern}; throws {@link IllegalArgumentException} naming the syntax error. */
  static GoGlob compile(String pattern) {
    int[] cps = pattern.codePoints().toArray();
    List<Integer> kinds = new ArrayList<>();
    List<Integer> literals = new ArrayList<>();
    List<Boolean> negs = new ArrayList<>();
    List<int[]> classes = new ArrayList<>();
    int i = 0;
    while (i < cps.length) {
      int c = cps[i];
      if (c == '*') {
        while (i < cps.length && cps[i] == '*') {
          i++;
        }
        add(kinds, literals, negs, classes, STAR, 0, false, null);
      } else if (c == '?') {
        i++;
        add(kinds, literals, negs, classes, ANY_ONE, 0, false, null);
      } else if (c == '\\') {
        if (i + 1 >= cps.length) {
          throw bad(pattern, "a trailing \\ escapes nothing");
        }
        add(kinds, literals, negs, classes, LITERAL, cps[i + 1], false, null);
        i += 2;
      } else if (c == '[') {
        i = compileClass(pattern, cps, i + 1, kinds, literals, negs, classes);
      } else {
        add(kinds, literals, negs, classes, LITERAL, c, false, null);
        i++;
      }
    }
    int n = kinds.size();
    int[] kind = new int[n];
    int[] literal = new int[n];
    boolean[] negated = new boolean[n];
    int[][] ranges = new int[n][];
    for (int t = 0; t < n; t++) {
      kind[t] = kinds.get(t);
      literal[t] = literals.get(t);
      negated[t] = negs.get(t);
      ranges[t] = classes.get(t);
    }
    return new GoGlob(pattern, kind, literal, negated, ranges);
  }

  // Parses a class starting after '['; returns the index after its closing ']'. Mirrors Go's
  // rules: a range end may not be an unescaped '-' or ']', and the class needs one range first.
  private static int compileClass(
      String pattern,
      int[] cps,
      int i,
      List<Integer> kinds,
      List<Integer> literals,
      List<Boolean> negs,
      List<int[]> classes) {
    boolean neg = false;
    if (i < cps.length && cps[i] == '^') {
      neg = true;
      i++;
    }
    List<Integer> bounds = new ArrayList<>();
    while (true) {
      if (i < cps.length && cps[i] == ']' && !bounds.isEmpty()) {
        i++;
        break;
      }
      int[] lo = classChar(pattern, cps, i);
      i = lo[1];
      int hi = lo[0];
      if (cps[i] == '-') {
        int[] h = classChar(pattern, cps, i + 1);
        hi = h[0];
        i = h[1];
      }
      bounds.add(lo[0]);
      bounds.add(hi);
    }
    int[] r = new int[bounds.size()];
    for (int k = 0; k < r.length; k++) {
      r[k] = bounds.get(k);
    }
    add(kinds, literals, negs, classes, CLASS, 0, neg, r);
    return i;
  }

  // One (possibly escaped) class character at i: {code point, next index}. Like Go, the class must
  // go on after it (a pattern ending inside a class is unterminated).
  private static int[] classChar(String pattern, int[] cps, int i) {
    if (i >= cps.length) {
      throw bad(pattern, "unterminated character class");
    }
    if (cps[i] == '-' || cps[i] == ']') {
      throw bad(pattern, "'" + (char) cps[i] + "' must be escaped here in a character class");
    }
    if (cps[i] == '\\') {
      i++;
      if (i >= cps.length) {
        throw bad(pattern, "unterminated character class");
      }
    }
    int c = cps[i++];
    if (i >= cps.length) {
      throw bad(pattern, "unterminated character class");
    }
    return new int[] {c, i};
  }

  private static void add(
      List<Integer> kinds,
      List<Integer> literals,
      List<Boolean> negs,
      List<int[]> classes,
      int kind,
      int lit,
      boolean neg,
      int[] range) {
    kinds.add(kind);
    literals.add(lit);
    negs.add(neg);
    classes.add(range);
  }

  private static IllegalArgumentException bad(String pattern, String why) {
    return new IllegalArgumentException("bad glob pattern \"" + pattern + "\": " + why);
  }

  /** Whether the whole of {@code name} matches. */
  boolean matches(String name) {
    int[] s = name.codePoints().toArray();
    int n = kind.length;
    // NOTE: dynamic programming over (token, position) rather than backtracking, so a hostile
    // pattern with many stars cannot make matching exponential. can[j] = tokens [t, n) match
    // s[j..].
    boolean[] can = new boolean[s.length + 1];
    can[s.length] = true;
    for (int t = n - 1; t >= 0; t--) {
      boolean[] next = new boolean[s.length + 1];
      if (kind[t] == STAR) {
        // STAR at j: either it matches nothing, or it eats s[j] (not '/') and is still a STAR.
        next[s.length] = can[s.length];
        for (int j = s.length - 1; j >= 0; j--) {
          next[j] = can[j] || (s[j] != '/' && next[j + 1]);
        }
      } else {
        for (int j = 0; j < s.length; j++) {
          next[j] = can[j + 1] && one(t, s[j]);
        }
      }
      can = next;
    }
    return can[0];
  }

  private boolean one(int t, int c) {
    switch (kind[t]) {
      case LITERAL:
        return c == literal[t];
      case ANY_ONE:
        return c != '/';
      default:
        boolean in = false;
        int[] r = ranges[t];
        for (int k = 0; k < r.length; k += 2) {
          if (r[k] <= c && c <= r[k + 1]) {
            in = true;
            break;
          }
        }
        return in != negated[t];
    }
  }

  @Override
  public String toString() {
    return pattern;
  }
}
