package io.rwgateway.query;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.Context;
import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.proto.thanos.storepb.LabelNamesRequest;
import io.rwgateway.proto.thanos.storepb.LabelNamesResponse;
import io.rwgateway.proto.thanos.storepb.LabelValuesRequest;
import io.rwgateway.proto.thanos.storepb.LabelValuesResponse;
import io.rwgateway.proto.thanos.storepb.PartialResponseStrategy;
import io.rwgateway.proto.thanos.storepb.SeriesRequest;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.DataUnavailableException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A querier over the endpoints that were active when it was made, for one range. Each select sends
 * Series to the endpoints that may hold matching data in the range, all at once, and merges their
 * streams as they arrive ({@link ProxySeriesSet}). Closing it cancels the calls still running.
 *
 * <p>With partial response, an endpoint that fails or times out is left out (what it already sent
 * stays in the result) and its error is kept as a warning ({@link #warnings}); without, the error
 * fails the call with an {@link IllegalStateException}, which callers treat as retryable.
 */
public final class ProxyChunkQuerier implements ChunkQuerier {
  private static final Logger log = LoggerFactory.getLogger(ProxyChunkQuerier.class);

  private final List<EndpointSet.ActiveEndpoint> endpoints;
  private final long mint;
  private final long maxt;
  private final ProxyRequest request;
  private final DedupMode mode;
  private final Context.CancellableContext context;
  private final List<String> warnings = new ArrayList<>();
  private final ProxySeriesSet.Failures failures =
      new ProxySeriesSet.Failures() {
        @Override
        public void failed(String address, RuntimeException e) {
          ProxyChunkQuerier.this.failed(address, e);
        }

        @Override
        public void warning(String address, String warning) {
          ProxyChunkQuerier.this.warning(address, warning);
        }
      };

  ProxyChunkQuerier(
      List<EndpointSet.ActiveEndpoint> endpoints,
      long mint,
      long maxt,
      ProxyRequest request,
      DedupMode mode) {
    this.endpoints = List.copyOf(endpoints);
    this.mint = mint;
    this.maxt = maxt;
    this.request = request;
    this.mode = mode;
    this.context = Context.current().withCancellation();
  }

  @Override
  public ChunkSeriesSet select(Matcher... matchers) {
    return select(false, matchers);
  }

  @Override
  public ChunkSeriesSet selectSeries(Matcher... matchers) {
    return select(true, matchers);
  }

  private ChunkSeriesSet select(boolean skipChunks, Matcher... matchers) {
    boolean strip = request.removesReplicaLabels();
    // Series equal but for replica labels must be adjacent for the merge: endpoints that can
    // remove the labels sort without them; the others are re-sorted here (ResortedSeries).
    SeriesRequest series =
        SeriesRequest.newBuilder()
            .setMinTime(mint)
            .setMaxTime(maxt)
            .addAllMatchers(StoreMatchers.toProto(matchers))
            .setSkipChunks(skipChunks)
            .setPartialResponseDisabled(!request.partialResponse())
            .setPartialResponseStrategy(strategy())
            .addAllWithoutReplicaLabels(withoutLabels())
            .build();
    List<EndpointSet.ActiveEndpoint> selected = ranked(selected(matchers));
    List<ProxySeriesSet.Cursor> cursors = new ArrayList<>(selected.size());
    // Calls started under this querier's context end when it is closed.
    Context previous = context.attach();
    try {
      for (int i = 0; i < selected.size(); i++) {
        EndpointSet.ActiveEndpoint e = selected.get(i);
        RemoteSeriesSource stream = e.endpoint().series(series);
        if (strip && !e.info().supportsWithoutReplicaLabels()) {
          stream = new ResortedSeries(stream, request.replicaLabels());
        }
        cursors.add(ProxySeriesSet.cursor(e.endpoint().address(), stream, i));
      }
    } finally {
      context.detach(previous);
    }
    return new ProxySeriesSet(cursors, skipChunks, request.deduplicates() ? mode : null, failures);
  }

  @Override
  public List<String> labelNames(Matcher... matchers) {
    LabelNamesRequest call =
        LabelNamesRequest.newBuilder()
            .setStart(mint)
            .setEnd(maxt)
            .addAllMatchers(StoreMatchers.toProto(matchers))
            .setPartialResponseDisabled(!request.partialResponse())
            .setPartialResponseStrategy(strategy())
            .addAllWithoutReplicaLabels(withoutLabels())
            .build();
    List<String> names =
        union(
            matchers,
            e -> e.labelNames(call),
            LabelNamesResponse::getNamesList,
            LabelNamesResponse::getWarningsList);
    if (request.removesReplicaLabels()) {
      // Endpoints that do not support without_replica_labels still send them.
      names.removeAll(request.replicaLabels());
    }
    return names;
  }

  @Override
  public List<String> labelValues(String name, Matcher... matchers) {
    if (request.removesReplicaLabels() && request.replicaLabels().contains(name)) {
      return List.of(); // a deduplicated view has no replica labels
    }
    LabelValuesRequest call =
        LabelValuesRequest.newBuilder()
            .setLabel(name)
            .setStart(mint)
            .setEnd(maxt)
            .addAllMatchers(StoreMatchers.toProto(matchers))
            .setPartialResponseDisabled(!request.partialResponse())
            .setPartialResponseStrategy(strategy())
            .addAllWithoutReplicaLabels(withoutLabels())
            .build();
    return union(
        matchers,
        e -> e.labelValues(call),
        LabelValuesResponse::getValuesList,
        LabelValuesResponse::getWarningsList);
  }

  /** Starts the call on every selected endpoint, then gathers the answers into one sorted set. */
  private <R> List<String> union(
      Matcher[] matchers,
      Function<StoreEndpoint, ListenableFuture<R>> call,
      Function<R, List<String>> values,
      Function<R, List<String>> responseWarnings) {
    List<EndpointSet.ActiveEndpoint> selected = selected(matchers);
    List<ListenableFuture<R>> futures = new ArrayList<>(selected.size());
    for (EndpointSet.ActiveEndpoint e : selected) {
      futures.add(call.apply(e.endpoint()));
    }
    TreeSet<String> out = new TreeSet<>(LabelOrder.UTF8);
    for (int i = 0; i < futures.size(); i++) {
      String address = selected.get(i).endpoint().address();
      try {
        R r = futures.get(i).get();
        for (String v : values.apply(r)) {
          if (!v.isEmpty()) {
            out.add(v);
          }
        }
        for (String w : responseWarnings.apply(r)) {
          warning(address, w);
        }
      } catch (ExecutionException e) {
        failed(
            address,
            e.getCause() instanceof RuntimeException re ? re : new RuntimeException(e.getCause()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        futures.forEach(f -> f.cancel(true));
        throw new IllegalStateException("interrupted while waiting for " + address, e);
      }
    }
    return new ArrayList<>(out);
  }

  /** The endpoints that may hold data the matchers accept in this range (Thanos' pruning). */
  private List<EndpointSet.ActiveEndpoint> selected(Matcher... matchers) {
    List<EndpointSet.ActiveEndpoint> out = new ArrayList<>();
    for (EndpointSet.ActiveEndpoint e : endpoints) {
      if (e.info().overlaps(mint, maxt) && StoreMatchers.mayMatch(e.info().labelSets(), matchers)) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * The endpoints in the order their replicas are merged: by their first external label set, then
   * address (replica {@code a} before {@code b}, as Thanos' merge sorted by the full labels).
   */
  private static List<EndpointSet.ActiveEndpoint> ranked(List<EndpointSet.ActiveEndpoint> in) {
    List<EndpointSet.ActiveEndpoint> out = new ArrayList<>(in);
    out.sort(
        Comparator.<EndpointSet.ActiveEndpoint, Labels>comparing(
                e -> e.info().labelSets().isEmpty() ? Labels.EMPTY : e.info().labelSets().get(0),
                LabelOrder::compareLabels)
            .thenComparing(e -> e.endpoint().address()));
    return out;
  }

  /** What the calls ask the endpoints to remove: the replica labels, sorted, or nothing. */
  private Iterable<String> withoutLabels() {
    return request.removesReplicaLabels() ? new TreeSet<>(request.replicaLabels()) : List.of();
  }

  private PartialResponseStrategy strategy() {
    return request.partialResponse() ? PartialResponseStrategy.WARN : PartialResponseStrategy.ABORT;
  }

  private void failed(String address, RuntimeException e) {
    if (!request.partialResponse()) {
      // An endpoint that is down, overloaded or timed out: a retry may find it answering.
      throw new DataUnavailableException("endpoint " + address + ": " + e.getMessage(), e);
    }
    log.warn(
        "msg=\"endpoint left out of the answer\" address={} err=\"{}\"", address, e.getMessage());
    warning(address, e.getMessage());
  }

  private void warning(String address, String warning) {
    synchronized (warnings) {
      warnings.add("endpoint " + address + ": " + warning);
    }
  }

  /**
   * Problems met so far: endpoints left out under partial response and warnings the endpoints sent,
   * each prefixed with the endpoint's address.
   */
  @Override
  public List<String> warnings() {
    synchronized (warnings) {
      return List.copyOf(warnings);
    }
  }

  @Override
  public long mint() {
    return mint;
  }

  @Override
  public long maxt() {
    return maxt;
  }

  @Override
  public void close() {
    context.cancel(null);
  }
}
