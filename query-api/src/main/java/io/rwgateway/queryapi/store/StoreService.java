package io.rwgateway.queryapi.store;

import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Matcher;
import io.rwgateway.proto.thanos.storepb.LabelNamesRequest;
import io.rwgateway.proto.thanos.storepb.LabelNamesResponse;
import io.rwgateway.proto.thanos.storepb.LabelValuesRequest;
import io.rwgateway.proto.thanos.storepb.LabelValuesResponse;
import io.rwgateway.proto.thanos.storepb.PartialResponseStrategy;
import io.rwgateway.proto.thanos.storepb.SeriesRequest;
import io.rwgateway.proto.thanos.storepb.SeriesResponse;
import io.rwgateway.proto.thanos.storepb.StoreGrpc;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkQueryable;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.DataUnavailableException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code thanos.Store}: Series, LabelNames and LabelValues over every tenant's data, each tenant's
 * series carrying the external labels and the tenant label, as Thanos Receive serves its tenants'
 * TSDBs through one proxy. See docs/storeapi-server.md.
 */
final class StoreService extends StoreGrpc.StoreImplBase {
  private static final Logger log = LoggerFactory.getLogger(StoreService.class);

  private final ChunkQueryable data;
  private final BooleanSupplier ready;
  // NOTE: read once per call: a sidecar's external labels follow Prometheus' configuration.
  private final Supplier<StoreApiOptions> options;
  private final StoreMetrics metrics;

  StoreService(
      ChunkQueryable data,
      BooleanSupplier ready,
      Supplier<StoreApiOptions> options,
      StoreMetrics metrics) {
    this.data = data;
    this.ready = ready;
    this.options = options;
    this.metrics = metrics;
  }

  /** The names every tenant's label set has: the external labels' and the tenant label's. */
  private static Set<String> tenantLabelNames(StoreApiOptions o) {
    Set<String> names = new HashSet<>(o.externalLabels().keySet());
    if (!o.tenantLabel().isEmpty()) {
      names.add(o.tenantLabel());
    }
    return names;
  }

  /**
   * The service as registered: the generated definition with {@code Series} answered by {@link
   * #seriesFrames} through {@link SeriesFrame#MARSHALLER}. The method's name, type and request
   * marshaller are Thanos' (from the generated descriptor); only how the server writes the response
   * bytes differs, not the bytes.
   */
  ServerServiceDefinition definition() {
    ServerServiceDefinition generated = bindService();
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(StoreGrpc.SERVICE_NAME);
    for (ServerMethodDefinition<?, ?> m : generated.getMethods()) {
      if (!m.getMethodDescriptor().getFullMethodName().equals(SERIES.getFullMethodName())) {
        b.addMethod(m);
      }
    }
    MethodDescriptor<SeriesRequest, SeriesFrame> series =
        SERIES.toBuilder(SERIES.getRequestMarshaller(), SeriesFrame.MARSHALLER).build();
    b.addMethod(series, ServerCalls.asyncServerStreamingCall(this::seriesFrames));
    return b.build();
  }

  private static final MethodDescriptor<SeriesRequest, SeriesResponse> SERIES =
      StoreGrpc.getSeriesMethod();

  /** {@code Series}: streams the frames while the client reads them (see {@link SeriesCall}). */
  void seriesFrames(SeriesRequest req, StreamObserver<SeriesFrame> responseObserver) {
    long start = System.nanoTime();
    ServerCallStreamObserver<SeriesFrame> observer =
        (ServerCallStreamObserver<SeriesFrame>) responseObserver;
    List<ChunkQuerier> opened = new ArrayList<>();
    try {
      checkReady();
      StoreApiOptions o = options.get();
      RequestScope scope =
          new RequestScope(
              req.getMatchersList(), req.getWithoutReplicaLabelsList(), tenantLabelNames(o));
      if (!scope.hadMatchers()) {
        throw noMatchers();
      }
      List<TenantLabelSet> admitted = admitted(o, scope);
      if (scope.remaining().length == 0 && !admitted.isEmpty()) {
        throw noMatchers();
      }
      List<SeriesSource> sources = new ArrayList<>();
      for (TenantLabelSet t : admitted) {
        if (!overlaps(t.tenant(), req.getMinTime(), req.getMaxTime())) {
          continue;
        }
        // A source that removes the labels itself (a proxy: its stores do) returns its series
        // sorted without them; unless the tenant's own labels are among them.
        boolean removedBySource =
            data.removesLabels() && !scope.removed().isEmpty() && !hasAnyName(t, scope.removed());
        ChunkQuerier q =
            removedBySource
                ? open(t.tenant(), req.getMinTime(), req.getMaxTime(), req, scope.removed())
                : open(t.tenant(), req.getMinTime(), req.getMaxTime(), partialResponse(req));
        opened.add(q);
        LabelTransform transform = new LabelTransform(t, scope.removed());
        // Stored series that carry a label the request drops or overrides can change places
        // arbitrarily or become equal: only then is the tenant read whole and sorted. The
        // tenant's label names (from its indexes) rule that out at once in the usual case;
        // otherwise a first pass over the same selection reads labels only (no chunk bytes) and
        // stops at the first such series.
        boolean reorders =
            !removedBySource
                && mayDrop(q, transform)
                && anyDropped(q.selectSeries(scope.remaining()), transform);
        TenantReader reader =
            new TenantReader(
                req.getSkipChunks()
                    ? q.selectSeries(scope.remaining())
                    : q.select(scope.remaining()),
                transform,
                req.getSkipChunks(),
                reorders,
                observer::isCancelled);
        sources.add(reorders ? new BufferedTenantSource(reader) : new OrderedTenantSource(reader));
      }
      new SeriesCall(observer, opened, new MergedSource(sources), req.getLimit(), o, metrics, start)
          .start();
    } catch (RuntimeException e) {
      closeAll(opened);
      fail(StoreMetrics.Method.SERIES, e, responseObserver, start);
    }
  }

