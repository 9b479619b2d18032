package io.rwgateway.tsdb.head;

import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.chunk.FloatHistogram;
import io.rwgateway.tsdb.chunk.FloatHistogramChunkEncoder;
import io.rwgateway.tsdb.chunk.Histogram;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Header;
import io.rwgateway.tsdb.chunk.HistogramChunkEncoder.Verdict;
import io.rwgateway.tsdb.chunk.HistogramChunkWriter;
import io.rwgateway.tsdb.chunk.HistogramProto;
import io.rwgateway.tsdb.chunk.NativeHistogram;
import io.rwgateway.tsdb.chunk.XorChunk;
import io.rwgateway.tsdb.chunk.XorChunks;
import io.rwgateway.tsdb.layout.BlockSeries;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes one series' float samples and native histograms of a block range into the block's chunks,
 * in time order: a run of floats becomes XOR chunks, a run of integer histograms histogram chunks
 * (encoding 2), a run of float histograms float histogram chunks (encoding 3), each chunk at most
 * {@value XorChunk#MAX_SAMPLES} samples, as 2.42's head cuts a series that switches between them.
 *
 * <p>Histogram chunks are cut as 2.42's head cuts them: when full, when the encoder's {@code
 * append} refuses a sample (a counter reset, another schema or zero threshold, a gauge/counter
 * switch, after a stale marker), each new chunk with the header 2.42 gives it ({@code
 * nextChunkHeader}); after a run of another kind the next histogram chunk is a series' first (2.42
 * has no appender of its type to compare with then).
 *
 * <p>What no chunk can hold is left out and counted in {@link #skipped}: a histogram at the same
 * time as a float sample (the head keeps floats and histograms in separate time orders, a block
 * series has one; the float wins, as the one read first), custom bucket bounds, and a message that
 * does not decode or that the encoder refuses (ingest already rejects those).
 *
 * <p>Not thread-safe; reused across the series of one block.
 */
final class BlockChunks {
  private static final Logger LOG = LoggerFactory.getLogger(BlockChunks.class);

  private final HistogramProto proto = new HistogramProto();
  private final Histogram h = new Histogram();
  private final FloatHistogram fh = new FloatHistogram();
  private final HistogramRun<Histogram> ints =
      new HistogramRun<>(
          ChunkEncoding.HISTOGRAM,
          "histogram",
          HistogramChunkEncoder::firstChunkHeader,
          HistogramChunkEncoder::new);
  private final HistogramRun<FloatHistogram> floats =
      new HistogramRun<>(
          ChunkEncoding.FLOAT_HISTOGRAM,
          "float histogram",
          FloatHistogramChunkEncoder::firstChunkHeader,
          FloatHistogramChunkEncoder::new);

  private final List<byte[]> chunks = new ArrayList<>();
  private long[] mins = new long[8];
  private long[] maxs = new long[8];
  private byte[] encodings = new byte[8];

  /** Histograms left out since this builder was made. */
  long skipped;

  private long warned;

  /**
   * The block series for floats {@code ft/fbits[0, fn)} and the histograms {@code [hFrom, hTo)} of
   * the head's arrays (times {@code ht}, message {@code k} in {@code hb[hEnd[k - 1], hEnd[k])}),
   * both ascending in time; null when nothing was kept.
   */
  BlockSeries build(
      Labels labels,
      long[] ft,
      long[] fbits,
      int fn,
      long[] ht,
      int[] hEnd,
      byte[] hb,
      int hFrom,
      int hTo) {
    if (hFrom >= hTo) {
      return fn == 0 ? null : BlockSeries.encode(labels, ft, fbits, fn);
    }
    chunks.clear();
    ints.enc = null;
    floats.enc = null;
    int i = 0;
    int runStart = 0;
    int j = hFrom;
    while (i < fn || j < hTo) {
      if (j < hTo && (i >= fn || ht[j] <= ft[i])) {
        int start = j == 0 ? 0 : hEnd[j - 1];
        long t = ht[j];
        boolean sameTimeAsFloat = i < fn && ht[j] == ft[i];
        j++;
        if (sameTimeAsFloat) {
          skip(labels, t, "a float sample has the same time");
          continue;
        }
        int len = hEnd[j - 1] - start;
        boolean integer;
        boolean isFloat = false;
        try {
          integer = proto.readInteger(hb, start, len, h);
          if (!integer) {
            isFloat = proto.readFloat(hb, start, len, fh);
          }
        } catch (IllegalArgumentException e) {
          skip(labels, t, "undecodable: " + e.getMessage());
          continue;
        }
        if (!integer && !isFloat) {
          skip(labels, t, "custom bucket bounds or mixed counts");
          continue;
        }
        if (i > runStart) {
          addFloats(ft, fbits, runStart, i);
        }
        runStart = i;
        try {
          if (integer) {
            floats.close();
            ints.append(t, h);
          } else {
            ints.close();
            floats.append(t, fh);
          }
        } catch (IllegalArgumentException e) {
          skip(labels, t, "not encodable: " + e.getMessage());
        }
      } else {
        ints.close();
        floats.close();
        i++;
      }
    }
    if (i > runStart) {
      addFloats(ft, fbits, runStart, i);
    }
    ints.close();
    floats.close();
    int n = chunks.size();
    if (n == 0) {
      return null;
    }
    return new BlockSeries(
        labels,
        List.copyOf(chunks),
        Arrays.copyOf(mins, n),
        Arrays.copyOf(maxs, n),
        Arrays.copyOf(encodings, n));
  }

  /** The open run of one histogram type: its encoder (kept for the next run) and chunk start. */
  private final class HistogramRun<H extends NativeHistogram<H, ?>> {
    private final int encoding;
    private final String what;
    private final Function<H, Header> firstHeader;
    private final Function<Header, HistogramChunkWriter<H>> newEncoder;
    HistogramChunkWriter<H> enc;
    private long minT;

    HistogramRun(
        int encoding,
        String what,
        Function<H, Header> firstHeader,
        Function<Header, HistogramChunkWriter<H>> newEncoder) {
      this.encoding = encoding;
      this.what = what;
      this.firstHeader = firstHeader;
      this.newEncoder = newEncoder;
    }

    void append(long t, H h) {
      if (enc == null) {
        enc = newEncoder.apply(firstHeader.apply(h));
      } else if (enc.count() >= XorChunk.MAX_SAMPLES) {
        Header next = enc.nextChunkHeader(h);
        finish();
        enc.reset(next);
      }
      if (enc.count() == 0) {
        minT = t;
      }
      Verdict v = enc.append(t, h);
      if (v == Verdict.CUT || v == Verdict.CUT_COUNTER_RESET) {
        Header next = enc.nextChunkHeader(h);
        finish();
        enc.reset(next);
        minT = t;
        v = enc.append(t, h);
        if (v != Verdict.APPEND) {
          throw new IllegalStateException("an empty " + what + " chunk refused a sample: " + v);
        }
      }
    }

    /** Adds the open chunk, if it holds samples; the encoder stays for the next. */
    void finish() {
      if (enc != null && enc.count() > 0) {
        add(enc.bytes(), minT, enc.lastTime(), encoding);
      }
    }

    /** Ends the run: the next sample of this type starts a series' first chunk. */
    void close() {
      finish();
      enc = null;
    }
  }

  private void addFloats(long[] ft, long[] fbits, int from, int to) {
    int n = to - from;
    long[] t = from == 0 ? ft : Arrays.copyOfRange(ft, from, to);
    long[] bits = from == 0 ? fbits : Arrays.copyOfRange(fbits, from, to);
    List<byte[]> data = XorChunks.encode(t, bits, n);
    for (int k = 0; k < data.size(); k++) {
      add(
          data.get(k),
          t[k * XorChunk.MAX_SAMPLES],
          t[Math.min(n, (k + 1) * XorChunk.MAX_SAMPLES) - 1],
          ChunkEncoding.XOR);
    }
  }

  private void add(byte[] data, long min, long max, int encoding) {
    int n = chunks.size();
    if (n == mins.length) {
      mins = Arrays.copyOf(mins, n * 2);
      maxs = Arrays.copyOf(maxs, n * 2);
      encodings = Arrays.copyOf(encodings, n * 2);
    }
    chunks.add(data);
    mins[n] = min;
    maxs[n] = max;
    encodings[n] = (byte) encoding;
  }

  private void skip(Labels labels, long t, String why) {
    skipped++;
    if (warned++ < 10) {
      LOG.warn("native histogram left out of the block: series={} t={} reason={}", labels, t, why);
    }
  }
}
