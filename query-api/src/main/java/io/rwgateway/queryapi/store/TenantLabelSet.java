package io.rwgateway.queryapi.store;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.proto.thanos.labelpb.Label;
import io.rwgateway.proto.thanos.labelpb.ZLabelSet;
import java.util.Map;
import java.util.TreeMap;

/**
 * The labels a tenant's series get on the way out: the external labels plus the tenant label, if
 * there is one (the tenant label wins over an external label of the same name, as in Thanos
 * Receive's {@code ExtendSortedLabels(extLabels, {tenant label})}), sorted in UTF-8 byte order.
 * Every tenant's set has the same names; only the tenant label's value differs.
 */
final class TenantLabelSet {
  private final String tenant;
  private final String[] names;
  private final String[] values;

  private TenantLabelSet(String tenant, String[] names, String[] values) {
    this.tenant = tenant;
    this.names = names;
    this.values = values;
  }

  static TenantLabelSet of(String tenant, String tenantLabel, Map<String, String> external) {
    TreeMap<String, String> m = new TreeMap<>(LabelOrder.UTF8);
    m.putAll(external);
    if (!tenantLabel.isEmpty()) {
      m.put(tenantLabel, tenant);
    }
    String[] n = new String[m.size()];
    String[] v = new String[m.size()];
    int i = 0;
    for (Map.Entry<String, String> e : m.entrySet()) {
      n[i] = e.getKey();
      v[i++] = e.getValue();
    }
    return new TenantLabelSet(tenant, n, v);
  }

  String tenant() {
    return tenant;
  }

  int size() {
    return names.length;
  }

  String name(int i) {
    return names[i];
  }

  String value(int i) {
    return values[i];
  }

  /** The value of {@code name}, or null when the set has no such label. */
  String get(String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return values[i];
      }
    }
    return null;
  }

  Labels labels() {
    String[] nv = new String[names.length * 2];
    for (int i = 0; i < names.length; i++) {
      nv[2 * i] = names[i];
      nv[2 * i + 1] = values[i];
    }
    return Labels.ofSorted(nv);
  }

  ZLabelSet toProto() {
    ZLabelSet.Builder b = ZLabelSet.newBuilder();
    for (int i = 0; i < names.length; i++) {
      b.addLabels(Label.newBuilder().setName(names[i]).setValue(values[i]));
    }
    return b.build();
  }
}
