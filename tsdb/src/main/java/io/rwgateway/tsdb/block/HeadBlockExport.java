package io.rwgateway.tsdb.block;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.Querier;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.chunk.XorChunk;
import io.rwgateway.tsdb.head.Head;
import io.rwgateway.tsdb.head.HeadBlockSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns the float samples of a head that fall in a block range [mint, maxt) into
 * {@link BlockSeries} for {@link BlockWriter}: samples are re-encoded into fresh XOR chunks of at
 * most {@value XorChunk#MAX_SAMPLES} samples, so no chunk reaches outside the block even when a
 * head chunk straddles its boundary. Series without samples in the range are left out; the result
 * is sorted by {@link IndexOrder#LABELS}.
 * <p>
 * NOTE: re-encoding instead of copying head chunks that lie wholly inside the range keeps one
 * code path and yields chunks that start at the block boundary; it costs one decode and encode
 * per sample, small next to writing the index.
 * <p>
 * Native histograms are not exported yet ({@link HeadBlockSource} counts what it skips).
 */
public final class HeadBlockExport {
  private HeadBlockExport() {}

  /** The head's float series in [mint, maxtExclusive), decoding one series at a time. */
  public static List<BlockSeries> export(Head head, long mint, long maxtExclusive) {
    checkRange(mint, maxtExclusive);
    HeadBlockSource source = new HeadBlockSource(head, mint, maxtExclusive);
    List<BlockSeries> out = new ArrayList<>();
    for (BlockSeries s = source.next(); s != null; s = source.next()) {
      out.add(s);
    }
    return out;
  }

  /**
   * The same from any {@link Querier} (for example {@code TenantDb.querier()}). It selects all
   * series at once, so it holds every sample of the range decoded in memory: fine for tests and
   * small heads; large heads are written streaming through {@link HeadBlockSource}.
   */
  public static List<BlockSeries> export(Querier querier, long mint, long maxtExclusive) {
    checkRange(mint, maxtExclusive);
    List<BlockSeries> out = new ArrayList<>();
    long[] bits = new long[0];
    for (SeriesData d : querier.select(new Matcher[0], mint, maxtExclusive - 1)) {
      int n = d.sampleCount();
      if (n == 0) {
        continue;
      }
      if (bits.length < n) {
        bits = new long[n];
      }
      for (int i = 0; i < n; i++) {
        bits[i] = Double.doubleToRawLongBits(d.sampleV()[i]);
      }
      out.add(encode(d.labels(), d.sampleT(), bits, n));
    }
    out.sort((a, b) -> IndexOrder.compareLabels(a.labels(), b.labels()));
    return out;
  }

  /** Encodes {@code n > 0} samples, ascending in time, into chunks of at most 120 samples. */
  public static BlockSeries encode(Labels labels, long[] t, long[] valueBits, int n) {
    int chunks = (n + XorChunk.MAX_SAMPLES - 1) / XorChunk.MAX_SAMPLES;
    List<byte[]> data = new ArrayList<>(chunks);
    long[] mins = new long[chunks];
    long[] maxs = new long[chunks];
    XorChunk c = new XorChunk(256);
    for (int k = 0; k < chunks; k++) {
      int from = k * XorChunk.MAX_SAMPLES;
      int to = Math.min(n, from + XorChunk.MAX_SAMPLES);
      for (int i = from; i < to; i++) {
        c.append(t[i], Double.longBitsToDouble(valueBits[i]));
      }
      // Exact length: the chunk file's length field and checksum cover every byte we hand over.
      data.add(Arrays.copyOf(c.buffer(), c.length()));
      mins[k] = t[from];
      maxs[k] = t[to - 1];
      c.cut(256);
    }
    return new BlockSeries(labels, data, mins, maxs);
  }

  private static void checkRange(long mint, long maxtExclusive) {
    if (mint >= maxtExclusive) {
      throw new IllegalArgumentException("empty range [" + mint + ", " + maxtExclusive + ")");
    }
  }
}
