package io.rwgateway.query;

import io.rwgateway.model.Labels;
import io.rwgateway.proto.thanos.infopb.InfoResponse;
import io.rwgateway.proto.thanos.labelpb.Label;
import io.rwgateway.proto.thanos.labelpb.ZLabelSet;
import java.util.ArrayList;
import java.util.List;

/**
 * What an endpoint said about itself in its last successful {@code thanos.info.Info} call.
 *
 * @param componentType Thanos' component name ("receive", "sidecar", "store", ...)
 * @param labelSets its external label sets (one per TSDB or tenant it serves); may be empty
 * @param minTime oldest data it serves (ms); {@link Long#MIN_VALUE} without store info
 * @param maxTime newest data it serves (ms); {@link Long#MAX_VALUE} without store info
 * @param supportsWithoutReplicaLabels whether it removes replica labels itself when asked ({@code
 *     without_replica_labels}) and sorts without them
 */
public record EndpointInfo(
    String componentType,
    List<Labels> labelSets,
    long minTime,
    long maxTime,
    boolean supportsWithoutReplicaLabels) {
  public EndpointInfo {
    labelSets = List.copyOf(labelSets);
  }

  /** Whether the endpoint serves the StoreAPI's time range [mint, maxt] (inclusive) at all. */
  public boolean overlaps(long mint, long maxt) {
    return minTime <= maxt && mint <= maxTime;
  }

  static EndpointInfo from(InfoResponse r) {
    List<Labels> sets = new ArrayList<>(r.getLabelSetsCount());
    for (ZLabelSet set : r.getLabelSetsList()) {
      sets.add(labels(set.getLabelsList()));
    }
    // NOTE: an endpoint without store info does not serve Series; an empty range keeps it out of
    // every query, as Thanos does for components that only serve rules or targets.
    long min = r.hasStore() ? r.getStore().getMinTime() : Long.MAX_VALUE;
    long max = r.hasStore() ? r.getStore().getMaxTime() : Long.MIN_VALUE;
    boolean without = r.hasStore() && r.getStore().getSupportsWithoutReplicaLabels();
    return new EndpointInfo(r.getComponentType(), sets, min, max, without);
  }

  static Labels labels(List<Label> labels) {
    String[] nv = new String[labels.size() * 2];
    for (int i = 0; i < labels.size(); i++) {
      nv[2 * i] = labels.get(i).getName();
      nv[2 * i + 1] = labels.get(i).getValue();
    }
    return Labels.of(nv);
  }
}
