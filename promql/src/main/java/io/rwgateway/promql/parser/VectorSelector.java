package io.rwgateway.promql.parser;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An instant vector selector: {@code name{matchers}}. As in Prometheus, a metric name written
 * before the braces is the last matcher ({@code __name__="name"}), and {@link #name} is empty when
 * there is none.
 */
public record VectorSelector(
    String name, List<Matcher> matchers, TimeModifiers modifiers, int start, int end)
    implements Expr {
  public VectorSelector {
    matchers = List.copyOf(matchers);
  }

  @Override
  public ValueType type() {
    return ValueType.VECTOR;
  }

  VectorSelector withModifiers(TimeModifiers m, int newEnd) {
    return new VectorSelector(name, matchers, m, start, newEnd);
  }

  @Override
  public String toString() {
    return selectorString() + modifiers.suffix();
  }

  /** The selector without its modifiers. */
  String selectorString() {
    List<String> parts = new ArrayList<>();
    for (Matcher m : matchers) {
      // The metric name is printed before the braces, not as a matcher.
      if (m.name().equals(Labels.METRIC_NAME)
          && m.type() == Matcher.Type.EQ
          && m.value().equals(name)) {
        continue;
      }
      parts.add(m.name() + m.type().op + GoFormat.quote(m.value()));
    }
    if (parts.isEmpty()) {
      return name;
    }
    // NOTE: Go sorts these strings bytewise; for UTF-16 this differs only outside the BMP.
    Collections.sort(parts);
    return name + "{" + String.join(",", parts) + "}";
  }
}
