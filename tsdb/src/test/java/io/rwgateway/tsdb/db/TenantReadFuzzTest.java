package io.rwgateway.tsdb.db;

import static io.rwgateway.tsdb.db.Batches.samples;
import static io.rwgateway.tsdb.db.Batches.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Queries interleaved with appends, block cuts, head truncations and retention, all running at
 * once: every query over a window of acknowledged data that retention cannot have reached finds
 * every sample exactly once, with its value, through both the streaming and the list reader.
 */
class TenantReadFuzzTest {
  private static final long MIN = 60_000L; // 1-minute blocks: many cuts in a few seconds
  private static final long T0 = 1_700_000_000_000L / MIN * MIN;
  private static final long STEP = 1_000;
  private static final int SERIES = 40;
  private static final int STEPS = 40 * 60; // 40 minutes of data
  private static final long WINDOW = 3 * MIN; // what queries read; retention keeps 10 minutes

  @TempDir Path dir;

  private static double value(int s, long t) {
    return s * 100_000.0 + (t - T0) / STEP;
  }

  @Test
  void everyAcknowledgedSampleIsFoundOnceWhileCutsAndRetentionRun() throws Exception {
    TsdbOptions options =
        new TsdbOptions(dir, WalOptions.defaults(), 0)
            .withBlockDuration(MIN)
            .withRetention(10 * MIN)
            .withFlushOnShutdown(false)
            .withCompactionInterval(3_600_000L);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (Tsdb tsdb = Tsdb.open(options, null)) {
      TenantDb db = tsdb.tenant("f");
      AtomicLong acked = new AtomicLong(Long.MIN_VALUE);
      AtomicBoolean done = new AtomicBoolean();
      AtomicLong queries = new AtomicLong();
      Future<?> writer =
          pool.submit(
              () -> {
                for (int k = 0; k < STEPS; k++) {
                  long t = T0 + k * STEP;
                  WriteBatch b = new WriteBatch();
                  b.tenant = "f";
                  for (int s = 0; s < SERIES; s++) {
                    series(b, "__name__", "fuzz", "s", String.format("%02d", s));
                    samples(b, t, value(s, t));
                  }
                  db.append(b);
                  assertNull(b.failure);
                  assertEquals(SERIES, b.samplesWritten);
                  acked.set(t);
                  if (k % 4 == 0) {
                    Thread.sleep(1);
                  }
                }
                return null;
              });
      Future<?> compactor =
          pool.submit(
              () -> {
                int cuts = 0;
                while (!done.get()) {
                  cuts += db.compactor().compact().size();
                  db.compactor().applyRetention();
                  Thread.sleep(2);
                }
                return cuts;
              });
      List<Future<?>> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        int seed = r;
        readers.add(
            pool.submit(
                () -> {
                  Random rnd = new Random(seed);
                  while (!done.get()) {
                    long to = acked.get();
                    if (to < T0 + WINDOW) {
                      Thread.sleep(1);
                      continue;
                    }
                    long from = to - (long) (rnd.nextDouble() * WINDOW) / STEP * STEP;
                    check(db, from, to, rnd.nextBoolean());
                    queries.incrementAndGet();
                  }
                  return null;
                }));
      }
      writer.get(120, TimeUnit.SECONDS);
      done.set(true);
      int cuts = (Integer) compactor.get(60, TimeUnit.SECONDS);
      for (Future<?> f : readers) {
        f.get(60, TimeUnit.SECONDS);
      }
      assertTrue(cuts >= 20, "blocks were cut meanwhile: " + cuts);
      assertTrue(queries.get() >= 20, "queries ran meanwhile: " + queries.get());
      assertTrue(db.blocks().size() <= 12, "retention ran meanwhile: " + db.blocks().size());
    } finally {
      pool.shutdownNow();
    }
  }

  /** Every series has exactly the samples of [from, to], with their values. */
  private static void check(TenantDb db, long from, long to, boolean streaming) {
    Matcher[] ms = {Matcher.eq("__name__", "fuzz")};
    List<long[]> got = new ArrayList<>();
    List<Labels> labels = new ArrayList<>();
    if (streaming) {
      try (ChunkQuerier q = db.chunkQuerier(from, to)) {
        ChunkSeriesSet set = q.select(ms);
        XorIterator x = new XorIterator();
        while (set.next()) {
          labels.add(set.labels());
          List<Long> flat = new ArrayList<>();
          ChunkIterator it = set.chunks();
          while (it.next()) {
            ByteBuffer bb = it.bytes();
            byte[] data = new byte[bb.remaining()];
            bb.get(data);
            x.reset(data, data.length);
            while (x.next()) {
              if (x.t() >= from && x.t() <= to) {
                flat.add(x.t());
                flat.add(x.valueBits());
              }
            }
          }
          got.add(flat.stream().mapToLong(Long::longValue).toArray());
        }
      }
    } else {
      for (SeriesData d : db.querier().select(ms, from, to)) {
        labels.add(d.labels());
        long[] flat = new long[2 * d.sampleCount()];
        for (int i = 0; i < d.sampleCount(); i++) {
          flat[2 * i] = d.sampleT()[i];
          flat[2 * i + 1] = Double.doubleToRawLongBits(d.sampleV()[i]);
        }
        got.add(flat);
      }
    }
    String what = (streaming ? "streaming" : "list") + " [" + from + ", " + to + "]";
    assertEquals(SERIES, got.size(), what);
    int n = (int) ((to - from) / STEP) + 1;
    for (int s = 0; s < SERIES; s++) {
      long[] flat = got.get(s);
      assertEquals(Labels.of("__name__", "fuzz", "s", String.format("%02d", s)), labels.get(s));
      assertEquals(2 * n, flat.length, what + " series " + s + ": samples");
      for (int i = 0; i < n; i++) {
        long t = from + i * STEP;
        assertEquals(t, flat[2 * i], what);
        assertEquals(Double.doubleToRawLongBits(value(s, t)), flat[2 * i + 1], what);
      }
    }
  }
}
