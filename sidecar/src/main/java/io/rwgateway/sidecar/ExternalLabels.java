package io.rwgateway.sidecar;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.proto.prompb.Label;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prometheus' external labels as the sidecar serves them: on every series, winning over a stored
 * label of the same name (Thanos' sidecar does the same; Prometheus' own remote read lets the
 * stored label win).
 *
 * <p>Matchers on an external label are decided here, against its one value, and not sent to
 * Prometheus: its remote read only rewrites {@code name="value"} matchers on external labels, so
 * {@code replica=~"a|b"} or {@code replica!="b"} sent on would be tested against stored labels that
 * do not have the label and select nothing.
 */
final class ExternalLabels {
  private final Labels labels;
  private final boolean bare;

  ExternalLabels(Labels labels) {
    this(labels, false);
  }

  /**
   * @param bare serve series without the external labels ({@link #serve}): for a reader that
   *     attaches them itself, as the StoreAPI does
   */
  ExternalLabels(Labels labels, boolean bare) {
    this.labels = labels;
    this.bare = bare;
  }

  boolean bare() {
    return bare;
  }

  /** The labels a series is served with: {@link #attach}ed, or {@link #strip}ped when bare. */
  Labels serve(List<Label> stored) {
    return bare ? strip(stored) : attach(stored);
  }

  /**
   * Prometheus' answer for a series without the external labels its remote read attached: a pair
   * equal to an external label goes; a stored label of an external name with another value (which
   * Prometheus lets win) stays. Prometheus sorts its answer by the stored labels before it attaches
   * the external ones, so these labels come in the stream's order.
   */
  Labels strip(List<Label> stored) {
    String[] nv = new String[2 * stored.size()];
    int n = 0;
    for (Label l : stored) {
      String v = value(l.getName());
      if (v != null && v.equals(l.getValue())) {
        continue;
      }
      nv[n++] = l.getName();
      nv[n++] = l.getValue();
    }
    return Labels.ofSorted(n < nv.length ? Arrays.copyOf(nv, n) : nv);
  }

  Labels labels() {
    return labels;
  }

  boolean isEmpty() {
    return labels.size() == 0;
  }

  /** The value of external label {@code name}, or null when there is no such label. */
  String value(String name) {
    for (int i = 0; i < labels.size(); i++) {
      if (labels.name(i).equals(name)) {
        return labels.value(i);
      }
    }
    return null;
  }

  /**
   * The matchers left for Prometheus once those on external labels are decided, or null when one of
   * those rejects its label's value (then nothing can match).
   */
  List<Matcher> remaining(Matcher... matchers) {
    List<Matcher> out = new ArrayList<>(matchers.length);
    for (Matcher m : matchers) {
      String v = value(m.name());
      if (v == null) {
        out.add(m);
      } else if (!m.matches(v)) {
        return null;
      }
    }
    return out;
  }

  /**
   * The labels a series is served with: Prometheus' answer for it ({@code stored}, sorted by name,
   * carrying the external labels where the stored series has no label of their name) with every
   * external label set to its external value.
   */
  Labels attach(List<Label> stored) {
    String[] nv = new String[2 * (stored.size() + labels.size())];
    int n = 0;
    int j = 0;
    for (Label l : stored) {
      String name = l.getName();
      while (j < labels.size() && LabelOrder.compareUtf8(labels.name(j), name) < 0) {
        nv[n++] = labels.name(j);
        nv[n++] = labels.value(j);
        j++;
      }
      if (j < labels.size() && labels.name(j).equals(name)) {
        nv[n++] = name;
        nv[n++] = labels.value(j);
        j++;
      } else {
        nv[n++] = name;
        nv[n++] = l.getValue();
      }
    }
    while (j < labels.size()) {
      nv[n++] = labels.name(j);
      nv[n++] = labels.value(j);
      j++;
    }
    if (n < nv.length) {
      nv = Arrays.copyOf(nv, n);
    }
    for (int i = 2; i < n; i += 2) {
      if (LabelOrder.compareUtf8(nv[i - 2], nv[i]) >= 0) {
        return sorted(stored);
      }
    }
    return Labels.ofSorted(nv);
  }

  /** For an answer whose labels were not sorted (Prometheus sorts them): sorted here. */
  private Labels sorted(List<Label> stored) {
    TreeMap<String, String> m = new TreeMap<>(LabelOrder.UTF8);
    for (Label l : stored) {
      m.put(l.getName(), l.getValue());
    }
    labels.forEach(m::put);
    String[] out = new String[2 * m.size()];
    int k = 0;
    for (Map.Entry<String, String> e : m.entrySet()) {
      out[k++] = e.getKey();
      out[k++] = e.getValue();
    }
    return Labels.ofSorted(out);
  }
}
