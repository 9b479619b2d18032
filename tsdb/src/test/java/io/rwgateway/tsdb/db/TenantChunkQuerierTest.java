package io.rwgateway.tsdb.db;

import static io.rwgateway.tsdb.db.Batches.samples;
import static io.rwgateway.tsdb.db.Batches.series;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.LabelOrder;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.ChunkIterator;
import io.rwgateway.tsdb.ChunkQuerier;
import io.rwgateway.tsdb.ChunkSeriesSet;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.chunk.XorIterator;
import io.rwgateway.wal.WalOptions;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tenant's streaming reader over blocks and head: the same answers as its list querier (the
 * reference), chunks ascending and non-overlapping per series, and a block cut that starts while a
 * reader is open waits for it instead of taking samples from under it.
 */
class TenantChunkQuerierTest {
  private static final long H = 3_600_000L;
  private static final long T0 = 1_700_000_000_000L / (2 * H) * (2 * H);

  @TempDir Path dir;

  private TsdbOptions options() {
    return new TsdbOptions(dir, WalOptions.defaults(), 0)
        .withFlushOnShutdown(false)
        .withCompactionInterval(3_600_000L);
  }

  /** 20 series sampled every minute over [from, to). */
  private static void fill(TenantDb db, long from, long to) {
    for (long t = from; t < to; t += 60_000L * 30) {
      WriteBatch b = new WriteBatch();
      b.tenant = db.tenant();
      for (int s = 0; s < 20; s++) {
        series(b, "__name__", s % 3 == 0 ? "up" : "req", "instance", "i" + s, "job", "j" + s % 2);
        for (long u = t; u < Math.min(to, t + 60_000L * 30); u += 60_000L) {
          samples(b, u, s * 1000 + (u - from) / 60_000.0);
        }
      }
      db.append(b);
      assertNull(b.failure);
    }
  }

  private static List<SeriesData> stream(ChunkQuerier q, Matcher[] ms, long mint, long maxt) {
    List<SeriesData> out = new ArrayList<>();
    ChunkSeriesSet set = q.select(ms);
    Labels prev = null;
    while (set.next()) {
      Labels l = set.labels();
      assertTrue(prev == null || LabelOrder.compareLabels(prev, l) < 0, "strictly sorted");
      prev = l;
      List<Long> ts = new ArrayList<>();
      List<Double> vs = new ArrayList<>();
      ChunkIterator it = set.chunks();
      long lastMax = Long.MIN_VALUE;
      XorIterator x = new XorIterator();
      while (it.next()) {
        assertTrue(it.minTime() > lastMax, l + ": chunks ascending, not overlapping");
        lastMax = it.maxTime();
        ByteBuffer bb = it.bytes();
        byte[] data = new byte[bb.remaining()];
        bb.get(data);
        x.reset(data, data.length);
        while (x.next()) {
          if (x.t() >= mint && x.t() <= maxt) {
            ts.add(x.t());
            vs.add(Double.longBitsToDouble(x.valueBits()));
          }
        }
      }
      if (!ts.isEmpty()) {
        out.add(
            new SeriesData(
                l,
                ts.stream().mapToLong(Long::longValue).toArray(),
                vs.stream().mapToDouble(Double::doubleValue).toArray(),
                new long[0],
                new byte[0][]));
      }
    }
    return out;
  }

  private static void assertSame(List<SeriesData> expected, List<SeriesData> got, String what) {
    assertEquals(expected.size(), got.size(), what);
    for (int i = 0; i < got.size(); i++) {
      assertEquals(expected.get(i).labels(), got.get(i).labels(), what);
      assertArrayEquals(expected.get(i).sampleT(), got.get(i).sampleT(), what);
      assertArrayEquals(expected.get(i).sampleV(), got.get(i).sampleV(), what);
    }
  }

  @Test
  void agreesWithTheListQuerierOverBlocksAndHead() throws Exception {
    try (Tsdb tsdb = Tsdb.open(options(), null)) {
      TenantDb db = tsdb.tenant("a");
      fill(db, T0, T0 + 9 * H);
      assertEquals(3, db.compactor().compact().size(), "three blocks, the rest in the head");
      Random r = new Random(3);
      TsdbReader reader = new TsdbReader(tsdb);
      for (int round = 0; round < 200; round++) {
        long mint = T0 - H + (long) (r.nextDouble() * 11 * H);
        long maxt = mint + (long) (r.nextDouble() * 5 * H);
        if (round % 20 == 0) {
          mint = Long.MIN_VALUE;
          maxt = Long.MAX_VALUE;
        }
        Matcher[] ms = {
          r.nextBoolean()
              ? Matcher.eq("job", "j" + r.nextInt(2))
              : new Matcher(Matcher.Type.RE, "__name__", r.nextBoolean() ? "up" : "up|req"),
          new Matcher(Matcher.Type.NRE, "instance", "i1.")
        };
        List<SeriesData> expected = db.querier().select(ms, mint, maxt);
        try (ChunkQuerier q = reader.chunkQuerier("a", mint, maxt)) {
          assertSame(expected, stream(q, ms, mint, maxt), "round " + round);
          assertEquals(
              db.querier().labelValues("instance", List.<Matcher[]>of(ms), mint, maxt),
              q.labelValues("instance", ms));
          List<Labels> names = new ArrayList<>();
          ChunkSeriesSet set = q.selectSeries(ms);
          while (set.next()) {
            names.add(set.labels());
          }
          assertEquals(db.querier().series(List.<Matcher[]>of(ms), mint, maxt), names);
        }
      }
      assertEquals(List.of("a"), reader.tenants());
      assertEquals(T0, reader.minTime("a"));
      try (ChunkQuerier q = reader.chunkQuerier("nobody", T0, T0 + H)) {
        assertFalse(q.select(Matcher.eq("job", "j0")).next());
      }
    }
  }

  @Test
  void aCutWaitsForReadersOfTheOldBlockList() throws Exception {
    try (Tsdb tsdb = Tsdb.open(options(), null)) {
      TenantDb db = tsdb.tenant("a");
      fill(db, T0, T0 + 4 * H);
      Matcher[] all = {new Matcher(Matcher.Type.RE, "__name__", ".+")};
      List<SeriesData> expected = db.querier().select(all, Long.MIN_VALUE, Long.MAX_VALUE);
      TreeMap<String, Integer> samples = new TreeMap<>();
      expected.forEach(d -> samples.put(d.labels().toString(), d.sampleCount()));

      ChunkQuerier q = db.chunkQuerier(Long.MIN_VALUE, Long.MAX_VALUE); // head only, for now
      CompletableFuture<Integer> cut =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return db.compactor().compact().size();
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      // The block is written and published, then the cut waits for this reader.
      long deadline = System.currentTimeMillis() + 30_000;
      while (db.blocks().isEmpty() && System.currentTimeMillis() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(1, db.blocks().size());
      Thread.sleep(300);
      assertFalse(cut.isDone(), "head truncation waits for the reader");
      assertSame(expected, stream(q, all, Long.MIN_VALUE, Long.MAX_VALUE), "reader");
      q.close();
      try {
        assertEquals(1, cut.get(30, TimeUnit.SECONDS));
      } catch (TimeoutException e) {
        throw new AssertionError("the cut did not go on after the reader closed", e);
      }
      try (ChunkQuerier after = db.chunkQuerier(Long.MIN_VALUE, Long.MAX_VALUE)) {
        assertSame(expected, stream(after, all, Long.MIN_VALUE, Long.MAX_VALUE), "after the cut");
      }
    }
  }
}
