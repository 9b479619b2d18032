package io.rwgateway.promql.engine;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.DataUnavailableException;
import io.rwgateway.tsdb.chunk.XorIterator;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The float samples of the series a selector picks, one series at a time, decoded from their chunks
 * into arrays this reader reuses: a selector never holds more than one series' samples.
 *
 * <p>NOTE: native histogram chunks (blocks hold them since issue 18's second slice) are skipped:
 * the engine has no histogram values yet.
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
  private byte[] chunk = new byte[256];

  long[] t = new long[64];
  double[] v = new double[64];
  int n;
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
    ChunkIterator it = set.chunks();
    while (it.next()) {
      if (it.encoding() != ChunkEncoding.XOR || it.maxTime() < mint || it.minTime() > maxt) {
        continue;
      }
      ByteBuffer b = it.bytes();
      int len = b.remaining();
      if (chunk.length < len) {
        chunk = new byte[Math.max(len, chunk.length * 2)];
      }
      b.get(chunk, 0, len);
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
        if (n == t.length) {
          t = Arrays.copyOf(t, n * 2);
          v = Arrays.copyOf(v, n * 2);
        }
        t[n] = ts;
        v[n] = xor.v();
        n++;
      }
    }
    ctx.hold(n);
    return true;
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