  @Override
  public void labelNames(LabelNamesRequest req, StreamObserver<LabelNamesResponse> observer) {
    long start = System.nanoTime();
    try {
      checkReady();
      StoreApiOptions o = options.get();
      RequestScope scope =
          new RequestScope(
              req.getMatchersList(), req.getWithoutReplicaLabelsList(), tenantLabelNames(o));
      TreeSet<String> names = new TreeSet<>(LabelOrder.UTF8);
      List<String> warnings = new ArrayList<>();
      for (TenantLabelSet t : admitted(o, scope)) {
        if (!overlaps(t.tenant(), req.getStart(), req.getEnd())) {
          continue;
        }
        List<String> stored;
        try (ChunkQuerier q =
            open(t.tenant(), req.getStart(), req.getEnd(), partialResponse(req))) {
          stored = q.labelNames(scope.remaining());
          warnings.addAll(q.warnings());
        }
        // As Thanos' TSDBStore: a tenant without matching series adds no names, not even its
        // external ones.
        if (!stored.isEmpty()) {
          names.addAll(stored);
          for (int i = 0; i < t.size(); i++) {
            names.add(t.name(i));
          }
        }
      }
      names.removeAll(scope.removed());
      names.remove("");
      LabelNamesResponse resp =
          LabelNamesResponse.newBuilder()
              .addAllNames(limited(names, req.getLimit()))
              .addAllWarnings(warnings)
              .build();
      metrics.done(StoreMetrics.Method.LABEL_NAMES, Status.Code.OK, start);
      observer.onNext(resp);
      observer.onCompleted();
    } catch (RuntimeException e) {
      fail(StoreMetrics.Method.LABEL_NAMES, e, observer, start);
    }
  }

  @Override
  public void labelValues(LabelValuesRequest req, StreamObserver<LabelValuesResponse> observer) {
    long start = System.nanoTime();
    try {
      checkReady();
      String name = req.getLabel();
      if (name.isEmpty()) {
        throw Status.INVALID_ARGUMENT
            .withDescription("label name parameter cannot be empty")
            .asRuntimeException();
      }
      TreeSet<String> values = new TreeSet<>(LabelOrder.UTF8);
      List<String> warnings = new ArrayList<>();
      // A removed replica label has no values (Thanos answers empty before parsing matchers).
      if (!req.getWithoutReplicaLabelsList().contains(name)) {
        StoreApiOptions o = options.get();
        RequestScope scope =
            new RequestScope(
                req.getMatchersList(), req.getWithoutReplicaLabelsList(), tenantLabelNames(o));
        Matcher[] remaining = scope.remaining();
        for (TenantLabelSet t : admitted(o, scope)) {
          if (!overlaps(t.tenant(), req.getStart(), req.getEnd())) {
            continue;
          }
          String fixed = t.get(name);
          if (fixed != null && remaining.length == 0) {
            values.add(fixed);
            continue;
          }
          try (ChunkQuerier q =
              open(t.tenant(), req.getStart(), req.getEnd(), partialResponse(req))) {
            if (fixed != null) {
              // The tenant or external label's value, if any series matches.
              if (q.selectSeries(remaining).next()) {
                values.add(fixed);
              }
            } else {
              values.addAll(q.labelValues(name, remaining));
            }
            warnings.addAll(q.warnings());
          }
        }
      }
      values.remove("");
      LabelValuesResponse resp =
          LabelValuesResponse.newBuilder()
              .addAllValues(limited(values, req.getLimit()))
              .addAllWarnings(warnings)
              .build();
      metrics.done(StoreMetrics.Method.LABEL_VALUES, Status.Code.OK, start);
      observer.onNext(resp);
      observer.onCompleted();
    } catch (RuntimeException e) {
      fail(StoreMetrics.Method.LABEL_VALUES, e, observer, start);
    }
  }

  private void checkReady() {
    if (!ready.getAsBoolean()) {
      throw Status.UNAVAILABLE
          .withDescription("store not ready: data is not readable yet")
          .asRuntimeException();
    }
  }

