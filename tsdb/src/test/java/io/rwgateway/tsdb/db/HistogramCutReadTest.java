package io.rwgateway.tsdb.db;

import static io.rwgateway.tsdb.db.Batches.histogram;
import static io.rwgateway.tsdb.db.Batches.samples;
import static io.rwgateway.tsdb.db.Batches.series;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.block.Block;
import io.rwgateway.tsdb.chunk.FloatHistogram;
import io.rwgateway.tsdb.chunk.FloatHistogramChunkIterator;
import io.rwgateway.tsdb.chunk.Histogram;
import io.rwgateway.tsdb.chunk.HistogramChunkIterator;
import io.rwgateway.tsdb.chunk.HistogramMeaning;
import io.rwgateway.tsdb.chunk.HistogramProto;
import io.rwgateway.tsdb.chunk.XorIterator;
import io.rwgateway.wal.WalOptions;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Native histograms read through a tenant's streaming reader (blocks and head merged) around a
 * block cut: before it the head alone serves them, as the chunks the block will hold; while the
 * block is published and the head not yet truncated both hold them and each sample comes back once;
 * after it, the block serves them.
 */
class HistogramCutReadTest {
  private static final long H = 3_600_000L;
  private static final long T0 = 1_700_000_000_000L / (2 * H) * (2 * H);
  private static final long STEP = 30_000L;
  private static final Matcher[] MIXED = {Matcher.eq("__name__", "mixed")};

  @TempDir Path dir;

  private TsdbOptions options() {
    return new TsdbOptions(dir, WalOptions.defaults(), 0)
        .withFlushOnShutdown(false)
        .withCompactionInterval(3_600_000L);
  }

  /** Steps 0-9 floats, 10-199 integer histograms, 200-209 floats, 210-239 float histograms. */
  private static char kind(int k) {
    return k < 10 || (k >= 200 && k < 210) ? 'F' : k < 200 ? 'H' : 'G';
  }

  private static FloatHistogram floatHist(int k) {
    Histogram h = HistogramBlockTest.hist(k);
    int[] idx = new int[h.positive().bucketCount()];
    long[] counts = new long[idx.length];
    int n = h.positive().absolute(idx, counts);
    double[] c = new double[n];
    for (int i = 0; i < n; i++) {
      c[i] = counts[i] + 0.25;
    }
    FloatHistogram f = new FloatHistogram().schema(0).zeroThreshold(h.zeroThreshold());
    f.positive().setAbsolute(idx, c, n);
    return f.zeroCount(h.zeroCount() + 0.5).count(h.count() + 0.5 + 0.25 * n).sum(h.sum());
  }

  /** Counts, sum and positive buckets (these histograms have no others). */
  private static String floatNormal(FloatHistogram f) {
    StringBuilder b =
        new StringBuilder()
            .append(f.count())
            .append('/')
            .append(f.zeroCount())
            .append('/')
            .append(f.sum())
            .append(" spans=")
            .append(f.positive().spanCount());
    for (int i = 0; i < f.positive().bucketCount(); i++) {
      b.append(' ').append(f.positive().count(i));
    }
    return b.toString();
  }

  /** 240 steps of "mixed" (2 hours), then a sample 3 hours on so that the first range is due. */
  private static List<String> fill(TenantDb db) {
    List<String> expected = new ArrayList<>();
    for (int k = 0; k < 240; k += 20) {
      WriteBatch b = new WriteBatch();
      b.tenant = "a";
      series(b, "__name__", "mixed");
      for (int u = k; u < k + 20; u++) {
        long t = T0 + u * STEP;
        switch (kind(u)) {
          case 'F':
            samples(b, t, u * 0.5);
            expected.add(t + " F " + Double.doubleToRawLongBits(u * 0.5));
            break;
          case 'H':
            histogram(b, t, HistogramProto.encode(t, HistogramBlockTest.hist(u)));
            expected.add(t + " H " + HistogramMeaning.normal(HistogramBlockTest.hist(u)));
            break;
          default:
            histogram(b, t, HistogramProto.encode(t, floatHist(u)));
            expected.add(t + " G " + floatNormal(floatHist(u)));
            break;
        }
      }
      db.append(b);
      assertNull(b.failure);
    }
    WriteBatch b = new WriteBatch();
    b.tenant = "a";
    series(b, "__name__", "later");
    samples(b, T0 + 3 * H + 60_000, 1);
    db.append(b);
    assertNull(b.failure);
    return expected;
  }

