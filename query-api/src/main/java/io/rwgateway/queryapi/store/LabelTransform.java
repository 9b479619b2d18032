package io.rwgateway.queryapi.store;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Turns a stored label set into the one served for one tenant and request: stored labels whose name
 * is a tenant or external label (overridden) or a {@code without_replica_labels} entry (removed)
 * are dropped, then the tenant's labels not removed by the request are added (Thanos' {@code
 * ExtendSortedLabels(rmLabels(series, replicaLabels), rmLabels(extLset, replicaLabels))}). The
 * result is sorted in UTF-8 byte order with unique names.
 */
final class LabelTransform {
  private final String[] addNames;
  private final String[] addValues;
  private final Set<String> dropNames;

  /**
   * @param tenant the tenant's labels
   * @param removed the request's {@code without_replica_labels}
   */
  LabelTransform(TenantLabelSet tenant, Set<String> removed) {
    int n = 0;
    for (int i = 0; i < tenant.size(); i++) {
      n += removed.contains(tenant.name(i)) ? 0 : 1;
    }
    addNames = new String[n];
    addValues = new String[n];
    HashSet<String> drop = new HashSet<>(removed);
    int j = 0;
    for (int i = 0; i < tenant.size(); i++) {
      drop.add(tenant.name(i));
      if (!removed.contains(tenant.name(i))) {
        addNames[j] = tenant.name(i);
        addValues[j++] = tenant.value(i);
      }
    }
    dropNames = Set.copyOf(drop);
  }

  /** Whether a stored label called {@code name} would be dropped or overridden. */
  boolean dropsName(String name) {
    return dropNames.contains(name);
  }

  /**
   * True when {@code stored} has a label this transformation drops or overrides: then series can
   * change places in ways {@link OrderedTenantSource} does not repair, or become equal.
   */
  boolean drops(Labels stored) {
    for (int i = 0; i < stored.size(); i++) {
      if (dropNames.contains(stored.name(i))) {
        return true;
      }
    }
    return false;
  }

  /** The labels served for a series stored with {@code stored}. */
  Labels apply(Labels stored) {
    int n = stored.size();
    String[] nv = new String[(n + addNames.length) * 2];
    int out = 0;
    int a = 0;
    for (int i = 0; i < n; i++) {
      String name = stored.name(i);
      if (dropNames.contains(name)) {
        continue;
      }
      while (a < addNames.length && LabelOrder.compareUtf8(addNames[a], name) < 0) {
        nv[out++] = addNames[a];
        nv[out++] = addValues[a++];
      }
      nv[out++] = name;
      nv[out++] = stored.value(i);
    }
    while (a < addNames.length) {
      nv[out++] = addNames[a];
      nv[out++] = addValues[a++];
    }
    if (out != nv.length) {
      nv = Arrays.copyOf(nv, out);
    }
    if (!sorted(nv)) {
      sortPairs(nv);
    }
    return Labels.ofSorted(nv);
  }

  /** True when the names are in strictly ascending UTF-8 order. */
  private static boolean sorted(String[] nv) {
    for (int i = 2; i < nv.length; i += 2) {
      if (LabelOrder.compareUtf8(nv[i - 2], nv[i]) >= 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Sorts name/value pairs by name: for a stored set in another order than UTF-8 bytes, which the
   * tsdb should not produce.
   */
  private static void sortPairs(String[] nv) {
    Integer[] idx = new Integer[nv.length / 2];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    String[] copy = nv.clone();
    Arrays.sort(idx, (x, y) -> LabelOrder.compareUtf8(copy[2 * x], copy[2 * y]));
    for (int i = 0; i < idx.length; i++) {
      nv[2 * i] = copy[2 * idx[i]];
      nv[2 * i + 1] = copy[2 * idx[i] + 1];
    }
    if (!sorted(nv)) {
      throw new IllegalStateException("a stored label set has a duplicate label name: " + nv[0]);
    }
  }
}
