package io.rwgateway.query;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.rwgateway.model.Labels;
import io.rwgateway.proto.thanos.storepb.SeriesRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The series of one Series call, one at a time, consecutive frames with equal labels joined into
 * one series: Thanos servers (ours included) split a series with many chunks over several frames.
 *
 * <p>Read asynchronously with flow control by hand: gRPC's blocking iterator asks the server for
 * one message at a time and measured 2.5x slower on a large answer (docs/perf.md). Here {@link
 * #WINDOW} messages are requested up front and more as the reader takes them, so at most {@link
 * #WINDOW} decoded frames wait in this stream's queue (plus what HTTP/2 flow control lets the
 * transport hold undecoded, 1 MiB per stream by default), however far the reader falls behind. The
 * bound counts frames, not bytes: a frame is one series (or part of one), usually a few KiB, but a
 * server may send frames up to the channel's inbound limit. Errors surface as {@link
 * StatusRuntimeException} from {@link #hasNext}. Not thread-safe.
 */
public final class SeriesStream implements RemoteSeriesSource {
  /** Frames requested but not yet taken by the reader, at most: the memory bound of a stream. */
  static final int WINDOW = 64;

  /**
   * Taken frames that are requested again in one go: a batch rather than one at a time, so the
   * transport never waits on a single request, while the window never runs dry before it refills.
   */
  private static final int REFILL = WINDOW / 2;

  /** How the call ended: the last element of the queue. */
  private record Closed(Status status, Metadata trailers) {}

  private final ClientCall<SeriesRequest, RemoteFrame> call;

  /**
   * Frames and the end, from gRPC's callback threads to the reader. Unbounded as a type, but flow
   * control keeps it to at most {@link #WINDOW} frames and the end.
   */
  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();

  private final List<String> warnings = new ArrayList<>();
  private int taken;
  private Closed closed;
  private RemoteFrame pending;
  private RemoteSeries next;

  private SeriesStream(ClientCall<SeriesRequest, RemoteFrame> call) {
    this.call = call;
  }

  /**
   * Starts a Series call on the channel. The call is bound to the current gRPC {@link
   * io.grpc.Context}: cancelling that context cancels the call.
   */
  static SeriesStream start(Channel channel, CallOptions options, SeriesRequest request) {
    SeriesStream s = new SeriesStream(channel.newCall(RemoteFrame.SERIES, options));
    s.call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(RemoteFrame message) {
            s.queue.add(message);
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            s.queue.add(new Closed(status, trailers));
          }
        },
        new Metadata());
    s.call.sendMessage(request);
    s.call.halfClose();
    s.call.request(WINDOW);
    return s;
  }

  @Override
  public boolean hasNext() {
    if (next != null) {
      return true;
    }
    RemoteFrame first = pending != null ? pending : nextFrame();
    pending = null;
    if (first == null) {
      return false;
    }
    List<RemoteChunk> chunks = first.chunks();
    while (true) {
      // An error here drops the series being assembled: more of its frames may have been due.
      RemoteFrame s = nextFrame();
      if (s == null) {
        break;
      }
      if (!s.sameSeries(first)) {
        pending = s;
        break;
      }
      if (chunks == first.chunks()) {
        chunks = new ArrayList<>(chunks);
      }
      chunks.addAll(s.chunks());
    }
    next = new RemoteSeries(labels(first.labels()), chunks);
    return true;
  }

  @Override
  public RemoteSeries next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    RemoteSeries s = next;
    next = null;
    return s;
  }

  /** Warnings the endpoint sent in the stream so far. */
  @Override
  public List<String> warnings() {
    return warnings;
  }

  /** Cancels the call if it still runs; the stream then ends with CANCELLED. */
  public void cancel() {
    call.cancel("reader is done", null);
  }

  /** Frames received and not yet taken by the reader (for tests of the bound). */
  int buffered() {
    return (int) queue.stream().filter(RemoteFrame.class::isInstance).count();
  }

  /** Thanos servers send labels sorted by name; anything else is sorted here. */
  private static Labels labels(String[] nv) {
    for (int i = 2; i < nv.length; i += 2) {
      if (nv[i - 2].compareTo(nv[i]) >= 0) {
        return Labels.of(nv);
      }
    }
    return Labels.ofSorted(nv);
  }

  /** The next series frame, warnings collected on the way; null at the end. */
  private RemoteFrame nextFrame() {
    while (true) {
      RemoteFrame r = take();
      if (r == null) {
        return null;
      }
      if (r.labels() != null) {
        return r;
      }
      if (r.warning() != null) {
        warnings.add(r.warning());
      }
      // Else hints only: store-specific; this proxy asks for none and uses none.
    }
  }

  /** The next frame, null at a clean end; throws the call's status (every time, once it failed). */
  private RemoteFrame take() {
    if (closed == null) {
      Object o;
      try {
        o = queue.take();
      } catch (InterruptedException e) {
        // As gRPC's blocking iterator does: an interrupted reader gives up the call.
        call.cancel("thread interrupted", e);
        Thread.currentThread().interrupt();
        throw Status.CANCELLED
            .withDescription("thread interrupted")
            .withCause(e)
            .asRuntimeException();
      }
      if (o instanceof RemoteFrame r) {
        if (++taken == REFILL) {
          // Request in batches: a request per frame would cost a transport event per frame.
          call.request(taken);
          taken = 0;
        }
        return r;
      }
      closed = (Closed) o;
    }
    if (closed.status().isOk()) {
      return null;
    }
    throw closed.status().asRuntimeException(closed.trailers());
  }
}
