package io.rwgateway.tsdb.db;

import static io.rwgateway.tsdb.db.Batches.exemplar;
import static io.rwgateway.tsdb.db.Batches.histogram;
import static io.rwgateway.tsdb.db.Batches.metadata;
import static io.rwgateway.tsdb.db.Batches.samples;
import static io.rwgateway.tsdb.db.Batches.series;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.rwgateway.model.Labels;
import io.rwgateway.model.Matcher;
import io.rwgateway.model.RejectReason;
import io.rwgateway.tsdb.ExemplarData;
import io.rwgateway.tsdb.MetricMetadata;
import io.rwgateway.tsdb.SeriesData;
import io.rwgateway.tsdb.WriteBatch;
import io.rwgateway.tsdb.head.HeadQuerier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TenantDb and Tsdb over the real WAL: append, close, reopen, replay. */
class TsdbTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final Matcher[] ALL = new Matcher[0];

  @TempDir Path dir;

  /** These tests are about the WAL: no flush into blocks on close, so reopening replays. */
  private TsdbOptions walOnly() {
    return TsdbOptions.defaults(dir).withFlushOnShutdown(false);
  }

  private static WriteBatch mixedBatch(int round) {
    WriteBatch b = new WriteBatch();
    b.tenant = "a";
    for (int s = 0; s < 50; s++) {
      series(b, "__name__", "m" + (s % 5), "instance", "i" + s);
      long t = T0 + round * 15_000L;
      samples(b, t, s == 7 ? Double.longBitsToDouble(0x7ff0000000000002L) : round * 0.25 + s);
      if (s == 3) {
        histogram(b, t, new byte[] {8, (byte) round, 16, 1});
        exemplar(b, t, round, "trace_id", "t" + round);
      }
    }
    metadata(b, 1, "m0", "help v" + (round / 50), "seconds");
    return b;
  }

  private record View(
      List<SeriesData> data,
      List<ExemplarData> exemplars,
      long series,
      long maxTime,
      MetricMetadata meta) {}

  private static View view(TenantDb db) {
    HeadQuerier q = db.headQuerier();
    return new View(
        q.select(ALL, Long.MIN_VALUE, Long.MAX_VALUE),
        q.exemplars(ALL, Long.MIN_VALUE, Long.MAX_VALUE),
        db.headSeries(),
        db.headMaxTime(),
        db.metadata("m0"));
  }

  private static void assertSameView(View a, View b) {
    assertEquals(a.series(), b.series());
    assertEquals(a.maxTime(), b.maxTime());
    assertEquals(a.meta(), b.meta());
    assertEquals(a.exemplars(), b.exemplars());
    assertEquals(a.data().size(), b.data().size());
    for (int i = 0; i < a.data().size(); i++) {
      SeriesData x = a.data().get(i);
      SeriesData y = b.data().get(i);
      assertEquals(x.labels(), y.labels());
      assertArrayEquals(x.sampleT(), y.sampleT());
      long[] xb = new long[x.sampleCount()];
      long[] yb = new long[y.sampleCount()];
      for (int k = 0; k < xb.length; k++) {
        xb[k] = Double.doubleToRawLongBits(x.sampleV()[k]);
        yb[k] = Double.doubleToRawLongBits(y.sampleV()[k]);
      }
      assertArrayEquals(xb, yb, "value bits of " + x.labels());
      assertArrayEquals(x.histT(), y.histT());
      for (int h = 0; h < x.histT().length; h++) {
        assertArrayEquals(x.histograms()[h], y.histograms()[h]);
      }
    }
  }

  @Test
  void appendCloseReopenReplaysTheHeadExactly() throws IOException {
    View before;
    try (Tsdb db = Tsdb.open(walOnly(), new PrometheusRegistry())) {
      TenantDb t = db.tenant("a");
      for (int round = 0; round < 300; round++) {
        WriteBatch b = mixedBatch(round);
        t.append(b);
        assertNull(b.failure);
        assertEquals(50, b.samplesWritten);
      }
      WriteBatch conflict = new WriteBatch();
      series(conflict, "__name__", "m0", "instance", "i0");
      samples(conflict, T0 + 299 * 15_000L - 1000, 99);
      t.append(conflict);
      assertEquals(1, conflict.rejected[RejectReason.OUT_OF_ORDER.ordinal()]);
      t.sync();
      before = view(t);
      assertEquals(50, before.series());
      assertEquals(300, before.data().get(0).sampleCount());
    }

    View after;
    try (Tsdb db = Tsdb.open(walOnly(), new PrometheusRegistry())) {
      TenantDb t = db.existingTenant("a");
      assertNotNull(t, "tenant found on disk");
      after = view(t);
      assertSameView(before, after);

      // Appends continue: the replayed max time bounds TOO_OLD, new series get fresh refs.
      WriteBatch b = new WriteBatch();
      series(b, "__name__", "fresh");
      samples(b, T0 + 300 * 15_000L, 1);
      series(b, "__name__", "m0", "instance", "i0");
      samples(b, T0 - 2 * 3_600_000L, 1);
      t.append(b);
      assertEquals(1, b.samplesWritten);
      assertEquals(1, b.rejected[RejectReason.TOO_OLD.ordinal()]);
      assertEquals(51, t.headSeries());
      before = view(t);
    }
    try (Tsdb db = Tsdb.open(walOnly(), new PrometheusRegistry())) {
      assertSameView(before, view(db.existingTenant("a")));
      assertEquals(
          List.of(Labels.of("__name__", "fresh")),
          db.existingTenant("a")
              .querier()
              .series(
                  List.<Matcher[]>of(new Matcher[] {Matcher.eq("__name__", "fresh")}),
                  Long.MIN_VALUE,
                  Long.MAX_VALUE));
    }
  }

  @Test
  void failedWalAppendLeavesTheHeadUnchanged() throws IOException {
    try (Tsdb db = Tsdb.open(walOnly(), new PrometheusRegistry())) {
      TenantDb t = db.tenant("a");
      t.append(mixedBatch(0));
      View before = view(t);
      t.close(); // the WAL now refuses appends

      WriteBatch b = mixedBatch(1);
      series(b, "__name__", "never_logged");
      samples(b, T0 + 20_000, 1);
      t.append(b);
      assertNotNull(b.failure);
      assertEquals(0, b.samplesWritten);
      assertEquals(0, b.histogramsWritten);
      View after = view(t);
      assertSameView(
          new View(
              before.data(),
              before.exemplars(),
              before.series() + 1,
              before.maxTime(),
              before.meta()),
          after);
    }
    // Replay sees only what was logged; the unlogged series is gone.
    try (Tsdb db = Tsdb.open(walOnly(), new PrometheusRegistry())) {
      assertEquals(50, db.existingTenant("a").headSeries());
    }
  }

  @Test
  void tenantsAreFoundOnDiskAndIdsValidated() throws IOException {
    Files.createDirectories(dir.resolve("not a tenant").resolve("wal"));
    Files.createDirectories(dir.resolve("no-wal-here"));
    try (Tsdb db = Tsdb.open(walOnly(), new PrometheusRegistry())) {
      assertTrue(db.tenants().isEmpty());
      assertThrows(IllegalArgumentException.class, () -> db.tenant(".."));
      assertThrows(IllegalArgumentException.class, () -> db.tenant("a/b"));
      assertThrows(IllegalArgumentException.class, () -> db.tenant(""));
      assertNull(db.existingTenant("x"));
      TenantDb x = db.tenant("x");
      assertEquals("x", x.tenant());
      db.tenant("y.z_1-2");
      assertEquals(x, db.tenant("x"));
    }
    assertTrue(Files.isDirectory(dir.resolve("x").resolve("wal")));
    try (Tsdb db = Tsdb.open(walOnly(), new PrometheusRegistry())) {
      Set<String> ids = new TreeSet<>();
      db.tenants().forEach(t -> ids.add(t.tenant()));
      assertEquals(Set.of("x", "y.z_1-2"), ids);
    }
  }

  @Test
  void metricsAreRegisteredAndCounted() throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    try (Tsdb db = Tsdb.open(walOnly(), registry)) {
      TenantDb t = db.tenant("a");
      t.append(mixedBatch(0));
      t.append(mixedBatch(0)); // resend: written, not appended again
      MetricSnapshots snaps = registry.scrape();
      Set<String> names = new TreeSet<>();
      for (MetricSnapshot s : snaps) {
        names.add(s.getMetadata().getPrometheusName());
        if (s.getMetadata().getName().equals("rwgateway_head_series")) {
          assertEquals(50.0, ((GaugeSnapshot) s).getDataPoints().get(0).getValue());
        }
        if (s.getMetadata().getName().equals("rwgateway_head_samples_appended")) {
          double floats = 0;
          for (CounterSnapshot.CounterDataPointSnapshot p : ((CounterSnapshot) s).getDataPoints()) {
            if (p.getLabels().get("type").equals("float")) {
              floats = p.getValue();
            }
          }
          assertEquals(50.0, floats);
        }
      }
      assertTrue(
          names.containsAll(
              Set.of(
                  "rwgateway_head_series",
                  "rwgateway_head_samples_appended",
                  "rwgateway_wal_append_duration_seconds",
                  "rwgateway_wal_replay_duration_seconds",
                  "rwgateway_wal_corrupt_records")),
          names.toString());
    }
  }

  @Test
  void finishedChunksLiveInChunksHeadWhichIsACacheRebuiltFromTheWal() throws IOException {
    Path chunks = dir.resolve("a").resolve("chunks_head");
    PrometheusRegistry registry = new PrometheusRegistry();
    View before;
    try (Tsdb db = Tsdb.open(walOnly(), registry)) {
      TenantDb t = db.tenant("a");
      for (int round = 0; round < 300; round++) {
        t.append(mixedBatch(round));
      }
      long onDisk = Files.size(chunks.resolve("000001"));
      assertTrue(onDisk > 50 * 2 * 20, "two finished chunks per series: " + onDisk);
      double gauge = Double.NaN;
      for (MetricSnapshot s : registry.scrape()) {
        if (s.getMetadata().getName().equals("rwgateway_tsdb_head_chunks_disk_bytes")) {
          gauge = ((GaugeSnapshot) s).getDataPoints().get(0).getValue();
        }
      }
      assertEquals(onDisk, gauge);
      before = view(t);
    }
    assertFalse(Files.exists(chunks), "removed at close");

    Files.createDirectories(chunks);
    Files.write(chunks.resolve("000001"), new byte[4096]); // stale: wiped at open, not read
    Files.write(chunks.resolve("000002"), new byte[4096]);
    try (Tsdb db = Tsdb.open(walOnly(), new PrometheusRegistry())) {
      assertSameView(before, view(db.existingTenant("a")));
      assertFalse(Files.exists(chunks.resolve("000002")));
    }
  }

  @Test
  void aBatchLargerThanOneWalRecordIsSplitAndReplayed() throws IOException {
    // 70k new series with ~300 bytes of labels each: ~21 MB of series definitions, more than one
    // record may hold, so the batch must go to the WAL as several records.
    WriteBatch b = new WriteBatch();
    b.tenant = "big";
    String pad = "x".repeat(256);
    for (int s = 0; s < 70_000; s++) {
      series(b, "__name__", "big", "pad", pad, "s", Integer.toString(s));
      samples(b, T0, s);
    }
    try (Tsdb db = Tsdb.open(walOnly(), new PrometheusRegistry())) {
      db.tenant("big").append(b);
      assertNull(b.failure);
      assertEquals(70_000, b.samplesWritten);
    }
    try (Tsdb db = Tsdb.open(walOnly(), new PrometheusRegistry())) {
      TenantDb t = db.existingTenant("big");
      assertEquals(70_000, t.headSeries());
      assertEquals(70_000, t.querier().select(ALL, T0, T0).size());
    }
  }
}
