package io.rwgateway.promql.engine;

import io.rwgateway.model.Labels;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Label-set edits the operators need; label sets stay sorted by name. */
final class LabelSets {
  private LabelSets() {}

  static Labels dropName(Labels l) {
    if (l.get(Labels.METRIC_NAME).isEmpty()) {
      return l;
    }
    return without(l, List.of(), true);
  }

  /** Only the labels named in {@code names}. */
  static Labels keep(Labels l, Collection<String> names) {
    List<String> nv = new ArrayList<>();
    for (int i = 0; i < l.size(); i++) {
      if (names.contains(l.name(i))) {
        nv.add(l.name(i));
        nv.add(l.value(i));
      }
    }
    return Labels.ofSorted(nv.toArray(new String[0]));
  }

  /** Without the labels named in {@code names} (and without the metric name if asked). */
  static Labels without(Labels l, Collection<String> names, boolean dropName) {
    List<String> nv = new ArrayList<>();
    for (int i = 0; i < l.size(); i++) {
      String n = l.name(i);
      if (names.contains(n) || (dropName && n.equals(Labels.METRIC_NAME))) {
        continue;
      }
      nv.add(n);
      nv.add(l.value(i));
    }
    return Labels.ofSorted(nv.toArray(new String[0]));
  }

  /** {@code l} with {@code name} set to {@code value}; an empty value removes the label. */
  static Labels with(Labels l, String name, String value) {
    List<String> nv = new ArrayList<>();
    boolean done = value.isEmpty();
    for (int i = 0; i < l.size(); i++) {
      String n = l.name(i);
      int c = n.compareTo(name);
      if (c == 0) {
        continue;
      }
      if (c > 0 && !done) {
        nv.add(name);
        nv.add(value);
        done = true;
      }
      nv.add(n);
      nv.add(l.value(i));
    }
    if (!done) {
      nv.add(name);
      nv.add(value);
    }
    return Labels.ofSorted(nv.toArray(new String[0]));
  }

  /**
   * The labels vector matching compares: those in {@code names} ({@code on}), or all but those and
   * the metric name ({@code ignoring}).
   */
  static Labels matching(Labels l, boolean on, Collection<String> names) {
    return on ? keep(l, names) : without(l, names, true);
  }
}
