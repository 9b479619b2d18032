package io.rwgateway.tsdb.head;

import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.chunk.FloatHistogram;
import io.rwgateway.tsdb.chunk.Histogram;
import io.rwgateway.tsdb.chunk.HistogramProto;
import io.rwgateway.tsdb.chunk.NativeHistogram;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The head's writer-side state for appending native histograms: reused decoders (so a histogram
 * append allocates nothing in steady state), the block range histogram chunks never span, and the
 * count of histograms no chunk can hold (a message with both integer and float counts, or one that
 * does not decode; one the encoder refuses). Custom bucket bounds (schema -53) are chunked as
 * Prometheus 3 chunks them (docs/format/histogram-chunks.md). Ingest refuses what no chunk can
 * hold, so such histograms only come from a WAL written otherwise: they stay in the WAL, no reader
 * and no block gets them, and the block cut of their range reports them ({@link #takeNotChunked}).
 *
 * <p>Used by one thread at a time: the writer (under the head's write lock) or replay; {@link
 * #takeNotChunked} by the block cut, synchronized.
 */
final class HistogramScratch {
  private static final Logger LOG = LoggerFactory.getLogger(HistogramScratch.class);

  /** Prometheus' default block range (2h): histogram chunks are cut at its multiples. */
  static final long DEFAULT_CHUNK_RANGE = 2 * 60 * 60 * 1000L;

  final HistogramProto proto = new HistogramProto();
  final Histogram h = new Histogram();
  final FloatHistogram fh = new FloatHistogram();

  /** Block range: no histogram chunk spans a multiple of it (as in 2.42's head). */
  volatile long chunkRange = DEFAULT_CHUNK_RANGE;

  /** Histograms kept out of chunks, by the start of their block range. */
  private final TreeMap<Long, Long> notChunked = new TreeMap<>();

  private long warned;

  /**
   * Decodes the message into {@link #h} or {@link #fh}; returns the chunk encoding that holds it,
   * or 0 when no chunk can (mixed or undecodable counts).
   */
  int decode(byte[] b, int off, int len) {
    try {
      if (proto.readInteger(b, off, len, h)) {
        return ChunkEncoding.HISTOGRAM;
      }
      if (proto.readFloat(b, off, len, fh)) {
        return ChunkEncoding.FLOAT_HISTOGRAM;
      }
      return 0;
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }

  /** The histogram {@link #decode} filled for {@code kind}. */
  NativeHistogram<?, ?> decoded(int kind) {
    return kind == ChunkEncoding.HISTOGRAM ? h : fh;
  }

  /** Counts (and logs the first few of) a histogram at {@code t} of series {@code ref} left out. */
  void notChunked(int ref, long t, String why) {
    long range = chunkRange;
    long start = Math.floorDiv(t, range) * range;
    synchronized (notChunked) {
      notChunked.merge(start, 1L, Long::sum);
    }
    if (warned++ < 10) {
      LOG.warn(
          "native histogram kept out of the head's chunks and blocks: series_ref={} t={} reason={}",
          ref,
          t,
          why);
    }
  }

  /**
   * Takes the count of histograms left out of chunks in block ranges that start before {@code t}.
   */
  long takeNotChunked(long t) {
    long n = 0;
    synchronized (notChunked) {
      Map<Long, Long> head = notChunked.headMap(t);
      for (long c : head.values()) {
        n += c;
      }
      head.clear();
    }
    return n;
  }
}
