package io.rwgateway.tsdb.db;

import static io.rwgateway.tsdb.db.Batches.samples;
import static io.rwgateway.tsdb.db.Batches.series;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.model.RejectReason;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.block.Block;
import io.rwgateway.wal.WalOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The head is cut into blocks, truncated behind them, and queries see every sample once. */
class CompactionTest {
  private static final long H = 3_600_000L;

  /** Aligned to 2h, so the first block is [T0, T0 + 2h). */
  private static final long T0 = 1_700_000_000_000L / (2 * H) * (2 * H);

  private static final Matcher[] ALL = new Matcher[0];

  @TempDir Path dir;

  private TsdbOptions options() {
    // No append window (the test writes hours at once); no background compaction.
    return new TsdbOptions(dir, WalOptions.defaults(), 0)
        .withFlushOnShutdown(false)
        .withCompactionInterval(3_600_000L);
  }

  /**
   * 20 series sampled every minute over [from, to), and one "old" series only in its first hour.
   */
  private static void fill(TenantDb db, long from, long to) {
    for (long t = from; t < to; t += 60_000L * 30) {
      WriteBatch b = new WriteBatch();
      b.tenant = "a";
      for (int s = 0; s < 20; s++) {
        series(b, "__name__", "up", "instance", "i" + s);
        for (long u = t; u < Math.min(to, t + 60_000L * 30); u += 60_000L) {
          samples(b, u, s * 1000 + (u - from) / 60_000.0);
        }
      }
      if (t < T0 + H) {
        series(b, "__name__", "old");
        samples(b, t, 1);
      }
      db.append(b);
      assertNull(b.failure);
    }
  }

  /** Label set -> timestamps, from the merged querier. */
  private static TreeMap<String, long[]> read(TenantDb db) {
    TreeMap<String, long[]> out = new TreeMap<>();
    for (SeriesData d : db.querier().select(ALL, Long.MIN_VALUE, Long.MAX_VALUE)) {
      out.put(d.labels().toString(), d.sampleT());
    }
    return out;
  }

  @Test
  void cutsTheOldestRangeOnceTheHeadSpansMoreThanOneAndAHalfRanges() throws IOException {
    try (Tsdb tsdb = Tsdb.open(options(), null)) {
      TenantDb db = tsdb.tenant("a");
      fill(db, T0, T0 + 2 * H);
      assertEquals(List.of(), db.compactor().compact(), "2h of data is not due yet");
      fill(db, T0 + 2 * H, T0 + 5 * H);
      TreeMap<String, long[]> before = read(db);
      List<Path> written = db.compactor().compact();

      assertEquals(1, written.size());
      Block block = db.blocks().get(0);
      assertEquals(T0, block.minTime());
      assertEquals(T0 + 2 * H, block.maxTime());
      assertEquals(21, block.meta().numSeries());
      assertEquals(20 * 120 + 2, block.meta().numSamples());
      assertEquals(20, db.headSeries(), "the series with only old samples left the head");
      assertEquals(T0 + 2 * H, db.headMinTime());

      TreeMap<String, long[]> after = read(db);
      assertEquals(before.keySet(), after.keySet());
      for (String k : before.keySet()) {
        assertArrayEquals(before.get(k), after.get(k), k);
      }
      assertEquals(300, after.get(Labels.of("__name__", "up", "instance", "i3").toString()).length);
    }
  }

  @Test
  void samplesInACutRangeAreRefusedAsTooOld() throws IOException {
    try (Tsdb tsdb = Tsdb.open(options(), null)) {
      TenantDb db = tsdb.tenant("a");
      fill(db, T0, T0 + 5 * H);
      db.compactor().compact();
      WriteBatch b = new WriteBatch();
      b.tenant = "a";
      series(b, "__name__", "late");
      samples(b, T0 + 2 * H - 1, 1);
      series(b, "__name__", "on_time");
      samples(b, T0 + 2 * H, 1);
      db.append(b);
      assertEquals(1, b.samplesWritten);
      assertEquals(1, b.rejected[RejectReason.TOO_OLD.ordinal()]);
    }
  }

  @Test
  void aRestartReplaysOnlyWhatNoBlockHolds() throws IOException {
    TreeMap<String, long[]> before;
    try (Tsdb tsdb = Tsdb.open(options(), null)) {
      TenantDb db = tsdb.tenant("a");
      fill(db, T0, T0 + 5 * H);
      db.compactor().compact();
      before = read(db);
    }
    try (Tsdb tsdb = Tsdb.open(options(), null)) {
      TenantDb db = tsdb.existingTenant("a");
      assertEquals(1, db.blocks().size());
      assertEquals(
          20, db.headSeries(), "series whose samples are all in the block are not brought back");
      TreeMap<String, long[]> after = read(db);
      assertEquals(before.keySet(), after.keySet());
      for (String k : before.keySet()) {
        assertArrayEquals(before.get(k), after.get(k), k);
      }
      assertEquals(
          T0 + 2 * H,
          db.headQuerier().select(ALL, Long.MIN_VALUE, Long.MAX_VALUE).stream()
                  .mapToLong(d -> d.sampleT()[0])
                  .min()
                  .orElseThrow()
              / (2 * H)
              * (2 * H),
          "the head holds nothing from the block's range but a straddling chunk's head");
    }
  }

