package io.rwgateway.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.ChunkEncoding;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.chunk.XorIterator;
import io.rwgateway.tsdb.db.Batches;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The head's streaming reader against its list querier (the reference for head semantics): the same
 * series in the same order and, decoded, the same samples, for random ranges and matchers, with
 * finished chunks, open chunks, gaps and out-of-order samples; chunk time bounds exact; leases keep
 * truncated chunk files readable.
 */
class HeadChunkQuerierTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final long STEP = 10_000;
  private static final long WINDOW = 3_600_000;

  /** 30 series; 700 samples each (5 finished chunks, an open one), a gap, some out of order. */
  private static Head filled(Random r) {
    return filled(r, new Head());
  }

  private static Head filled(Random r, Head head) {
    HeadAppender app = new HeadAppender(head, WINDOW);
    for (int i = 0; i < 700; i++) {
      WriteBatch b = new WriteBatch();
      long t = T0 + i * STEP + (i >= 480 ? 1_800_000 : 0); // a 30 min gap at a chunk boundary
      for (int s = 0; s < 30; s++) {
        if (s % 7 == 3 && i % 2 == 1) {
          continue; // sparser series
        }
        Batches.series(
            b, "__name__", "m" + (s % 4), "job", s % 2 == 0 ? "api" : "web", "s", "" + s);
        // Values that compress (~2 bits a sample), so chunks are cut at 120 samples, never by
        // size: the gap lies at a chunk boundary.
        Batches.samples(b, t, s + i / 120);
      }
      app.prepare(b, new Recorder());
      app.commit(b);
    }
    // Out of order, inside the window, for a few series: between existing samples.
    WriteBatch b = new WriteBatch();
    for (int s = 0; s < 30; s += 5) {
      Batches.series(b, "__name__", "m" + (s % 4), "job", s % 2 == 0 ? "api" : "web", "s", "" + s);
      Batches.samples(b, T0 + 1_800_000 + 650 * STEP + 3, -1.0 - r.nextInt(9));
    }
    app.prepare(b, new Recorder());
    app.commit(b);
    return head;
  }

  private static SeriesData decode(Labels l, ChunkIterator it, long mint, long maxt) {
    List<Long> ts = new ArrayList<>();
    List<Long> vs = new ArrayList<>();
    XorIterator x = new XorIterator();
    long lastMax = Long.MIN_VALUE;
    while (it.next()) {
      assertEquals(ChunkEncoding.XOR, it.encoding());
      assertTrue(it.minTime() > lastMax, "chunks ascending and not overlapping");
      assertTrue(it.minTime() <= maxt && it.maxTime() >= mint, "chunk meets the range");
      ByteBuffer bb = it.bytes();
      byte[] data = new byte[bb.remaining()];
      bb.get(data);
      x.reset(data, data.length);
      long first = Long.MIN_VALUE;
      long last = Long.MIN_VALUE;
      while (x.next()) {
        first = first == Long.MIN_VALUE ? x.t() : first;
        last = x.t();
        if (x.t() >= mint && x.t() <= maxt) {
          ts.add(x.t());
          vs.add(x.valueBits());
        }
      }
      assertEquals(first, it.minTime(), "exact min time");
      assertEquals(last, it.maxTime(), "exact max time");
      lastMax = it.maxTime();
    }
    double[] v = new double[vs.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = Double.longBitsToDouble(vs.get(i));
    }
    return new SeriesData(
        l, ts.stream().mapToLong(Long::longValue).toArray(), v, new long[0], new byte[0][]);
  }

  @Test
  void agreesWithTheListQuerier() {
    Random r = new Random(5);
    Head head = filled(r);
    HeadQuerier list = new HeadQuerier(head);
    long end = T0 + 1_800_000 + 700 * STEP;
    for (int round = 0; round < 300; round++) {
      long mint = T0 - 60_000 + (long) (r.nextDouble() * (end - T0 + 120_000));
      long maxt = mint + (long) (r.nextDouble() * 3_000_000);
      if (round % 10 == 0) {
        mint = Long.MIN_VALUE;
        maxt = Long.MAX_VALUE;
      }
      Matcher[] ms = {
        r.nextBoolean()
            ? Matcher.eq("job", r.nextBoolean() ? "api" : "web")
            : new Matcher(Matcher.Type.RE, "__name__", r.nextBoolean() ? "m1|m3" : "m.*"),
        new Matcher(Matcher.Type.NEQ, "s", "" + r.nextInt(30))
      };
      List<SeriesData> expected = list.select(ms, mint, maxt);
      List<SeriesData> got = new ArrayList<>();
      try (ChunkQuerier q = head.chunkQuerier(mint, maxt)) {
        ChunkSeriesSet set = q.select(ms);
        Labels prev = null;
        while (set.next()) {
          Labels l = set.labels();
          assertTrue(prev == null || LabelOrder.compareLabels(prev, l) < 0, "strictly sorted");
          prev = l;
          got.add(decode(l, set.chunks(), mint, maxt));
        }
      }
      got.removeIf(d -> d.sampleCount() == 0); // a chunk meets the range, its samples may not
      assertEquals(expected.size(), got.size(), "round " + round);
      for (int i = 0; i < got.size(); i++) {
        assertEquals(expected.get(i).labels(), got.get(i).labels());
        assertArrayEquals(expected.get(i).sampleT(), got.get(i).sampleT(), "round " + round);
        assertArrayEquals(expected.get(i).sampleV(), got.get(i).sampleV(), "round " + round);
      }
      assertEquals(0, head.chunkReaders(), "lease released");
      // Labels only: the series the list querier's series() lists, no chunk read.
      List<Labels> names = new ArrayList<>();
      try (ChunkQuerier q = head.chunkQuerier(mint, maxt)) {
        ChunkSeriesSet set = q.selectSeries(ms);
        while (set.next()) {
          names.add(set.labels());
          assertThrows(IllegalStateException.class, set::chunks);
        }
      }
      assertEquals(list.series(List.<Matcher[]>of(ms), mint, maxt), names, "round " + round);
    }
  }

  @Test
  void aSeriesWithoutAChunkInTheRangeIsNotReturned() {
    Head head = filled(new Random(1));
    // Inside the 30 min gap: every series' min/max span it, no chunk meets it.
    long gapFrom = T0 + 479 * STEP + 1;
    try (ChunkQuerier q = head.chunkQuerier(gapFrom, gapFrom + 600_000)) {
      assertFalse(q.select(Matcher.eq("job", "api")).next());
    }
  }

  @Test
  void aLeaseKeepsTruncatedChunkFilesReadable(@TempDir Path dir) throws Exception {
    // Segments of 4 KiB: truncation deletes the finished chunks' files (the one being written
    // is never deleted).
    Head head = filled(new Random(2), new Head(100, HeadChunks.open(dir, 4096)));
    ChunkQuerier q = head.chunkQuerier(Long.MIN_VALUE, Long.MAX_VALUE);
    ChunkSeriesSet set = q.select(Matcher.eq("s", "4"));
    assertTrue(set.next());
    // Two truncations that drop every finished chunk: without the lease the segment would be
    // closed by the second.
    long all = T0 + 1_800_000 + 700 * STEP + 1;
    head.truncate(all);
    head.truncate(all + 1);
    ChunkIterator it = set.chunks();
    int chunks = 0;
    while (it.next()) {
      ByteBuffer bb = it.bytes();
      assertTrue(bb.remaining() > 2);
      chunks++;
    }
    assertEquals(6, chunks, "5 finished chunks and the open one, read after truncation");
    q.close();
    assertEquals(0, head.chunkReaders());
    head.truncate(all + 2); // now the retired files are closed
    head.close();
    assertThrows(IllegalStateException.class, () -> q.select(Matcher.eq("s", "4")));
  }
}
