package io.rwgateway.uploader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outages, run on a fake clock: the test turns the uploader's loop by hand and jumps the clock to
 * the time the loop asks to be woken at, so hours pass in milliseconds.
 */
class UploaderBackoffTest {
  private static final long SECOND = 1_000_000_000L;

  @TempDir Path tmp;
  private Path tsdbPath;
  private Path tenantDir;
  private FilesystemBucket fs;
  private ShipFaultyBucket faulty;
  private ShipRecordingBucket bucket;
  private PrometheusRegistry registry;
  private final FakeClock clock = new FakeClock();
  private Uploader uploader;

  /** A clock that only moves when told. */
  static final class FakeClock implements UploaderClock {
    long now = 1_000 * SECOND;

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public long wallMillis() {
      return 1_700_000_000_000L + now / 1_000_000;
    }
  }

  @BeforeEach
  void setUp() throws IOException {
    tsdbPath = tmp.resolve("tsdb");
    tenantDir = ShipTestBlocks.tenantDir(tsdbPath, "t");
    fs = new FilesystemBucket(tmp.resolve("bucket"));
    faulty = new ShipFaultyBucket(fs);
    bucket = new ShipRecordingBucket(faulty);
    registry = new PrometheusRegistry();
    uploader =
        new Uploader(
            tsdbPath,
            bucket,
            new ShipperMetrics(registry),
            UploaderSettings.DEFAULT,
            clock,
            new Random(42));
    uploader.discoverTenants();
  }

  /**
   * Turns the loop until the clock reaches {@code until}; returns the times a sync touched the
   * bucket.
   */
  private List<Long> runUntil(long until) {
    List<Long> attempts = new ArrayList<>();
    while (clock.now < until) {
      int before = bucket.ops().size();
      long next = uploader.cycle(clock.now);
      if (bucket.ops().size() != before) {
        attempts.add(clock.now);
      }
      assertTrue(next > clock.now, "the loop asks to sleep");
      clock.now = Math.min(next, until);
    }
    return attempts;
  }

  @Test
  void aLongOutageBacksOffUpToFiveMinutesDropsNothingAndShipsInOrderAfterwards()
      throws IOException {
    List<Path> blocks = new ArrayList<>();
    blocks.add(ShipTestBlocks.write(tenantDir, 2 * ShipTestBlocks.HOUR));
    blocks.add(ShipTestBlocks.write(tenantDir, 0));
    faulty.failAll(true);

    long start = clock.now;
    List<Long> attempts;
    try (ShipLogCapture log = new ShipLogCapture(Uploader.class)) {
      attempts = runUntil(start + 3 * 3600 * SECOND);
      // A block written during the outage wakes the uploader, but does not cut the backoff short.
      blocks.add(ShipTestBlocks.write(tenantDir, 4 * ShipTestBlocks.HOUR));
      int before = attempts.size();
      uploader.blockWritten("t", tenantDir, blocks.get(2));
      attempts.addAll(runUntil(clock.now + SECOND));
      assertTrue(attempts.size() - before <= 1, "at most the retry that was due anyway");
      attempts.addAll(runUntil(clock.now + 301 * SECOND));

      // Waits grow from about 1 s, doubling, to the 5 min cap, never above it.
      List<Long> gaps = new ArrayList<>();
      for (int i = 1; i < attempts.size(); i++) {
        gaps.add(attempts.get(i) - attempts.get(i - 1));
      }
      for (int k = 0; k < gaps.size(); k++) {
        long base = Math.min(SECOND << Math.min(k, 20), 300 * SECOND);
        long gap = gaps.get(k);
        assertTrue(
            gap >= base / 2 && gap <= base,
            "wait "
                + k
                + " was "
                + gap / 1e9
                + " s, expected within ["
                + base / 2e9
                + ", "
                + base / 1e9
                + "] s: "
                + gaps);
      }
      assertTrue(gaps.get(0) <= SECOND && gaps.get(8) >= 128 * SECOND, gaps.toString());
      // 3 h at most 5 min apart, at least 2.5 min apart once capped: about 40-80 attempts, not 360
      // (30 s).
      assertTrue(attempts.size() > 36 && attempts.size() < 90, attempts.size() + " attempts");
      assertEquals(attempts.size(), uploader.failures("t"));
      assertEquals(
          attempts.size(),
          ShipMetricValues.value(
              registry, "rwgateway_shipper_upload_failures", "tenant", "t", "reason", "network"));

      // Logged when it started and then every 10 minutes at most, not once per retry.
      List<String> warnings = log.lines(Level.WARN, "tenant=t");
      assertTrue(
          warnings.get(0).startsWith("shipping failed, will retry with backoff"), warnings.get(0));
      assertTrue(
          warnings.size() >= 10 && warnings.size() <= 3 * 6 + 2,
          warnings.size() + " lines: " + warnings);

      // Nothing was dropped: every block is still pending, and none is deletable.
      assertEquals(
          3, ShipMetricValues.value(registry, "rwgateway_shipper_blocks_pending", "tenant", "t"));
      for (Path b : blocks) {
        assertTrue(Files.isDirectory(b));
        assertTrue(!uploader.mayDelete("t", b));
      }

      faulty.heal();
      bucket.clear();
      runUntil(clock.now + 301 * SECOND);
      assertEquals(1, log.lines(Level.INFO, "shipping recovered").size());
    }
    assertEquals(0, uploader.failures("t"));
    List<String> metas = new ArrayList<>();
    for (String k : bucket.uploads()) {
      if (k.endsWith("/meta.json")) {
        metas.add(k);
      }
    }
    assertEquals(
        List.of(
            ShipTestBlocks.ulid(blocks.get(1)) + "/meta.json",
            ShipTestBlocks.ulid(blocks.get(0)) + "/meta.json",
            ShipTestBlocks.ulid(blocks.get(2)) + "/meta.json"),
        metas,
        "oldest first after the outage");
    for (Path b : blocks) {
      assertTrue(uploader.mayDelete("t", b));
    }
    assertEquals(
        0, ShipMetricValues.value(registry, "rwgateway_shipper_blocks_pending", "tenant", "t"));
  }

