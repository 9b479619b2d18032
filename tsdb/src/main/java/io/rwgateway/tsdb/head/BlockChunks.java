package io.rwgateway.tsdb.head;

import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.ChunkCutter;
import io.rwgateway.tsdb.chunk.FloatHistogram;
import io.rwgateway.tsdb.chunk.Histogram;
import io.rwgateway.tsdb.chunk.HistogramProto;
import io.rwgateway.tsdb.layout.BlockSeries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes one series' float samples and native histograms of a time range, as the head holds them
 * (floats and histograms in separate time orders, histograms as protobuf messages), into chunks in
 * one time order, cut by {@link ChunkCutter} (2.42's rules). The block cut ({@link
 * HeadBlockSource}) and the head's streaming reader ({@link HeadChunkQuerier}) both build a series'
 * chunks here, so the head hands a reader the chunks the block will hold for the same range.
 *
 * <p>What no chunk can hold is left out and counted in {@link #skipped}: a histogram at the same
 * time as a float sample (the head keeps floats and histograms in separate time orders, a block
 * series has one; the float wins, as the one read first), custom bucket bounds, and a message that
 * does not decode or that the encoder refuses (ingest already rejects those).
 *
 * <p>Not thread-safe; reused across the series of one block or one read.
 */
final class BlockChunks {
  private static final Logger LOG = LoggerFactory.getLogger(BlockChunks.class);

  private final HistogramProto proto = new HistogramProto();
  private final Histogram h = new Histogram();
  private final FloatHistogram fh = new FloatHistogram();
  private final ChunkCutter cutter = new ChunkCutter();
  private final boolean logSkipped;

  /** Histograms left out since this builder was made. */
  long skipped;

  private long warned;

  /**
   * @param logSkipped whether to log (the first few) histograms left out: the block cut does, a
   *     read does not (the cut of the same range logs them once)
   */
  BlockChunks(boolean logSkipped) {
    this.logSkipped = logSkipped;
  }

  /**
   * The chunks of the floats {@code floats} holds (read for [mint, maxt]) and of the snapshot's
   * histograms in [mint, maxt]; null when nothing was kept.
   */
  BlockSeries build(
      Labels labels, RangeSamples floats, MemSeries.Snapshot snap, long mint, long maxt) {
    return build(
        labels,
        floats.ts,
        floats.bits,
        floats.n,
        snap.histT(),
        snap.histEnd(),
        snap.histBytes(),
        snap.histIndexFrom(mint),
        snap.histIndexAfter(maxt));
  }

  /**
   * The block series for floats {@code ft/fbits[0, fn)} and the histograms {@code [hFrom, hTo)} of
   * the head's arrays (times {@code ht}, message {@code k} in {@code hb[hEnd[k - 1], hEnd[k])}),
   * both ascending in time; null when nothing was kept.
   */
  private BlockSeries build(
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
      // NOTE: no histogram: the float path of before histograms, byte for byte the same chunks.
      return fn == 0 ? null : BlockSeries.encode(labels, ft, fbits, fn);
    }
    cutter.reset();
    int i = 0;
    int j = hFrom;
    while (i < fn || j < hTo) {
      if (j < hTo && (i >= fn || ht[j] <= ft[i])) {
        int start = j == 0 ? 0 : hEnd[j - 1];
        int len = hEnd[j] - start;
        long t = ht[j];
        j++;
        if (i < fn && t == ft[i]) {
          skip(labels, t, "a float sample has the same time");
          continue;
        }
        addHistogram(labels, t, hb, start, len);
      } else {
        cutter.addFloat(ft[i], fbits[i]);
        i++;
      }
    }
    cutter.finish();
    if (cutter.chunkCount() == 0) {
      return null;
    }
    return new BlockSeries(
        labels, cutter.chunks(), cutter.minTimes(), cutter.maxTimes(), cutter.encodings());
  }

  /** Decodes the message in {@code hb[start, start + len)} and adds it, or counts it skipped. */
  private void addHistogram(Labels labels, long t, byte[] hb, int start, int len) {
    boolean integer;
    boolean isFloat = false;
    try {
      integer = proto.readInteger(hb, start, len, h);
      if (!integer) {
        isFloat = proto.readFloat(hb, start, len, fh);
      }
    } catch (IllegalArgumentException e) {
      skip(labels, t, "undecodable: " + e.getMessage());
      return;
    }
    if (!integer && !isFloat) {
      skip(labels, t, "custom bucket bounds or mixed counts");
      return;
    }
    try {
      if (integer) {
        cutter.addHistogram(t, h);
      } else {
        cutter.addFloatHistogram(t, fh);
      }
    } catch (IllegalArgumentException e) {
      skip(labels, t, "not encodable: " + e.getMessage());
    }
  }

  private void skip(Labels labels, long t, String why) {
    skipped++;
    if (logSkipped && warned++ < 10) {
      LOG.warn("native histogram left out of the block: series={} t={} reason={}", labels, t, why);
    }
  }
}
