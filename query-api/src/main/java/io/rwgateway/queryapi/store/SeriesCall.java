package io.rwgateway.queryapi.store;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.rwgateway.tsdb.ChunkQuerier;
import java.util.ArrayDeque;
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
  private final ServerCallStreamObserver<SeriesFrame> observer;
  private final List<ChunkQuerier> queriers;
  private final SeriesSource source;
  private final long limit;
  private final long maxSeries;
  private final long maxSamples;
  private final StoreMetrics metrics;
  private final long startNanos;

  private final SeriesFrames frames;
  private boolean started;
  private long series;
  private long samples;
  private boolean done;

  /** The queriers' warnings, sent after the last series; null until the series ran out. */
  private ArrayDeque<String> warnings;

  /** Sent counts go to the metrics every this many frames and at the end. */
  private static final int REPORT_EVERY = 1024;

  private long unreportedFrames;
  private long unreportedSeries;
  private long unreportedChunks;

  /**
   * @param limit the request's {@code limit}: at most this many series, the rest left out without
   *     an error (0 = all)
   */
  SeriesCall(
      ServerCallStreamObserver<SeriesFrame> observer,
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
    this.frames = new SeriesFrames(options.maxFrameBytes());
    this.metrics = metrics;
    this.startNanos = startNanos;
  }

  /**
   * How much gRPC may hold unsent before the call stops writing. NOTE: its default, 32 KiB, is
   * about 50 series: the writer then waits for the event loop to drain and call back, a thread
   * handoff every 32 KiB, which made a 62 MB answer spend most of its time waiting (the sidecar's
   * benchmark: 3.4x the remote read it wraps). 1 MiB is Thanos' frame size, and bounds what a call
   * holds.
   */
  static final int ON_READY_THRESHOLD = 1 << 20;

  /** Hooks the call's callbacks; the first frames go out on gRPC's first onReady. */
  void start() {
    observer.setOnReadyThreshold(ON_READY_THRESHOLD);
    observer.setOnCancelHandler(this::cancelled);
    observer.setOnReadyHandler(this::pump);
  }

  private void pump() {
    if (done) {
      return;
    }
    try {
      while (observer.isReady()) {
        SeriesFrame frame = nextFrame();
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
    StoreService.closeAll(queriers);
    report();
    metrics.done(StoreMetrics.Method.SERIES, code, startNanos);
  }

  /**
   * The next frame, or null at the end of the answer: the series, then a warning frame for each
   * warning the queriers met (a proxy's endpoint left out under partial response).
   */
  private SeriesFrame nextFrame() {
    if (warnings != null) {
      return warnings.isEmpty() ? null : SeriesFrame.warning(warnings.poll());
    }
    SeriesFrame f = nextSeriesFrame();
    if (f != null) {
      return f;
    }
    warnings = new ArrayDeque<>();
    for (ChunkQuerier q : queriers) {
      warnings.addAll(q.warnings());
    }
    return warnings.isEmpty() ? null : SeriesFrame.warning(warnings.poll());
  }

  private SeriesFrame nextSeriesFrame() {
    boolean first = false;
    if (!started || !frames.hasMoreChunks()) {
      if (limit > 0 && series >= limit) {
        return null;
      }
      OutSeries next = source.next();
      if (next == null) {
        return null;
      }
      startSeries(next);
      started = true;
      first = true;
    }
    SeriesFrame f = frames.next();
    if (first) {
      unreportedSeries++;
    }
    unreportedChunks += frames.lastChunkCount();
    if (++unreportedFrames == REPORT_EVERY) {
      report();
    }
    return f;
  }

  private void report() {
    metrics.sent(unreportedFrames, unreportedSeries, unreportedChunks);
    unreportedFrames = 0;
    unreportedSeries = 0;
    unreportedChunks = 0;
  }

  private void startSeries(OutSeries next) {
    series++;
    if (maxSeries > 0 && series > maxSeries) {
      // Thanos' limitedServer: "failed to send series: limit %v violated (got %v)".
      throw Status.RESOURCE_EXHAUSTED
          .withDescription(
              "failed to send series: limit " + maxSeries + " violated (got " + series + ")")
          .asRuntimeException();
    }
    for (int i = 0; i < next.chunkCount(); i++) {
      samples += next.samples(i);
    }
    if (maxSamples > 0 && samples > maxSamples) {
      throw Status.RESOURCE_EXHAUSTED
          .withDescription(
              "failed to send samples: limit " + maxSamples + " violated (got " + samples + ")")
          .asRuntimeException();
    }
    frames.start(next);
  }
}