  @Test
  void accessDeniedWaitsTheLongestAndLogsAtError() throws IOException {
    ShipTestBlocks.write(tenantDir, 0);
    faulty.failAll(false);
    try (ShipLogCapture log = new ShipLogCapture(Uploader.class)) {
      List<Long> attempts = runUntil(clock.now + 3600 * SECOND);
      for (int i = 1; i < attempts.size(); i++) {
        long gap = attempts.get(i) - attempts.get(i - 1);
        assertTrue(gap >= 150 * SECOND && gap <= 300 * SECOND, "gap " + gap / 1e9 + " s");
      }
      List<String> errors = log.lines(Level.ERROR, "tenant=t");
      assertTrue(
          !errors.isEmpty()
              && errors.get(0).contains("permanent bucket error")
              && errors.get(0).contains("reason=denied"),
          errors.toString());
      assertTrue(errors.size() <= 7, errors.size() + " lines in an hour");
      assertEquals(List.of(), log.lines(Level.WARN, "tenant=t"));
      assertEquals(
          attempts.size(),
          ShipMetricValues.value(
              registry, "rwgateway_shipper_upload_failures", "tenant", "t", "reason", "denied"));
    }
  }

  @Test
  void healthyTenantsSyncEveryInterval() throws IOException {
    ShipTestBlocks.write(tenantDir, 0);
    long start = clock.now;
    List<Long> attempts = runUntil(start + 95 * SECOND);
    assertEquals(
        List.of(start),
        attempts,
        "shipped at the first turn; later syncs have nothing for the bucket");
    assertEquals(0, uploader.failures("t"));
    // The last success is the sync at +90 s: the tenant was synced every 30 s.
    double expected = (1_700_000_000_000L + (start + 90 * SECOND) / 1_000_000) / 1000.0;
    assertEquals(
        expected,
        ShipMetricValues.value(
            registry, "rwgateway_shipper_last_success_timestamp_seconds", "tenant", "t"),
        1e-3);
  }

  @Test
  void backoffDelaysDoubleWithJitterAndNeverOverflow() {
    UploaderBackoff b =
        new UploaderBackoff(Duration.ofSeconds(1), Duration.ofMinutes(5), new Random(1));
    for (int round = 0; round < 100; round++) {
      for (int n = 1; n <= 12; n++) {
        long base = Math.min(SECOND << (n - 1), 300 * SECOND);
        long d = b.delayNanos(n, true);
        assertTrue(d >= base / 2 && d <= base, n + ": " + d);
      }
    }
    assertTrue(
        b.delayNanos(1_000, true) <= 300 * SECOND && b.delayNanos(1_000, true) >= 150 * SECOND);
    assertTrue(b.delayNanos(Integer.MAX_VALUE, true) > 0);
    assertTrue(b.delayNanos(1, false) >= 150 * SECOND, "permanent: the longest wait at once");
  }
}
