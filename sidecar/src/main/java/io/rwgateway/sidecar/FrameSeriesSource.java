package io.rwgateway.sidecar;

import io.rwgateway.proto.prompb.Chunk;
import io.rwgateway.proto.prompb.ChunkedReadResponse;
import io.rwgateway.proto.prompb.ChunkedSeries;
import io.rwgateway.proto.prompb.Label;
import io.rwgateway.tsdb.ChunkEncoding;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The series of a streamed remote read answer, in Prometheus' order, with the external labels
 * attached. Prometheus splits a series whose chunks exceed a frame (about 1 MiB) over consecutive
 * frames that repeat its labels; those parts are joined here, so the source holds one series'
 * chunks and reads one frame ahead.
 */
final class FrameSeriesSource implements SeriesSource {
  private static final Logger log = LoggerFactory.getLogger(FrameSeriesSource.class);

  private final ChunkedFrameReader frames;
  private final ExternalLabels external;
  private final String url;
  private ChunkedReadResponse frame;
  private int inFrame; // next series of `frame` to read
  private ChunkedSeries ahead; // the first part of the next series, already read
  private boolean ended;

  FrameSeriesSource(ChunkedFrameReader frames, ExternalLabels external, String url) {
    this.frames = frames;
    this.external = external;
    this.url = url;
  }

  @Override
  public ReadSeries next() {
    while (true) {
      ChunkedSeries first = ahead != null ? ahead : part();
      ahead = null;
      if (first == null) {
        return null;
      }
      List<Label> stored = first.getLabelsList();
      List<Chunk> chunks = new ArrayList<>(first.getChunksCount());
      add(chunks, first);
      for (ChunkedSeries p = part(); p != null; p = part()) {
        if (!p.getLabelsList().equals(stored)) {
          ahead = p;
          break;
        }
        add(chunks, p);
      }
      if (!chunks.isEmpty()) {
        return new ReadSeries(external.serve(stored), chunks);
      }
    }
  }

  private void add(List<Chunk> out, ChunkedSeries part) {
    for (Chunk c : part.getChunksList()) {
      int enc = c.getTypeValue();
      if (enc == ChunkEncoding.XOR
          || enc == ChunkEncoding.HISTOGRAM
          || enc == ChunkEncoding.FLOAT_HISTOGRAM) {
        out.add(c);
      } else {
        log.debug(
            "skipping remote read chunk of unknown encoding url={} encoding={} labels={}",
            url,
            enc,
            part.getLabelsList());
      }
    }
  }

  /** The next series part, from this frame or the next ones; null at the end. */
  private ChunkedSeries part() {
    while (frame == null || inFrame >= frame.getChunkedSeriesCount()) {
      if (ended) {
        return null;
      }
      frame = frames.next();
      inFrame = 0;
      if (frame == null) {
        ended = true;
        return null;
      }
    }
    return frame.getChunkedSeries(inFrame++);
  }
}
