package io.rwgateway.queryapi.store;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.rwgateway.proto.thanos.infopb.InfoGrpc;
import io.rwgateway.proto.thanos.infopb.InfoRequest;
import io.rwgateway.proto.thanos.infopb.InfoResponse;
import io.rwgateway.proto.thanos.infopb.StoreInfo;
import io.rwgateway.proto.thanos.infopb.TSDBInfo;
import io.rwgateway.proto.thanos.labelpb.Label;
import io.rwgateway.proto.thanos.labelpb.ZLabelSet;
import io.rwgateway.tsdb.ChunkQueryable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code thanos.info.Info}: what Thanos Query asks first. Answered as Thanos Receive answers it: a
 * label set and a TSDB info per tenant, the store's time range from the oldest sample to +inf.
 */
final class InfoService extends InfoGrpc.InfoImplBase {
  private final ChunkQueryable data;
  private final BooleanSupplier ready;
  private final Supplier<StoreApiOptions> options;
  private final StoreMetrics metrics;

  InfoService(
      ChunkQueryable data,
      BooleanSupplier ready,
      Supplier<StoreApiOptions> options,
      StoreMetrics metrics) {
    this.data = data;
    this.ready = ready;
    this.options = options;
    this.metrics = metrics;
  }

  @Override
  public void info(InfoRequest request, StreamObserver<InfoResponse> observer) {
    long start = System.nanoTime();
    if (!ready.getAsBoolean()) {
      // Thanos Receive fails Info ("Not ready") until its TSDBs are open; Query then leaves the
      // endpoint out and asks again later.
      metrics.done(StoreMetrics.Method.INFO, Status.Code.UNAVAILABLE, start);
      observer.onError(
          Status.UNAVAILABLE
              .withDescription("not ready: data is not readable yet")
              .asRuntimeException());
      return;
    }
    InfoResponse resp;
    try {
      resp = build();
    } catch (RuntimeException e) {
      Status s = StoreService.toStatus(e);
      metrics.done(StoreMetrics.Method.INFO, s.getCode(), start);
      observer.onError(s.asRuntimeException());
      return;
    }
    metrics.done(StoreMetrics.Method.INFO, Status.Code.OK, start);
    observer.onNext(resp);
    observer.onCompleted();
  }

  private InfoResponse build() {
    StoreApiOptions o = options.get();
    if (o.advertised() != null) {
      return advertised(o);
    }
    List<String> tenants = data.tenants();
    InfoResponse.Builder b = InfoResponse.newBuilder().setComponentType(o.componentType());
    StoreInfo.Builder store =
        StoreInfo.newBuilder()
            .setMaxTime(Long.MAX_VALUE)
            .setSupportsSharding(false)
            .setSupportsWithoutReplicaLabels(true);
    // Thanos' ProxyStore.TimeRange: no stores at all = [MinInt64, MaxInt64]; otherwise the
    // smallest store min time, and a TSDB without samples reports MaxInt64 (Prometheus' empty
    // head).
    long min = tenants.isEmpty() ? Long.MIN_VALUE : Long.MAX_VALUE;
    for (String tenant : tenants) {
      TenantLabelSet t = TenantLabelSet.of(tenant, o.tenantLabel(), o.externalLabels());
      long tenantMin = data.minTime(tenant);
      min = Math.min(min, tenantMin);
      b.addLabelSets(t.toProto());
      store.addTsdbInfos(
          TSDBInfo.newBuilder()
              .setLabels(t.toProto())
              .setMinTime(tenantMin)
              .setMaxTime(Long.MAX_VALUE));
    }
    store.setMinTime(min);
    return b.setStore(store).build();
  }

  /** A store over other stores (a query node): their label sets and time range, as given. */
  private static InfoResponse advertised(StoreApiOptions o) {
    StoreApiOptions.Advertised a = o.advertised().get();
    InfoResponse.Builder b = InfoResponse.newBuilder().setComponentType(o.componentType());
    for (Map<String, String> set : a.labelSets()) {
      ZLabelSet.Builder z = ZLabelSet.newBuilder();
      new TreeMap<>(set).forEach((n, v) -> z.addLabels(Label.newBuilder().setName(n).setValue(v)));
      b.addLabelSets(z);
    }
    return b.setStore(
            StoreInfo.newBuilder()
                .setMinTime(a.minTime())
                .setMaxTime(a.maxTime())
                .setSupportsSharding(false)
                // The proxy passes without_replica_labels on to its stores (ProxyChunkQueryable).
                .setSupportsWithoutReplicaLabels(true))
        .build();
  }
}
