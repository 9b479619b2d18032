package io.rwgateway.queryapi.store;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Settings of the StoreAPI and Info services.
 *
 * @param componentType what Info announces: {@code receive} (default), {@code sidecar} or {@code
 *     query}
 * @param tenantLabel name of the label that carries the tenant on every series served (Thanos:
 *     {@code --receive.tenant-label-name}, default {@code tenant_id}); it overrides an external
 *     label of the same name. Empty: no tenant label (a sidecar serves one Prometheus, whose
 *     external labels alone name it)
 * @param externalLabels labels added to every series served (Thanos: {@code --label}); they
 *     override stored labels of the same name. Names and values must not be empty.
 * @param maxSeriesPerRequest most series one Series call may send, 0 = no limit (Thanos: {@code
 *     --store.limits.request-series}); exceeding it fails the call with RESOURCE_EXHAUSTED
 * @param maxSamplesPerRequest most samples one Series call may send, counted from the chunk
 *     headers, 0 = no limit (Thanos: {@code --store.limits.request-samples}, which estimates 120
 *     per chunk); exceeding it fails the call with RESOURCE_EXHAUSTED
 * @param maxFrameBytes about how many bytes one SeriesResponse frame may hold before a series is
 *     continued in the next frame (Thanos: 1 MiB); a single larger chunk still goes in one frame
 * @param advertised null: Info announces a label set per tenant (tenant and external labels) and
 *     the data's time range; else Info announces what it gives at each call (a query node: the
 *     union of its endpoints' label sets and time ranges)
 */
public record StoreApiOptions(
    String componentType,
    String tenantLabel,
    Map<String, String> externalLabels,
    long maxSeriesPerRequest,
    long maxSamplesPerRequest,
    int maxFrameBytes,
    Supplier<Advertised> advertised) {
  /** Thanos' {@code component.Receive}, {@code Sidecar} and {@code Query}, as Info names them. */
  public static final String RECEIVE = "receive";

  public static final String SIDECAR = "sidecar";

  public static final String QUERY = "query";

  /**
   * What Info announces for a store that serves other stores' data.
   *
   * @param labelSets the external label sets of the data (each a sorted name to value map)
   * @param minTime oldest data (ms)
   * @param maxTime newest data (ms)
   */
  public record Advertised(List<Map<String, String>> labelSets, long minTime, long maxTime) {
    public Advertised {
      labelSets = List.copyOf(labelSets);
    }
  }

  /** Thanos' frame size (RemoteReadFrameLimit in pkg/store/tsdb.go). */
  public static final int DEFAULT_FRAME_BYTES = 1 << 20;

  public StoreApiOptions {
    if (!componentType.equals(RECEIVE)
        && !componentType.equals(SIDECAR)
        && !componentType.equals(QUERY)) {
      throw new IllegalArgumentException("unknown component type: " + componentType);
    }
    if (tenantLabel == null) {
      throw new IllegalArgumentException("the tenant label name must not be null (empty: none)");
    }
    externalLabels = Map.copyOf(new TreeMap<>(externalLabels));
    for (Map.Entry<String, String> e : externalLabels.entrySet()) {
      if (e.getKey().isEmpty() || e.getValue().isEmpty()) {
        throw new IllegalArgumentException(
            "external labels need a name and a value: '" + e.getKey() + "'='" + e.getValue() + "'");
      }
    }
    if (maxSeriesPerRequest < 0 || maxSamplesPerRequest < 0 || maxFrameBytes < 1024) {
      throw new IllegalArgumentException(
          "invalid StoreAPI limits: maxSeriesPerRequest="
              + maxSeriesPerRequest
              + " maxSamplesPerRequest="
              + maxSamplesPerRequest
              + " maxFrameBytes="
              + maxFrameBytes
              + " (limits >= 0, frames >= 1024 bytes)");
    }
  }

  /** Tenant label {@code tenant_id}, no external labels, no limits, 1 MiB frames. */
  public static StoreApiOptions defaults() {
    return new StoreApiOptions(RECEIVE, "tenant_id", Map.of(), 0, 0, DEFAULT_FRAME_BYTES, null);
  }

  public StoreApiOptions withTenantLabel(String name) {
    return new StoreApiOptions(
        componentType,
        name,
        externalLabels,
        maxSeriesPerRequest,
        maxSamplesPerRequest,
        maxFrameBytes,
        advertised);
  }

  public StoreApiOptions withExternalLabels(Map<String, String> labels) {
    return new StoreApiOptions(
        componentType,
        tenantLabel,
        labels,
        maxSeriesPerRequest,
        maxSamplesPerRequest,
        maxFrameBytes,
        advertised);
  }

  /** Series and sample limits per Series call; 0 = none. */
  public StoreApiOptions withLimits(long series, long samples) {
    return new StoreApiOptions(
        componentType, tenantLabel, externalLabels, series, samples, maxFrameBytes, advertised);
  }

  public StoreApiOptions withMaxFrameBytes(int bytes) {
    return new StoreApiOptions(
        componentType,
        tenantLabel,
        externalLabels,
        maxSeriesPerRequest,
        maxSamplesPerRequest,
        bytes,
        advertised);
  }

  /**
   * As a Thanos sidecar announces itself: component {@code sidecar}, no tenant label (the external
   * labels alone name the data).
   */
  public StoreApiOptions asSidecar() {
    return new StoreApiOptions(
        SIDECAR,
        "",
        externalLabels,
        maxSeriesPerRequest,
        maxSamplesPerRequest,
        maxFrameBytes,
        null);
  }

  /**
   * As a Thanos Query node announces itself: component {@code query}, no tenant label and no
   * external labels of its own (the series carry their stores' labels), and Info's label sets and
   * time range from {@code advertised}, asked at every Info call.
   */
  public StoreApiOptions asQuery(Supplier<Advertised> advertised) {
    return new StoreApiOptions(
        QUERY,
        "",
        Map.of(),
        maxSeriesPerRequest,
        maxSamplesPerRequest,
        maxFrameBytes,
        Objects.requireNonNull(advertised, "advertised"));
  }
}
