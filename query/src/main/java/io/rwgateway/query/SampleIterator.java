package io.rwgateway.query;

import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.chunk.FloatHistogram;
import io.rwgateway.tsdb.chunk.Histogram;

/**
 * Samples of one series in time order: floats, and native histograms where {@link #encoding()} says
 * so (their {@link #v()} is 0). {@link #t()}, {@link #v()} and the histograms are valid only after
 * {@link #next()} returned true, until the next call; once it returns false it keeps returning
 * false.
 */
public interface SampleIterator {
  /** The current sample's chunk encoding: XOR for a float. */
  default int encoding() {
    return ChunkEncoding.XOR;
  }

  /** The current integer histogram (encoding HISTOGRAM), reused by the iterator. */
  default Histogram histogram() {
    return null;
  }

  /** The current float histogram (encoding FLOAT_HISTOGRAM), reused by the iterator. */
  default FloatHistogram floatHistogram() {
    return null;
  }

  boolean next();

  /** Timestamp in milliseconds. */
  long t();

  double v();
}
