package io.rwgateway.promql.engine;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.DataUnavailableException;
import io.rwgateway.tsdb.chunk.FloatHistogramChunkIterator;
import io.rwgateway.tsdb.chunk.HistogramChunkIterator;
import io.rwgateway.tsdb.chunk.XorIterator;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The float samples of the series a selector picks, one series at a time, decoded from their chunks
 * into arrays this reader reuses: a selector never holds more than one series' samples.
 *
 * <p>Native histograms (integer and float histogram chunks) are read as {@link HistogramValue}s: a
 * histogram sample has value 0 in {@link #v} and its histogram in {@link #h} (null for a float
 * sample), which is how Prometheus 2.42 holds them, so that every function that does not know
 * histograms sees a 0 as 2.42's do.
 */
final class RawSeries implements AutoCloseable {
  /** Prometheus' staleness marker, a NaN with this exact bit pattern. */
  static final long STALE_NAN_BITS = 0x7ff0000000000002L;

  private final ChunkQuerier querier;
  private final ChunkSeriesSet set;
  private final long mint;
  private final long maxt;
  private final boolean dropStale;
  private final QueryContext ctx;
  private final XorIterator xor = new XorIterator();
  private HistogramChunkIterator histograms;
  private FloatHistogramChunkIterator floatHistograms;
  private byte[] chunk = new byte[256];

  long[] t = new long[64];
  double[] v = new double[64];

  /** The histogram of each sample, null for floats; null as a whole until a histogram is read. */
  HistogramValue[] h;

  int n;

  /** Whether the current series has a histogram sample. */
  boolean hasHistograms;

  Labels labels;

  /**
   * @param dropStale leave staleness markers out (range windows); keep them for instant selectors,
   *     where a marker ends the lookback
   * @param function the function whose range argument this selector is, or null (a select hint)
   */
  RawSeries(
      QuerierSource source,
      Matcher[] matchers,
      long mint,
      long maxt,
      boolean dropStale,
      String function,
      QueryContext ctx) {
    try {
      this.querier = source.open(mint, maxt, function);
    } catch (IllegalStateException e) {
      // ChunkQueryable's contract: the data cannot be read yet, which a retry can fix.
      throw new QueryException(QueryException.Kind.UNAVAILABLE, e.getMessage());
    }
    this.mint = mint;
    this.maxt = maxt;
    this.dropStale = dropStale;
    this.ctx = ctx;
    ChunkSeriesSet s;
    try {
      s = querier.select(matchers);
    } catch (RuntimeException e) {
      querier.close();
      throw unavailable(e);
    }
    this.set = s;
  }

  /** A source that cannot be read now answers 503, which a client may retry. */
  private static RuntimeException unavailable(RuntimeException e) {
    return e instanceof DataUnavailableException
        ? new QueryException(QueryException.Kind.UNAVAILABLE, e.getMessage())
        : e;
  }

  /** Moves to the next series (which may have no samples in the range); false at the end. */
  boolean next() {
    try {
      return read();
    } catch (RuntimeException e) {
      throw unavailable(e);
    }
  }

  private boolean read() {
    ctx.release(n);
    n = 0;
    if (!set.next()) {
      labels = null;
      return false;
    }
    ctx.check();
    labels = set.labels();
    hasHistograms = false;
    ChunkIterator it = set.chunks();
    while (it.next()) {
      if (it.maxTime() < mint || it.minTime() > maxt) {
        continue;
      }
      int enc = it.encoding();
      if (enc != ChunkEncoding.XOR
          && enc != ChunkEncoding.HISTOGRAM
          && enc != ChunkEncoding.FLOAT_HISTOGRAM) {
        continue;
      }
      ByteBuffer b = it.bytes();
      int len = b.remaining();
      if (chunk.length < len) {
        chunk = new byte[Math.max(len, chunk.length * 2)];
      }
      b.get(chunk, 0, len);
      if (enc == ChunkEncoding.XOR) {
        readFloats(len);
      } else {
        readHistograms(enc, len);
      }
    }
    ctx.hold(n);
    return true;
  }

  private void readFloats(int len) {
    xor.reset(chunk, 0, len);
    while (xor.next()) {
      long ts = xor.t();
      if (ts < mint) {
        continue;
      }
      if (ts > maxt) {
        break;
      }
      if (dropStale && xor.valueBits() == STALE_NAN_BITS) {
        continue;
      }
      if (n > 0 && ts <= t[n - 1]) {
        continue; // overlapping chunks (head and block): the first copy wins
      }
      add(ts, xor.v(), null);
    }
  }

  private void readHistograms(int enc, int len) {
    boolean isFloat = enc == ChunkEncoding.FLOAT_HISTOGRAM;
    if (isFloat) {
      if (floatHistograms == null) {
        floatHistograms = new FloatHistogramChunkIterator();
      }
      floatHistograms.reset(chunk, 0, len);
    } else {
      if (histograms == null) {
        histograms = new HistogramChunkIterator();
      }
      histograms.reset(chunk, 0, len);
    }
    while (isFloat ? floatHistograms.next() : histograms.next()) {
      long ts = isFloat ? floatHistograms.t() : histograms.t();
      if (ts < mint) {
        continue;
      }
      if (ts > maxt) {
        break;
      }
      if (n > 0 && ts <= t[n - 1]) {
        continue;
      }
      HistogramValue hv =
          isFloat
              ? HistogramValue.of(floatHistograms.histogram())
              : HistogramValue.of(histograms.histogram());
      if (dropStale && hv.isStale()) {
        continue;
      }
      add(ts, 0, hv);
    }
  }

  private void add(long ts, double value, HistogramValue hv) {
    if (n == t.length) {
      t = Arrays.copyOf(t, n * 2);
      v = Arrays.copyOf(v, n * 2);
    }
    if (hv != null && h == null) {
      h = new HistogramValue[t.length];
    }
    if (h != null) {
      // Kept as long as t: a float after histograms clears its slot (the array is reused).
      if (h.length < t.length) {
        h = Arrays.copyOf(h, t.length);
      }
      h[n] = hv;
      hasHistograms |= hv != null;
    }
    t[n] = ts;
    v[n] = value;
    n++;
  }

  /** The histogram of sample {@code i}, or null for a float. */
  HistogramValue histogram(int i) {
    return h == null ? null : h[i];
  }

  static boolean isStale(double v) {
    return Double.doubleToRawLongBits(v) == STALE_NAN_BITS;
  }

  @Override
  public void close() {
    ctx.release(n);
    n = 0;
    querier.close();
  }
}
