package io.rwgateway.promql.parser;

import java.util.List;

/**
 * How a binary operation between two instant vectors pairs their series: {@code on (...)} or {@code
 * ignoring (...)} labels, and {@code group_left (...)}/{@code group_right (...)}.
 */
public record VectorMatching(
    Cardinality card, List<String> matchingLabels, boolean on, List<String> include) {
  public enum Cardinality {
    ONE_TO_ONE,
    MANY_TO_ONE,
    ONE_TO_MANY,
    MANY_TO_MANY
  }

  public VectorMatching {
    matchingLabels = List.copyOf(matchingLabels);
    include = List.copyOf(include);
  }

  static final VectorMatching DEFAULT =
      new VectorMatching(Cardinality.ONE_TO_ONE, List.of(), false, List.of());

  /** {@code " on (a) group_left (b)"}, or empty when Prometheus prints nothing. */
  String suffix() {
    if (matchingLabels.isEmpty() && !on) {
      return "";
    }
    String s = (on ? " on (" : " ignoring (") + String.join(", ", matchingLabels) + ")";
    if (card == Cardinality.MANY_TO_ONE) {
      s += " group_left (" + String.join(", ", include) + ")";
    } else if (card == Cardinality.ONE_TO_MANY) {
      s += " group_right (" + String.join(", ", include) + ")";
    }
    return s;
  }
}
