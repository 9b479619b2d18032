package io.rwgateway.query;

import io.rwgateway.model.Labels;
import java.util.Set;

/** Removing the labels that tell HA replicas apart. */
final class ReplicaLabels {
  private ReplicaLabels() {}

  /**
   * {@code labels} without the names in {@code replicaLabels}; the same object when none is there.
   */
  static Labels strip(Labels labels, Set<String> replicaLabels) {
    int kept = 0;
    for (int i = 0; i < labels.size(); i++) {
      if (!replicaLabels.contains(labels.name(i))) {
        kept++;
      }
    }
    if (kept == labels.size()) {
      return labels;
    }
    String[] nv = new String[2 * kept];
    int j = 0;
    for (int i = 0; i < labels.size(); i++) {
      if (!replicaLabels.contains(labels.name(i))) {
        nv[j++] = labels.name(i);
        nv[j++] = labels.value(i);
      }
    }
    return Labels.ofSorted(nv);
  }
}