  @Test
  void aCleanShutdownFlushesTheHeadAndLeavesNothingToReplay() throws IOException {
    TsdbOptions opts = options().withFlushOnShutdown(true);
    TreeMap<String, long[]> before;
    try (Tsdb tsdb = Tsdb.open(opts, null)) {
      TenantDb db = tsdb.tenant("a");
      fill(db, T0, T0 + 3 * H + 17_000);
      before = read(db);
    }
    try (Stream<Path> wal = Files.list(dir.resolve("a").resolve("wal"))) {
      assertEquals(0, wal.count(), "the WAL directory is emptied after a successful flush");
    }
    try (Tsdb tsdb = Tsdb.open(opts, null)) {
      TenantDb db = tsdb.existingTenant("a");
      assertEquals(0, db.headSeries());
      List<Block> blocks = db.blocks();
      assertEquals(2, blocks.size());
      assertEquals(T0, blocks.get(0).minTime());
      assertEquals(T0 + 2 * H, blocks.get(1).minTime());
      assertEquals(
          T0 + 3 * H + 1,
          blocks.get(1).maxTime(),
          "the last block ends just after the newest sample");
      TreeMap<String, long[]> after = read(db);
      assertEquals(before.keySet(), after.keySet());
      for (String k : before.keySet()) {
        assertArrayEquals(before.get(k), after.get(k), k);
      }
      // Writes continue after the flushed range.
      WriteBatch b = new WriteBatch();
      b.tenant = "a";
      series(b, "__name__", "up", "instance", "i0");
      samples(b, T0 + 3 * H, 5, T0 + 3 * H + 60_000, 6);
      db.append(b);
      assertEquals(1, b.samplesWritten);
      assertEquals(1, b.rejected[RejectReason.TOO_OLD.ordinal()]);
    }
  }

  /** A wall clock the test moves, so each hour of samples goes into its own WAL cycle. */
  private static final class MovableClock extends Clock {
    volatile long millis;

    MovableClock(long millis) {
      this.millis = millis;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long millis() {
      return millis;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis);
    }
  }

  @Test
  void walCyclesHoldingOnlyBlockSamplesGiveWayToACheckpoint() throws IOException {
    MovableClock clock = new MovableClock(T0);
    TsdbOptions opts =
        new TsdbOptions(dir, WalOptions.defaults().withClock(clock), 0)
            .withFlushOnShutdown(false)
            .withCompactionInterval(3_600_000L);
    TreeMap<String, long[]> before;
    int[] cyclesBefore;
    try (Tsdb tsdb = Tsdb.open(opts, null)) {
      TenantDb db = tsdb.tenant("a");
      WriteBatch meta = new WriteBatch();
      meta.tenant = "a";
      Batches.metadata(meta, 1, "up", "1 if the target is up", "");
      db.append(meta);
      for (int h = 0; h < 5; h++) {
        clock.millis = T0 + h * H + 1000;
        fill(db, T0 + h * H, T0 + (h + 1) * H);
      }
      cyclesBefore = db.wal().cycles();
      assertEquals(5, cyclesBefore.length, "one WAL cycle per hour of writes");
      db.compactor().compact();
      int[] left = db.wal().cycles();
      assertArrayEquals(
          Arrays.copyOfRange(cyclesBefore, 2, 5),
          left,
          "the two cycles holding only samples before the block's end are deleted");
      before = read(db);
    }
    try (Tsdb tsdb = Tsdb.open(opts, null)) {
      TenantDb db = tsdb.existingTenant("a");
      assertEquals(20, db.headSeries());
      assertEquals(
          "1 if the target is up",
          db.metadata("up").help(),
          "metadata is carried by the checkpoint");
      TreeMap<String, long[]> after = read(db);
      assertEquals(before.keySet(), after.keySet());
      for (String k : before.keySet()) {
        assertArrayEquals(before.get(k), after.get(k), k);
      }
      // Appends continue, and the next cut truncates further.
      clock.millis = T0 + 6 * H;
      fill(db, T0 + 5 * H, T0 + 8 * H);
      assertEquals(2, db.compactor().compact().size());
      assertTrue(db.wal().cycles()[0] > cyclesBefore[2]);
    }
  }

