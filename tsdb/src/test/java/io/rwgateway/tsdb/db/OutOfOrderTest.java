package io.rwgateway.tsdb.db;

import static io.rwgateway.tsdb.db.Batches.samples;
import static io.rwgateway.tsdb.db.Batches.series;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rwgateway.model.Matcher;
import io.rwgateway.model.RejectReason;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.block.Block;
import io.rwgateway.wal.WalOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --tsdb.out-of-order.time-window: older samples inside it are kept, in order, and cut into the
 * right block.
 */
class OutOfOrderTest {
  private static final long H = 3_600_000L;
  private static final long T0 = 1_700_000_000_000L / (2 * H) * (2 * H);
  private static final Matcher[] ALL = new Matcher[0];

  @TempDir Path dir;

  private TsdbOptions options(long window) {
    return new TsdbOptions(dir, WalOptions.defaults(), H)
        .withOutOfOrderWindow(window)
        .withFlushOnShutdown(false)
        .withCompactionInterval(3_600_000L);
  }

  private static WriteBatch one(String name, long t, double v) {
    WriteBatch b = new WriteBatch();
    b.tenant = "a";
    series(b, "__name__", name);
    samples(b, t, v);
    return b;
  }

  private static int rejected(WriteBatch b, RejectReason r) {
    return b.rejected[r.ordinal()];
  }

  private static long[] times(TenantDb db, long mint, long maxt) {
    List<SeriesData> d = db.querier().select(ALL, mint, maxt);
    return d.isEmpty() ? new long[0] : d.get(0).sampleT();
  }

  @Test
  void withoutAWindowOlderSamplesAreRefused() throws IOException {
    try (Tsdb tsdb = Tsdb.open(options(0), null)) {
      TenantDb db = tsdb.tenant("a");
      db.append(one("m", T0 + 10_000, 1));
      WriteBatch b = one("m", T0 + 5_000, 2);
      db.append(b);
      assertEquals(0, b.samplesWritten);
      assertEquals(1, rejected(b, RejectReason.OUT_OF_ORDER));
    }
  }

  @Test
  void olderSamplesInsideTheWindowAreKeptInTimeOrderAndSurviveARestart() throws IOException {
    long window = 30 * 60_000L;
    try (Tsdb tsdb = Tsdb.open(options(window), null)) {
      TenantDb db = tsdb.tenant("a");
      db.append(one("m", T0 + 60_000, 1));
      db.append(one("m", T0 + 3 * 60_000, 3));
      WriteBatch b = new WriteBatch();
      b.tenant = "a";
      series(b, "__name__", "m");
      samples(b, T0 + 2 * 60_000, 2, T0 + 30_000, 0.5);
      db.append(b);
      assertEquals(2, b.samplesWritten);

      WriteBatch again = one("m", T0 + 2 * 60_000, 2); // the same sample again: idempotent
      db.append(again);
      assertEquals(1, again.samplesWritten);
      WriteBatch conflict = one("m", T0 + 2 * 60_000, 7);
      db.append(conflict);
      assertEquals(1, rejected(conflict, RejectReason.DUPLICATE_TIMESTAMP));
      WriteBatch tooOld = one("m", T0 + 3 * 60_000 - window - 1, 9);
      db.append(tooOld);
      assertEquals(
          1, rejected(tooOld, RejectReason.TOO_OLD) + rejected(tooOld, RejectReason.OUT_OF_ORDER));

      long[] want = {T0 + 30_000, T0 + 60_000, T0 + 2 * 60_000, T0 + 3 * 60_000};
      assertArrayEquals(want, times(db, Long.MIN_VALUE, Long.MAX_VALUE));
      assertArrayEquals(
          new long[] {T0 + 60_000, T0 + 2 * 60_000}, times(db, T0 + 31_000, T0 + 2 * 60_000));
      assertEquals(
          2.0, db.querier().select(ALL, T0 + 2 * 60_000, T0 + 2 * 60_000).get(0).sampleV()[0]);
    }
    try (Tsdb tsdb = Tsdb.open(options(window), null)) {
      TenantDb db = tsdb.existingTenant("a");
      assertArrayEquals(
          new long[] {T0 + 30_000, T0 + 60_000, T0 + 2 * 60_000, T0 + 3 * 60_000},
          times(db, Long.MIN_VALUE, Long.MAX_VALUE));
    }
  }

  @Test
  void anOutOfOrderSampleLandsInTheBlockOfItsTime() throws IOException {
    long window = 4 * H;
    try (Tsdb tsdb = Tsdb.open(options(window), null)) {
      TenantDb db = tsdb.tenant("a");
      for (long t = T0; t < T0 + 3 * H; t += 60_000) {
        db.append(one("m", t, t));
      }
      long late = T0 + 90 * 60_000 + 30_000; // between two in-order samples of the first 2h
      WriteBatch b = one("m", late, -1);
      db.append(b);
      assertEquals(1, b.samplesWritten);
      for (long t = T0 + 3 * H; t < T0 + 6 * H; t += 60_000) {
        db.append(one("m", t, t));
      }
      assertEquals(
          List.of(),
          db.compactor().compact(),
          "the window has not passed the first range's end yet");
      db.append(one("m", T0 + 6 * H, 0));
      assertEquals(1, db.compactor().compact().size());
      Block block = db.blocks().get(0);
      assertEquals(T0 + 2 * H, block.maxTime());
      SeriesData d = block.querier().select(ALL, Long.MIN_VALUE, Long.MAX_VALUE).get(0);
      assertEquals(121, d.sampleCount());
      for (int i = 1; i < d.sampleCount(); i++) {
        assertEquals(true, d.sampleT()[i] > d.sampleT()[i - 1], "block samples in time order");
      }
      assertEquals(-1.0, db.querier().select(ALL, late, late).get(0).sampleV()[0]);
      WriteBatch intoCutRange = one("m", T0 + 2 * H - 1, 5);
      db.append(intoCutRange);
      assertEquals(1, rejected(intoCutRange, RejectReason.TOO_OLD), "the block's range is closed");
    }
  }
}
