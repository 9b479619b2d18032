package io.rwgateway.queryapi;

import com.google.protobuf.ByteString;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.proto.prompb.Chunk;
import io.rwgateway.proto.prompb.ChunkedReadResponse;
import io.rwgateway.proto.prompb.ChunkedSeries;
import io.rwgateway.proto.prompb.Label;
import io.rwgateway.proto.prompb.Query;
import io.rwgateway.proto.prompb.ReadRequest;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkQueryable;
import io.rwgateway.tsdb.ChunkSeriesSet;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remote read with the STREAMED_XOR_CHUNKS response type, as Prometheus serves it: for each query,
 * the series in label order, their chunks exactly as stored (never decoded), packed into {@code
 * ChunkedReadResponse} frames of about {@link #FRAME_BYTES}; a series larger than a frame goes on
 * in the next frames. One series' chunks are in memory at a time, and a frame.
 *
 * <p>The sample limit counts the samples of every chunk sent (from the XOR chunk headers). Hit
 * before anything was sent, it is a 400 like the SAMPLES answer's; hit later, the response is
 * aborted (the connection closed without the final chunk), so the client sees an error rather than
 * a complete-looking answer with series missing.
 */
final class StreamedRead {
  private static final Logger log = LoggerFactory.getLogger(StreamedRead.class);

  /** Prometheus' default {@code --storage.remote.read-max-bytes-in-frame} (1 MiB). */
  static final int FRAME_BYTES = 1 << 20;

  static final String CONTENT_TYPE =
      "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse";

  private final ChunkQueryable source;
  private final String tenant;
  private final long maxSamples;
  private final HttpStream out;
  private final ByteBufAllocator alloc;
  private boolean started;
  private long samples;

  StreamedRead(
      ChunkQueryable source,
      String tenant,
      long maxSamples,
      HttpStream out,
      ByteBufAllocator alloc) {
    this.source = source;
    this.tenant = tenant;
    this.maxSamples = maxSamples;
    this.out = out;
    this.alloc = alloc;
  }

  /** Thrown when the limit is hit before the first frame: answered as a 400 by the caller. */
  static final class LimitBeforeStart extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LimitBeforeStart(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Streams the answer. Returns normally when it was sent (or aborted); throws {@link
   * LimitBeforeStart} or {@link ApiException} when nothing was sent yet.
   */
  void run(ReadRequest request) {
    try {
      for (int qi = 0; qi < request.getQueriesCount(); qi++) {
        query(qi, request.getQueries(qi));
      }
      start();
      out.end();
    } catch (IOException e) {
      log.info("streamed remote read stopped: tenant={} err=\"{}\"", tenant, e.getMessage());
      out.abort(e.getMessage());
    } catch (RuntimeException e) {
      if (!started) {
        throw e;
      }
      log.warn("streamed remote read failed after the answer started: tenant={}", tenant, e);
      out.abort(String.valueOf(e.getMessage()));
    }
  }

  private void start() {
    if (!started) {
      started = true;
      out.start(HttpResponseStatus.OK, CONTENT_TYPE);
    }
  }

  private void query(int index, Query query) throws IOException {
    Matcher[] matchers = RemoteRead.matchers(query);
    try (ChunkQuerier q =
        source.chunkQuerier(tenant, query.getStartTimestampMs(), query.getEndTimestampMs())) {
      ChunkSeriesSet set = q.select(matchers);
      ChunkedReadResponse.Builder frame = ChunkedReadResponse.newBuilder().setQueryIndex(index);
      int frameBytes = 0;
      while (set.next()) {
        ChunkedSeries.Builder series = labels(set.labels());
        int seriesBytes = 0;
        ChunkIterator it = set.chunks();
        while (it.next()) {
          Chunk c = chunk(it);
          series.addChunks(c);
          seriesBytes += c.getSerializedSize() + 3;
          if (frameBytes + seriesBytes >= FRAME_BYTES) {
            // A frame is full: send it with this series so far; the series goes on in the next.
            frame.addChunkedSeries(series);
            send(frame);
            frame = ChunkedReadResponse.newBuilder().setQueryIndex(index);
            frameBytes = 0;
            series = labels(set.labels());
            seriesBytes = 0;
          }
        }
        if (series.getChunksCount() > 0) {
          frame.addChunkedSeries(series);
          frameBytes += seriesBytes;
        }
      }
      if (frame.getChunkedSeriesCount() > 0) {
        send(frame);
      }
    }
  }

  private Chunk chunk(ChunkIterator it) {
    ByteBuffer b = it.bytes();
    // NOTE: every encoding (XOR, histogram, float histogram) starts with the 2-byte sample count,
    // and SAMPLES counts histograms too.
    if (b.remaining() >= 2) {
      samples += ((b.get(b.position()) & 0xFF) << 8) | (b.get(b.position() + 1) & 0xFF);
      if (maxSamples > 0 && samples > maxSamples) {
        String msg =
            "remote read: number of samples exceeds limit of "
                + maxSamples
                + " (set by the gateway's remote-read sample limit)";
        if (!started) {
          throw new LimitBeforeStart(msg);
        }
        throw new IllegalStateException(msg);
      }
    }
    return Chunk.newBuilder()
        .setMinTimeMs(it.minTime())
        .setMaxTimeMs(it.maxTime())
        .setTypeValue(it.encoding()) // prometheus.Chunk numbers encodings as chunk files do
        .setData(ByteString.copyFrom(b))
        .build();
  }

  private static ChunkedSeries.Builder labels(Labels l) {
    ChunkedSeries.Builder s = ChunkedSeries.newBuilder();
    for (int i = 0; i < l.size(); i++) {
      s.addLabels(Label.newBuilder().setName(l.name(i)).setValue(l.value(i)));
    }
    return s;
  }

  private void send(ChunkedReadResponse.Builder frame) throws IOException {
    start();
    out.write(ChunkedFrames.frame(alloc, frame.build().toByteArray()));
  }
}
