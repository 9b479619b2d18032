package io.rwgateway.queryapi.store;

import com.google.protobuf.CodedOutputStream;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.rwgateway.proto.thanos.labelpb.Label;
import io.rwgateway.proto.thanos.storepb.AggrChunk;
import io.rwgateway.proto.thanos.storepb.Series;
import io.rwgateway.proto.thanos.storepb.SeriesResponse;
import io.rwgateway.tsdb.ChunkQuerier;
import java.util.ArrayList;
import java.util.List;

/**
 * One Series call in flight: pulls merged series from the tenants' queriers and sends them as
 * frames while gRPC's flow control lets it (so a slow reader holds back the reading, not memory),
 * applies the limits, and closes the queriers exactly once: at the end, on an error, or when the
 * client cancels.
 *
 * <p>Every method runs in gRPC's serialized callbacks of the call (onReady, onCancel), so the state
 * needs no lock.
 */
final class SeriesCall {
  private final ServerCallStreamObserver<SeriesResponse> observer;
  private final List<ChunkQuerier> queriers;
  private final SeriesSource source;
  private final long limit;
  private final long maxSeries;
  private final long maxSamples;
  private final int frameBytes;
  private final StoreMetrics metrics;
  private final long startNanos;

  private OutSeries current;
  private List<Label> currentLabels;
  private int labelBytes;
  private int nextChunk;
  private long series;
  private long samples;
  private boolean done;

  /**
   * @param limit the request's {@code limit}: at most this many series, the rest left out without
   *     an error (0 = all)
   */
  SeriesCall(
      ServerCallStreamObserver<SeriesResponse> observer,
      List<ChunkQuerier> queriers,
      SeriesSource source,
      long limit,
      StoreApiOptions options,
      StoreMetrics metrics,
      long startNanos) {
    this.observer = observer;
    this.queriers = queriers;
    this.source = source;
    this.limit = limit;
    this.maxSeries = options.maxSeriesPerRequest();
    this.maxSamples = options.maxSamplesPerRequest();
    this.frameBytes = options.maxFrameBytes();
    this.metrics = metrics;
    this.startNanos = startNanos;
  }

  /** Hooks the call's callbacks; the first frames go out on gRPC's first onReady. */
  void start() {
    observer.setOnCancelHandler(this::cancelled);
    observer.setOnReadyHandler(this::pump);
  }

  private void pump() {
    if (done) {
      return;
    }
    try {
      while (observer.isReady()) {
        SeriesResponse frame = nextFrame();
        if (frame == null) {
          finish(Status.Code.OK);
          observer.onCompleted();
          return;
        }
        observer.onNext(frame);
      }
    } catch (RuntimeException e) {
      Status s = StoreService.toStatus(e);
      finish(s.getCode());
      observer.onError(s.asRuntimeException());
    }
  }

  private void cancelled() {
    if (!done) {
      finish(Status.Code.CANCELLED);
    }
  }

  private void finish(Status.Code code) {
    done = true;
    current = null;
    StoreService.closeAll(queriers);
    metrics.done(StoreMetrics.Method.SERIES, code, startNanos);
  }

  /** The next frame, or null at the end of the answer. */
  private SeriesResponse nextFrame() {
    boolean first = false;
    if (current == null || nextChunk >= current.chunks.size()) {
      if (limit > 0 && series >= limit) {
        return null;
      }
      current = source.next();
      if (current == null) {
        return null;
      }
      startSeries();
      first = true;
    }
    Series.Builder b = Series.newBuilder().addAllLabels(currentLabels);
    int budget = frameBytes - labelBytes;
    int used = 0;
    int n = 0;
    List<AggrChunk> chunks = current.chunks;
    while (nextChunk < chunks.size()) {
      AggrChunk c = chunks.get(nextChunk);
      int size = CodedOutputStream.computeMessageSize(Series.CHUNKS_FIELD_NUMBER, c);
      if (n > 0 && used + size > budget) {
        break;
      }
      b.addChunks(c);
      used += size;
      n++;
      nextChunk++;
    }
    metrics.frame(first, n);
    return SeriesResponse.newBuilder().setSeries(b).build();
  }

  private void startSeries() {
    series++;
    if (maxSeries > 0 && series > maxSeries) {
      // Thanos' limitedServer: "failed to send series: limit %v violated (got %v)".
      throw Status.RESOURCE_EXHAUSTED
          .withDescription(
              "failed to send series: limit " + maxSeries + " violated (got " + series + ")")
          .asRuntimeException();
    }
    for (AggrChunk c : current.chunks) {
      samples += Chunks.samples(c);
    }
    if (maxSamples > 0 && samples > maxSamples) {
      throw Status.RESOURCE_EXHAUSTED
          .withDescription(
              "failed to send samples: limit " + maxSamples + " violated (got " + samples + ")")
          .asRuntimeException();
    }
    List<Label> labels = new ArrayList<>(current.labels.size());
    int bytes = 0;
    for (int i = 0; i < current.labels.size(); i++) {
      Label l =
          Label.newBuilder()
              .setName(current.labels.name(i))
              .setValue(current.labels.value(i))
              .build();
      labels.add(l);
      bytes += CodedOutputStream.computeMessageSize(Series.LABELS_FIELD_NUMBER, l);
    }
    currentLabels = labels;
    labelBytes = bytes;
    nextChunk = 0;
  }
}
