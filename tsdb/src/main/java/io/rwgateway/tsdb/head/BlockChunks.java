package io.rwgateway.tsdb.head;

import io.rwgateway.model.Labels;
import io.rwgateway.tsdb.ChunkCutter;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.chunk.FloatHistogramChunkIterator;
import io.rwgateway.tsdb.chunk.HistogramChunkIterator;
import io.rwgateway.tsdb.chunk.HistogramChunkReader;
import io.rwgateway.tsdb.layout.BlockSeries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds one series' chunks of a time range from the head: its float samples (decoded, see {@link
 * RangeSamples}) and its histogram chunks ({@link HistogramChunkList}), in one time order, as
 * {@link ChunkCutter} (2.42's rules) cuts that range's samples. The block cut ({@link
 * HeadBlockSource}) and the head's streaming reader ({@link HeadChunkQuerier}, for series whose
 * float and histogram chunks overlap in time) both build a series' chunks here.
 *
 * <p>The head cuts histogram chunks by the same rules as it appends them, and never across a block
 * boundary, so the chunks of a block range are usually ready: they are taken as stored when they
 * lie inside the range, no float sample falls inside one, and each starts a run (its run-start
 * flag) exactly where the cutter would start one: the first in the range, the first after a float
 * sample, the first after a chunk of the other histogram type. Otherwise (a range edge inside a
 * chunk, a float older than the histograms around it) the histograms in the range are decoded from
 * the chunks and re-cut; they then come back as the chunks hold them (the layout of the chunk they
 * were in, the reset hint the chunk implies), so such a re-cut may differ from a cut of the
 * original messages where a layout grew within a chunk.
 *
 * <p>What no chunk can hold is left out and counted in {@link #skipped}: a histogram at the same
 * time as a float sample (the head keeps floats and histograms in separate time orders, a block
 * series has one; the float wins, as the one read first), and one the encoder refuses. (Custom
 * bucket bounds, schema -53, are chunked like any other histogram.)
 *
 * <p>Not thread-safe; reused across the series of one block or one read.
 */
final class BlockChunks {
  private static final Logger LOG = LoggerFactory.getLogger(BlockChunks.class);

  private final HistogramChunkList hists;
  private final HistogramChunkIterator hit = new HistogramChunkIterator();
  private final FloatHistogramChunkIterator fhit = new FloatHistogramChunkIterator();
  private final ChunkCutter cutter;
  private final boolean logSkipped;

  /** Histograms left out since this builder was made. */
  long skipped;

  /** Series whose histogram chunks were re-cut rather than taken as stored (for tests). */
  long recut;

  private long warned;

  /**
   * @param histogramChunkRange the head's block range, which histogram chunks are planned within
   * @param logSkipped whether to log (the first few) histograms left out: the block cut does, a
   *     read does not (the cut of the same range logs them once)
   */
  BlockChunks(HeadChunks chunks, long histogramChunkRange, boolean logSkipped) {
    this.hists = new HistogramChunkList(chunks);
    this.cutter = new ChunkCutter(histogramChunkRange);
    this.logSkipped = logSkipped;
  }

  /**
   * The chunks of the floats {@code floats} holds (read for [mint, maxt]) and of the snapshot's
   * histograms in [mint, maxt]; null when nothing was kept.
   */
  BlockSeries build(
      Labels labels, RangeSamples floats, MemSeries.Snapshot snap, long mint, long maxt) {
    long[] ft = floats.ts;
    long[] fbits = floats.bits;
    int fn = floats.n;
    int hn = snap.mayHaveHistogramsIn(mint, maxt) ? hists.load(snap, mint, maxt) : 0;
    if (hn == 0) {
      // NOTE: no histogram: the float path of before histograms, byte for byte the same chunks.
      return fn == 0 ? null : BlockSeries.encode(labels, ft, fbits, fn);
    }
    cutter.reset();
    int i = 0;
    if (asStored(ft, fn, hn, mint, maxt)) {
      for (int c = 0; c < hn; c++) {
        long min = hists.minTime(c);
        for (; i < fn && ft[i] < min; i++) {
          cutter.addFloat(ft[i], fbits[i]);
        }
        cutter.addChunk(hists.copy(c), min, hists.maxTime(c), hists.encoding(c));
      }
    } else {
      recut++;
      for (int c = 0; c < hn; c++) {
        boolean integer = hists.encoding(c) == ChunkEncoding.HISTOGRAM;
        HistogramChunkReader r =
            integer
                ? hit.reset(hists.array(c), hists.offset(c), hists.length(c))
                : fhit.reset(hists.array(c), hists.offset(c), hists.length(c));
        while (r.next()) {
          long t = r.t();
          if (t < mint) {
            continue;
          }
          if (t > maxt) {
            break;
          }
          for (; i < fn && ft[i] < t; i++) {
            cutter.addFloat(ft[i], fbits[i]);
          }
          if (i < fn && ft[i] == t) {
            skip(labels, t, "a float sample has the same time");
            continue;
          }
          try {
            if (integer) {
              cutter.addHistogram(t, hit.histogram());
            } else {
              cutter.addFloatHistogram(t, fhit.histogram());
            }
          } catch (IllegalArgumentException e) {
            skip(labels, t, "not encodable: " + e.getMessage());
          }
        }
      }
    }
    for (; i < fn; i++) {
      cutter.addFloat(ft[i], fbits[i]);
    }
    cutter.finish();
    if (cutter.chunkCount() == 0) {
      return null;
    }
    return new BlockSeries(
        labels, cutter.chunks(), cutter.minTimes(), cutter.maxTimes(), cutter.encodings());
  }

  /**
   * Whether the loaded histogram chunks are what the cutter would cut from their samples and the
   * floats {@code ft[0, fn)}: every chunk inside [mint, maxt], no float inside a chunk's time span,
   * none cut early under memory pressure, and a run start exactly where the cutter starts a run.
   */
  private boolean asStored(long[] ft, int fn, int hn, long mint, long maxt) {
    int i = 0;
    int prevEncoding = 0;
    for (int c = 0; c < hn; c++) {
      long min = hists.minTime(c);
      long max = hists.maxTime(c);
      if (min < mint || max > maxt) {
        return false;
      }
      boolean floatBefore = false;
      for (; i < fn && ft[i] < min; i++) {
        floatBefore = true;
      }
      if (i < fn && ft[i] <= max) {
        return false;
      }
      if (hists.earlyCut(c)) {
        return false; // cut under memory pressure, not where the cutter would end it
      }
      int encoding = hists.encoding(c);
      boolean startsRun = c == 0 || floatBefore || encoding != prevEncoding;
      if (hists.runStart(c) != startsRun) {
        return false;
      }
      prevEncoding = encoding;
    }
    return true;
  }

  private void skip(Labels labels, long t, String why) {
    skipped++;
    if (logSkipped && warned++ < 10) {
      LOG.warn("native histogram left out of the block: series={} t={} reason={}", labels, t, why);
    }
  }
}
