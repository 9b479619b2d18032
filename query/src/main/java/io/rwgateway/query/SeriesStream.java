package io.rwgateway.query;

import io.rwgateway.proto.thanos.storepb.AggrChunk;
import io.rwgateway.proto.thanos.storepb.Series;
import io.rwgateway.proto.thanos.storepb.SeriesResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The series of one Series call, one at a time, consecutive frames with equal labels joined into
 * one series: Thanos servers (ours included) split a series with many chunks over several frames.
 *
 * <p>Over gRPC's blocking iterator, which asks the server for one message at a time: at most one
 * frame is buffered besides the series being assembled, so memory per endpoint stays bounded while
 * the server keeps producing. Errors surface as {@link io.grpc.StatusRuntimeException} from {@link
 * #hasNext}. Not thread-safe.
 */
public final class SeriesStream {
  private final Iterator<SeriesResponse> frames;
  private final List<String> warnings = new ArrayList<>();
  private Series pending;
  private RemoteSeries next;

  SeriesStream(Iterator<SeriesResponse> frames) {
    this.frames = frames;
  }

  public boolean hasNext() {
    if (next != null) {
      return true;
    }
    Series first = pending != null ? pending : nextFrame();
    pending = null;
    if (first == null) {
      return false;
    }
    List<RemoteChunk> chunks = new ArrayList<>(first.getChunksCount());
    add(first, chunks);
    while (true) {
      Series s = nextFrame();
      if (s == null) {
        break;
      }
      if (!s.getLabelsList().equals(first.getLabelsList())) {
        pending = s;
        break;
      }
      add(s, chunks);
    }
    next = new RemoteSeries(EndpointInfo.labels(first.getLabelsList()), chunks);
    return true;
  }

  public RemoteSeries next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    RemoteSeries s = next;
    next = null;
    return s;
  }

  /** Warnings the endpoint sent in the stream so far. */
  public List<String> warnings() {
    return warnings;
  }

  private static void add(Series s, List<RemoteChunk> out) {
    for (AggrChunk c : s.getChunksList()) {
      RemoteChunk rc = RemoteChunk.of(c);
      if (rc != null) {
        out.add(rc);
      }
    }
  }

  /** The next series frame, warnings collected on the way; null at the end. */
  private Series nextFrame() {
    while (frames.hasNext()) {
      SeriesResponse r = frames.next();
      switch (r.getResultCase()) {
        case SERIES:
          return r.getSeries();
        case WARNING:
          warnings.add(r.getWarning());
          break;
        default:
          // Hints are store-specific; this proxy asks for none and uses none.
          break;
      }
    }
    return null;
  }
}