  /** The tenants whose label set the request's matchers on those labels accept, in tenant order. */
  private List<TenantLabelSet> admitted(StoreApiOptions o, RequestScope scope) {
    List<TenantLabelSet> out = new ArrayList<>();
    for (String tenant : data.tenants()) {
      TenantLabelSet t = TenantLabelSet.of(tenant, o.tenantLabel(), o.externalLabels());
      if (scope.admits(t)) {
        out.add(t);
      }
    }
    return out;
  }

  /**
   * False when the tenant holds nothing at or before {@code maxt} (its time range, [oldest sample,
   * +inf), as Info announces it, misses [mint, maxt]): Thanos' proxy skips such a store without
   * asking it. No arithmetic on the bounds, so any long is fine.
   */
  private boolean overlaps(String tenant, long mint, long maxt) {
    return mint <= maxt && data.minTime(tenant) <= maxt;
  }

  /** Thanos' rule: the deprecated flag or the ABORT strategy turn partial answers off. */
  private static boolean partialResponse(SeriesRequest r) {
    return !r.getPartialResponseDisabled()
        && r.getPartialResponseStrategy() != PartialResponseStrategy.ABORT;
  }

  private static boolean partialResponse(LabelNamesRequest r) {
    return !r.getPartialResponseDisabled()
        && r.getPartialResponseStrategy() != PartialResponseStrategy.ABORT;
  }

  private static boolean partialResponse(LabelValuesRequest r) {
    return !r.getPartialResponseDisabled()
        && r.getPartialResponseStrategy() != PartialResponseStrategy.ABORT;
  }

  private static boolean hasAnyName(TenantLabelSet t, Set<String> names) {
    for (int i = 0; i < t.size(); i++) {
      if (names.contains(t.name(i))) {
        return true;
      }
    }
    return false;
  }

  private ChunkQuerier open(
      String tenant, long mint, long maxt, SeriesRequest req, Set<String> remove) {
    try {
      return data.chunkQuerier(tenant, mint, maxt, partialResponse(req), remove);
    } catch (IllegalStateException e) {
      throw Status.UNAVAILABLE
          .withDescription("tenant " + tenant + " not readable yet: " + e.getMessage())
          .withCause(e)
          .asRuntimeException();
    }
  }

  private ChunkQuerier open(String tenant, long mint, long maxt, boolean partialResponse) {
    try {
      return data.chunkQuerier(tenant, mint, maxt, partialResponse);
    } catch (IllegalStateException e) {
      throw Status.UNAVAILABLE
          .withDescription("tenant " + tenant + " not readable yet: " + e.getMessage())
          .withCause(e)
          .asRuntimeException();
    }
  }

  private static StatusRuntimeException noMatchers() {
    // Thanos' TSDBStore.Series, word for word.
    return Status.INVALID_ARGUMENT
        .withDescription("no matchers specified (excluding external labels)")
        .asRuntimeException();
  }

  /** Whether any stored label name of the tenant (in the range) is one the transform drops. */
  private static boolean mayDrop(ChunkQuerier q, LabelTransform transform) {
    for (String name : q.labelNames()) {
      if (transform.dropsName(name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean anyDropped(ChunkSeriesSet set, LabelTransform transform) {
    while (set.next()) {
      if (transform.drops(set.labels())) {
        return true;
      }
    }
    return false;
  }

  /** The first {@code limit} of the sorted strings (all when limit <= 0), as Thanos truncates. */
  private static List<String> limited(TreeSet<String> sorted, long limit) {
    List<String> out = new ArrayList<>(sorted);
    return limit > 0 && out.size() > limit ? out.subList(0, (int) limit) : out;
  }

  private <T> void fail(
      StoreMetrics.Method method, RuntimeException e, StreamObserver<T> observer, long start) {
    Status s = toStatus(e);
    metrics.done(method, s.getCode(), start);
    observer.onError(s.asRuntimeException());
  }

  /** The status an exception is answered with: its own, or INTERNAL with its message. */
  static Status toStatus(RuntimeException e) {
    if (e instanceof StatusRuntimeException) {
      return ((StatusRuntimeException) e).getStatus();
    }
    if (e instanceof DataUnavailableException) {
      // A source that cannot be read now (a sidecar's Prometheus down): Thanos Query retries.
      return Status.UNAVAILABLE.withDescription(e.getMessage()).withCause(e);
    }
    log.warn("StoreAPI call failed", e);
    return Status.INTERNAL.withDescription(String.valueOf(e.getMessage())).withCause(e);
  }

  /** Closes every querier, each even when another's close throws; logs failures. */
  static void closeAll(List<ChunkQuerier> queriers) {
    for (ChunkQuerier q : queriers) {
      try {
        q.close();
      } catch (RuntimeException e) {
        log.warn("closing a chunk querier failed", e);
      }
    }
    queriers.clear();
  }
}
