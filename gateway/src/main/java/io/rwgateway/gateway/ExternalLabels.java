package io.rwgateway.gateway;

import io.rwgateway.model.Labels;
import java.util.List;
import java.util.TreeMap;

/** Parses Thanos-style {@code --label 'name="value"'} flags into external labels. */
final class ExternalLabels {
  private ExternalLabels() {}

  static Labels parse(List<String> flags) {
    TreeMap<String, String> m = new TreeMap<>();
    for (String f : flags) {
      int eq = f.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--label \"" + f + "\": expected name=\"value\"");
      }
      String name = f.substring(0, eq).trim();
      String value = f.substring(eq + 1).trim();
      if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
        value = value.substring(1, value.length() - 1);
      }
      if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
        throw new IllegalArgumentException(
            "--label \"" + f + "\": invalid label name \"" + name + "\"");
      }
      if (m.put(name, value) != null) {
        throw new IllegalArgumentException("--label " + name + " given twice");
      }
    }
    return Labels.fromMap(m);
  }
}