  /** The chunks of "mixed" as a reader gets them: bytes and encodings. */
  private record Chunks(List<byte[]> bytes, List<Integer> encodings, List<String> samples) {}

  /** Reads "mixed" in [mint, maxt]: chunks in order, not overlapping, and samples in range. */
  private static Chunks read(ChunkQuerier q, long mint, long maxt) {
    ChunkSeriesSet set = q.select(MIXED);
    assertTrue(set.next());
    assertEquals(Labels.of("__name__", "mixed"), set.labels());
    Chunks out = new Chunks(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    ChunkIterator it = set.chunks();
    XorIterator x = new XorIterator();
    HistogramChunkIterator hit = new HistogramChunkIterator();
    FloatHistogramChunkIterator fit = new FloatHistogramChunkIterator();
    long lastMax = Long.MIN_VALUE;
    while (it.next()) {
      assertTrue(it.minTime() > lastMax, "chunks in time order, not overlapping");
      lastMax = it.maxTime();
      ByteBuffer bb = it.bytes();
      byte[] data = new byte[bb.remaining()];
      bb.get(data);
      out.bytes().add(data);
      out.encodings().add(it.encoding());
      long first = Long.MIN_VALUE;
      long last = Long.MIN_VALUE;
      if (it.encoding() == ChunkEncoding.XOR) {
        x.reset(data, data.length);
        while (x.next()) {
          first = first == Long.MIN_VALUE ? x.t() : first;
          last = x.t();
          if (x.t() >= mint && x.t() <= maxt) {
            out.samples().add(x.t() + " F " + x.valueBits());
          }
        }
      } else if (it.encoding() == ChunkEncoding.HISTOGRAM) {
        hit.reset(data, 0, data.length);
        while (hit.next()) {
          first = first == Long.MIN_VALUE ? hit.t() : first;
          last = hit.t();
          if (hit.t() >= mint && hit.t() <= maxt) {
            out.samples().add(hit.t() + " H " + HistogramMeaning.normal(hit.histogram()));
          }
        }
      } else {
        assertEquals(ChunkEncoding.FLOAT_HISTOGRAM, it.encoding());
        fit.reset(data, 0, data.length);
        while (fit.next()) {
          first = first == Long.MIN_VALUE ? fit.t() : first;
          last = fit.t();
          if (fit.t() >= mint && fit.t() <= maxt) {
            out.samples().add(fit.t() + " G " + floatNormal(fit.histogram()));
          }
        }
      }
      assertEquals(first, it.minTime(), "exact min time");
      assertEquals(last, it.maxTime(), "exact max time");
    }
    assertFalse(set.next());
    return out;
  }

  private static List<String> inRange(List<String> all, long mint, long maxt) {
    List<String> out = new ArrayList<>();
    for (String s : all) {
      long t = Long.parseLong(s.substring(0, s.indexOf(' ')));
      if (t >= mint && t <= maxt) {
        out.add(s);
      }
    }
    return out;
  }

  /** Ranges a reader may ask: all, the block's, and ones crossing its edges and the kinds' runs. */
  private static final long[][] RANGES = {
    {Long.MIN_VALUE, Long.MAX_VALUE},
    {T0, T0 + 2 * H - 1},
    {T0 + 95 * STEP + 1, T0 + 3 * H},
    {T0 + 5 * STEP, T0 + 205 * STEP},
    {T0 + 150 * STEP, T0 + 230 * STEP - 1},
  };

  @Test
  void eachHistogramOnceBeforeDuringAndAfterTheCut() throws Exception {
    try (Tsdb tsdb = Tsdb.open(options(), null)) {
      TenantDb db = tsdb.tenant("a");
      List<String> expected = fill(db);
      long blockMax = T0 + 2 * H - 1;

      // Before the cut: the head alone, histograms included.
      Chunks headChunks;
      try (ChunkQuerier q = db.chunkQuerier(T0, blockMax)) {
        headChunks = read(q, T0, blockMax);
      }
      assertEquals(expected, headChunks.samples());
      for (long[] r : RANGES) {
        try (ChunkQuerier q = db.chunkQuerier(r[0], r[1])) {
          assertEquals(inRange(expected, r[0], r[1]), read(q, r[0], r[1]).samples(), "before");
        }
      }

      // A reader open across the cut holds the head's truncation back: the block is published
      // while the head still holds its samples.
      ChunkQuerier old = db.chunkQuerier(Long.MIN_VALUE, Long.MAX_VALUE);
      CompletableFuture<Integer> cut =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return db.compactor().compact().size();
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      long deadline = System.currentTimeMillis() + 30_000;
      while (db.blocks().isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(1, db.blocks().size());
      assertFalse(cut.isDone(), "head truncation waits for the old reader");

      // The block holds the bytes the head handed out for its range.
      Block block = db.blocks().get(0);
      try (ChunkQuerier q = block.chunkQuerier(T0, blockMax)) {
        Chunks fromBlock = read(q, T0, blockMax);
        assertEquals(headChunks.encodings(), fromBlock.encodings());
        assertEquals(headChunks.bytes().size(), fromBlock.bytes().size());
        for (int c = 0; c < fromBlock.bytes().size(); c++) {
          assertArrayEquals(headChunks.bytes().get(c), fromBlock.bytes().get(c), "chunk " + c);
        }
        assertTrue(fromBlock.encodings().contains(ChunkEncoding.FLOAT_HISTOGRAM));
      }

      // During the cut: block and head both hold the range; each sample comes back once.
      for (long[] r : RANGES) {
        try (ChunkQuerier q = db.chunkQuerier(r[0], r[1])) {
          assertEquals(inRange(expected, r[0], r[1]), read(q, r[0], r[1]).samples(), "during");
        }
      }
      assertEquals(expected, read(old, Long.MIN_VALUE, Long.MAX_VALUE).samples(), "old reader");
      old.close();
      assertEquals(1, cut.get(30, TimeUnit.SECONDS));
      assertTrue(db.headMinTime() > blockMax, "the range left the head");

      // After the cut: from the block.
      for (long[] r : RANGES) {
        try (ChunkQuerier q = db.chunkQuerier(r[0], r[1])) {
          assertEquals(inRange(expected, r[0], r[1]), read(q, r[0], r[1]).samples(), "after");
        }
      }
      // The list querier (SAMPLES remote read) agrees: every histogram once.
      assertEquals(
          190 + 30, db.querier().select(MIXED, T0, blockMax).get(0).histT().length, "list");
    }
  }

  @Test
  void theShapeOfTheMergedChunksDuringTheCutIsTheBlocks() throws Exception {
    // Not just the samples: the merge of a block chunk and the head's identical chunk is one chunk
    // of the same kind and time bounds.
    TreeMap<String, Integer> kinds = new TreeMap<>();
    try (Tsdb tsdb = Tsdb.open(options(), null)) {
      TenantDb db = tsdb.tenant("a");
      fill(db);
      long blockMax = T0 + 2 * H - 1;
      ChunkQuerier old = db.chunkQuerier(Long.MIN_VALUE, Long.MAX_VALUE);
      CompletableFuture<Integer> cut =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return db.compactor().compact().size();
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      long deadline = System.currentTimeMillis() + 30_000;
      while (db.blocks().isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      List<Integer> blockEncodings;
      try (ChunkQuerier q = db.blocks().get(0).chunkQuerier(T0, blockMax)) {
        blockEncodings = read(q, T0, blockMax).encodings();
      }
      try (ChunkQuerier q = db.chunkQuerier(T0, blockMax)) {
        List<Integer> merged = read(q, T0, blockMax).encodings();
        assertEquals(blockEncodings, merged);
        merged.forEach(e -> kinds.merge(ChunkEncoding.name(e), 1, Integer::sum));
      } finally {
        old.close();
      }
      assertEquals(1, cut.get(30, TimeUnit.SECONDS));
    }
    // X10, H50, H140 (190 integer histograms: 2.42's schedule ends the second chunk with the
    // range), X10, FH30 (one float histogram chunk).
    assertEquals(2, kinds.get("XOR"));
    assertEquals(2, kinds.get("histogram"));
    assertEquals(1, kinds.get("float histogram"));
  }
}
