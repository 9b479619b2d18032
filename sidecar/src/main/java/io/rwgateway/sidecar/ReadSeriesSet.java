package io.rwgateway.sidecar;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.proto.prompb.Chunk;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.ListChunkIterator;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * A remote read answer as a {@link ChunkSeriesSet}: series pulled from a {@link SeriesSource},
 * checked to come in strictly ascending label order, and their chunks passed on as Prometheus sent
 * them. The answer's body is closed at its end, on an error, or when the querier closes.
 */
final class ReadSeriesSet implements ChunkSeriesSet {
  private final SeriesSource source;
  private final InputStream body;
  private final String url;
  private ReadSeries current;
  private Labels previous;
  private boolean done;

  ReadSeriesSet(SeriesSource source, InputStream body, String url) {
    this.source = source;
    this.body = body;
    this.url = url;
  }

  @Override
  public boolean next() {
    if (done) {
      return false;
    }
    ReadSeries s;
    try {
      s = source.next();
    } catch (PrometheusException e) {
      finish();
      throw RemoteReadChunkQuerier.translate(e);
    }
    if (s == null) {
      finish();
      current = null;
      return false;
    }
    if (previous != null && LabelOrder.compareLabels(previous, s.labels()) >= 0) {
      // A stored series gained a label named like an external one after the querier checked;
      // a retry reads the answer whole and sorts it.
      finish();
      throw new IllegalStateException(
          "Prometheus at "
              + url
              + " answered series out of label order once external labels were set: "
              + s.labels()
              + " after "
              + previous);
    }
    previous = s.labels();
    current = s;
    return true;
  }

  private void finish() {
    done = true;
    PrometheusClient.closeQuietly(body);
  }

  @Override
  public Labels labels() {
    if (current == null) {
      throw new IllegalStateException("no current series");
    }
    return current.labels();
  }

  @Override
  public ChunkIterator chunks() {
    if (current == null) {
      throw new IllegalStateException("no current series");
    }
    return new Chunks(current.chunks());
  }

  /** The chunks of one series, as sent. */
  private static final class Chunks extends ListChunkIterator<Chunk> {
    Chunks(List<Chunk> chunks) {
      super(chunks);
    }

    @Override
    public int encoding() {
      return current().getTypeValue();
    }

    @Override
    public long minTime() {
      return current().getMinTimeMs();
    }

    @Override
    public long maxTime() {
      return current().getMaxTimeMs();
    }

    @Override
    public ByteBuffer bytes() {
      return current().getData().asReadOnlyByteBuffer();
    }
  }
}
