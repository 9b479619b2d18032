package io.rwgateway.tsdb.db;

import static io.rwgateway.tsdb.db.Batches.samples;
import static io.rwgateway.tsdb.db.Batches.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Matcher;
import io.rwgateway.tsdb.MergeQuerier;
import io.rwgateway.tsdb.Querier;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.block.Block;
import io.rwgateway.wal.WalOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A list query that overlaps a block cut reads one consistent view: the cut publishes its block,
 * then waits for the query (which took the old block list) before it truncates the head, so the
 * query sees every sample once, without a retry.
 */
class TenantQuerierTest {
  private static final long H = 3_600_000L;
  private static final long T0 = 1_700_000_000_000L / (2 * H) * (2 * H);
  private static final Matcher[] ALL = {new Matcher(Matcher.Type.RE, "__name__", ".+")};

  @TempDir Path dir;

  @Test
  void aQueryThatOverlapsACutSeesEverySampleOnce() throws Exception {
    TsdbOptions options =
        new TsdbOptions(dir, WalOptions.defaults(), 0)
            .withFlushOnShutdown(false)
            .withCompactionInterval(3_600_000L);
    try (Tsdb tsdb = Tsdb.open(options, null)) {
      TenantDb db = tsdb.tenant("a");
      for (long t = T0; t < T0 + 4 * H; t += 60_000) {
        WriteBatch b = new WriteBatch();
        b.tenant = "a";
        series(b, "__name__", "up", "i", "1");
        samples(b, t, t / 1000.0);
        db.append(b);
        assertNull(b.failure);
      }
      int all = (int) (4 * H / 60_000);
      assertEquals(
          all, db.querier().select(ALL, Long.MIN_VALUE, Long.MAX_VALUE).get(0).sampleCount());

      // A view that stops inside the call, after the leases were taken, until released.
      CountDownLatch inside = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      Function<List<Block>, Querier> slow =
          blocks -> {
            inside.countDown();
            try {
              assertTrue(release.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
              throw new AssertionError(e);
            }
            List<Querier> parts = new ArrayList<>();
            blocks.forEach(b -> parts.add(b.querier()));
            parts.add(db.headQuerier());
            return new MergeQuerier(parts);
          };
      TenantQuerier q = new TenantQuerier(db, db.head(), slow);
      CompletableFuture<List<SeriesData>> query =
          CompletableFuture.supplyAsync(() -> q.select(ALL, Long.MIN_VALUE, Long.MAX_VALUE));
      assertTrue(inside.await(30, TimeUnit.SECONDS));
      CompletableFuture<Integer> cut =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return db.compactor().compact().size();
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              });
      Thread.sleep(500);
      assertFalse(cut.isDone(), "the cut waits for the query that took the old block list");
      release.countDown();
      List<SeriesData> got = query.get(30, TimeUnit.SECONDS);
      assertEquals(1, got.size());
      assertEquals(all, got.get(0).sampleCount(), "every sample, once");
      assertEquals(1, cut.get(30, TimeUnit.SECONDS));
      assertEquals(
          all,
          db.querier().select(ALL, Long.MIN_VALUE, Long.MAX_VALUE).get(0).sampleCount(),
          "and after the cut, from block and head");
    }
  }
}