  @Test
  void aLoneSampleFarAheadIsReachedWithoutCuttingEveryEmptyRangeOnTheWay() throws IOException {
    try (Tsdb tsdb = Tsdb.open(options(), null)) {
      TenantDb db = tsdb.tenant("a");
      fill(db, T0, T0 + 3 * H);
      WriteBatch b = new WriteBatch();
      b.tenant = "a";
      series(b, "__name__", "ahead");
      samples(b, T0 + 1000 * H, 1);
      db.append(b);
      assertEquals(1, b.samplesWritten);
      long start = System.nanoTime();
      List<Path> blocks = db.compactor().compact();
      assertEquals(
          2, blocks.size(), "[T0, +2h) and [T0+2h, +4h); nothing for the 500 empty ranges after");
      assertTrue(System.nanoTime() - start < 10_000_000_000L);
      assertEquals(T0 + 1000 * H, db.headMinTime());
      assertEquals(1, db.headSeries());
    }
  }

  @Test
  void aFlushRightAfterARestartWithoutWritesWorks() throws IOException {
    MovableClock clock = new MovableClock(T0);
    TsdbOptions opts =
        new TsdbOptions(dir, WalOptions.defaults().withClock(clock), 0)
            .withFlushOnShutdown(false)
            .withCompactionInterval(3_600_000L);
    TreeMap<String, long[]> before;
    try (Tsdb tsdb = Tsdb.open(opts, null)) {
      TenantDb db = tsdb.tenant("a");
      for (int h = 0; h < 3; h++) {
        clock.millis = T0 + h * H + 1000;
        fill(db, T0 + h * H, T0 + (h + 1) * H);
      }
      before = read(db);
    }
    clock.millis = T0 + 5 * H;
    try (Tsdb tsdb = Tsdb.open(opts.withFlushOnShutdown(true), null)) {
      assertEquals(21, tsdb.existingTenant("a").headSeries());
    } // flushes with no append since the start: the WAL cycles all go
    try (Stream<Path> wal = Files.list(dir.resolve("a").resolve("wal"))) {
      assertEquals(0, wal.count(), "the flush succeeded and emptied the WAL");
    }
    try (Tsdb tsdb = Tsdb.open(opts, null)) {
      TreeMap<String, long[]> after = read(tsdb.existingTenant("a"));
      assertEquals(before.keySet(), after.keySet());
      for (String k : before.keySet()) {
        assertArrayEquals(before.get(k), after.get(k), k);
      }
    }
  }

  @Test
  void retentionDeletesBlocksFarBehindTheNewest() throws IOException {
    try (Tsdb tsdb = Tsdb.open(options().withRetention(4 * H), null)) {
      TenantDb db = tsdb.tenant("a");
      fill(db, T0, T0 + 13 * H);
      assertEquals(5, db.compactor().compact().size());
      assertEquals(T0 + 10 * H, db.blocks().get(4).maxTime());
      assertEquals(3, db.compactor().applyRetention());
      assertEquals(2, db.blocks().size());
      assertEquals(T0 + 6 * H, db.blocks().get(0).minTime());
      try (Stream<Path> files = Files.list(dir.resolve("a"))) {
        assertEquals(4, files.count(), "wal, chunks_head and the two kept blocks");
      }
    }
  }

  @Test
  void writesWhileCompactingLoseAndDuplicateNothing() throws Exception {
    long range = 1000;
    TsdbOptions opts = options().withBlockDuration(range);
    try (Tsdb tsdb = Tsdb.open(opts, null)) {
      TenantDb db = tsdb.tenant("a");
      AtomicReference<Throwable> failed = new AtomicReference<>();
      int rounds = 3000;
      Thread writer =
          new Thread(
              () -> {
                try {
                  for (int k = 0; k < rounds; k++) {
                    WriteBatch b = new WriteBatch();
                    b.tenant = "a";
                    for (int s = 0; s < 50; s++) {
                      series(b, "__name__", "w", "s", Integer.toString(s));
                      samples(b, T0 + k * 10L, k);
                    }
                    db.append(b);
                    if (b.failure != null || b.samplesWritten != 50) {
                      throw new AssertionError(
                          "round " + k + ": written " + b.samplesWritten + " failure " + b.failure);
                    }
                  }
                } catch (Throwable e) {
                  failed.set(e);
                }
              });
      writer.start();
      int blocks = 0;
      while (writer.isAlive()) {
        blocks += db.compactor().compact().size();
      }
      writer.join();
      if (failed.get() != null) {
        throw new AssertionError(failed.get());
      }
      assertTrue(blocks >= 20, "blocks cut while writing: " + blocks);
      List<SeriesData> all = db.querier().select(ALL, Long.MIN_VALUE, Long.MAX_VALUE);
      assertEquals(50, all.size());
      for (SeriesData d : all) {
        assertEquals(rounds, d.sampleCount(), d.labels().toString());
        for (int k = 0; k < rounds; k++) {
          assertEquals(T0 + k * 10L, d.sampleT()[k]);
          assertEquals(k, d.sampleV()[k]);
        }
      }
      assertFalse(db.blocks().isEmpty());
    }
  }
}
