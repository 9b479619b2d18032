package io.rwgateway.hashring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rwgateway.hashring.HashringConfig.Algorithm;
import io.rwgateway.hashring.HashringConfigException.Reason;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reloading the hashring file: changes are taken, bad files are refused and the old ring stays. */
class HashringWatcherTest {
  private static final String TWO = "[{\"hashring\": \"main\", \"endpoints\": [\"a:1\", \"b:1\"]}]";
  private static final String THREE =
      "[{\"hashring\": \"main\", \"endpoints\": [\"a:1\", \"b:1\", \"c:1\"]}]";

  @TempDir Path dir;

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final MutableClock clock = new MutableClock();
  private HashringWatcher watcher;

  @AfterEach
  void close() {
    if (watcher != null) {
      watcher.close();
    }
  }

  private HashringWatcher.Builder builder(Path file) {
    return HashringWatcher.builder()
        .file(file)
        .registry(registry)
        .clock(clock)
        .replicationFactor(2)
        .defaultAlgorithm(Algorithm.KETAMA)
        .refreshInterval(Duration.ofHours(1))
        .settleDelay(Duration.ofMillis(50));
  }

  private double metric(String name, String... labels) {
    Double v = MetricValues.value(registry, name, labels);
    if (v == null) {
      throw new AssertionError("no data point " + name + " " + List.of(labels));
    }
    return v;
  }

  @Test
  void firstLoadSetsRingAndMetrics() throws Exception {
    Path file =
        write(
            dir.resolve("hashrings.json"),
            """
        [{"hashring": "hot", "tenants": ["a"], "endpoints": ["a:1", "b:1", "c:1"]},
         {"endpoints": ["d:1", "e:1"]}]""");
    clock.now = Instant.ofEpochSecond(1_700_000_000);
    watcher = builder(file).build();
    watcher.start();

    assertEquals(1, watcher.version());
    assertEquals(5, watcher.current().nodes().size());
    assertEquals("hot", watcher.current().ringFor("a").name());
    assertEquals(1.0, metric("rwgateway_hashring_config_last_reload_successful"));
    assertEquals(
        1_700_000_000.0, metric("rwgateway_hashring_config_last_reload_success_timestamp_seconds"));
    assertEquals(1.0, metric("rwgateway_hashring_version"));
    assertEquals(3.0, metric("rwgateway_hashring_nodes", "hashring", "hot"));
    assertEquals(2.0, metric("rwgateway_hashring_nodes", "hashring", "hashring-1"));
    assertEquals(0.0, metric("rwgateway_hashring_config_reload_failures", "reason", "parse"));
  }

  @Test
  void firstLoadMustSucceed() throws Exception {
    HashringConfigException missing =
        assertThrows(
            HashringConfigException.class,
            () -> builder(dir.resolve("absent.json")).build().start());
    assertEquals(Reason.READ, missing.reason());
    assertTrue(missing.getMessage().contains("no such file"), missing.getMessage());

    Path tooSmall = write(dir.resolve("one.json"), "[{\"endpoints\": [\"a:1\"]}]");
    HashringConfigException ring =
        assertThrows(
            HashringConfigException.class,
            () -> builder(tooSmall).registry(new PrometheusRegistry()).build().start());
    assertEquals(Reason.RING, ring.reason(), "one endpoint cannot hold replication factor 2");
  }

  @Test
  void inlineContentIsLoadedOnce() throws Exception {
    watcher = HashringWatcher.builder().inline(TWO).registry(registry).build();
    watcher.start();
    assertEquals(1, watcher.version());
    assertEquals(2, watcher.current().nodes().size());
    assertFalse(watcher.checkNow());
  }

  @Test
  void invalidFileKeepsTheRingAndSaysWhy() throws Exception {
    Path file = write(dir.resolve("hashrings.json"), TWO);
    watcher = builder(file).watchDirectory(false).build();
    watcher.start();
    Hashring good = watcher.current();

    write(file, "[{\"endpoints\": [\"a:1\", \"b:1\"],}]");
    assertFalse(watcher.checkNow());
    assertSame(good, watcher.current());
    assertEquals(1, watcher.version());
    assertTrue(watcher.lastError().contains("not valid JSON"), watcher.lastError());
    assertEquals(0.0, metric("rwgateway_hashring_config_last_reload_successful"));
    assertEquals(1.0, metric("rwgateway_hashring_config_reload_failures", "reason", "parse"));
    assertEquals(1.0, metric("rwgateway_hashring_version"));

    write(file, "[{\"endpoints\": [\"a:1\"]}]"); // valid JSON, but one node for two replicas
    assertFalse(watcher.checkNow());
    assertSame(good, watcher.current());
    assertEquals(1.0, metric("rwgateway_hashring_config_reload_failures", "reason", "ring"));

    write(file, "[{\"endpoints\": [\"a:1\", \"b:1\"], \"tenant\": [\"x\"]}]");
    assertFalse(watcher.checkNow());
    assertTrue(watcher.lastError().contains("unknown key \"tenant\""), watcher.lastError());
    assertEquals(1.0, metric("rwgateway_hashring_config_reload_failures", "reason", "invalid"));

    clock.now = clock.now.plusSeconds(60);
    write(file, THREE);
    assertTrue(watcher.checkNow());
    assertEquals(2, watcher.version());
    assertEquals(3, watcher.current().nodes().size());
    assertNull(watcher.lastError());
    assertEquals(1.0, metric("rwgateway_hashring_config_last_reload_successful"));
    assertEquals(
        clock.now.getEpochSecond(),
        metric("rwgateway_hashring_config_last_reload_success_timestamp_seconds"));
    assertEquals(2.0, metric("rwgateway_hashring_version"));
    assertEquals(3.0, metric("rwgateway_hashring_nodes", "hashring", "main"));
  }

  @Test
  void unchangedContentIsNotANewVersion() throws Exception {
    Path file = write(dir.resolve("hashrings.json"), TWO);
    watcher = builder(file).watchDirectory(false).build();
    watcher.start();
    write(file, TWO);
    assertFalse(watcher.checkNow());
    assertEquals(1, watcher.version());
  }

  @Test
  void deletedFileKeepsTheRingUntilItIsBack() throws Exception {
    Path file = write(dir.resolve("hashrings.json"), TWO);
    watcher = builder(file).watchDirectory(false).build();
    watcher.start();
    Hashring good = watcher.current();

    Files.delete(file);
    assertFalse(watcher.checkNow());
    assertSame(good, watcher.current());
    assertEquals(0.0, metric("rwgateway_hashring_config_last_reload_successful"));
    assertEquals(1.0, metric("rwgateway_hashring_config_reload_failures", "reason", "read"));
    assertTrue(watcher.lastError().contains("no such file"), watcher.lastError());

    clock.now = clock.now.plusSeconds(30);
    write(file, TWO); // back with the same content: usable again, same version
    assertFalse(watcher.checkNow());
    assertEquals(1, watcher.version());
    assertNull(watcher.lastError());
    assertEquals(1.0, metric("rwgateway_hashring_config_last_reload_successful"));
    assertEquals(
        clock.now.getEpochSecond(),
        metric("rwgateway_hashring_config_last_reload_success_timestamp_seconds"));
  }

  @Test
  void aChangedFileIsSeenByTheWatch() throws Exception {
    Path file = write(dir.resolve("hashrings.json"), TWO);
    watcher = builder(file).build(); // periodic check an hour away: only the watch can see this
    List<Long> versions = new CopyOnWriteArrayList<>();
    watcher.start();
    watcher.subscribe((ring, version) -> versions.add(version));

    write(file, THREE);
    await(() -> watcher.version() == 2, "the watch to load version 2");
    assertEquals(3, watcher.current().nodes().size());
    await(() -> versions.equals(List.of(1L, 2L)), "listener calls " + versions);
  }

  /**
   * A Kubernetes ConfigMap update: {@code hashrings.json -> ..data/hashrings.json}, and the kubelet
   * renames a new {@code ..data} symlink over the old one, pointing at a new timestamped directory.
   * The file name itself never sees an event.
   */
  @Test
  void aConfigMapSymlinkSwapIsSeenByTheWatch() throws Exception {
    Path v1 = Files.createDirectory(dir.resolve("..2026_01_01_00_00_00.000000001"));
    write(v1.resolve("hashrings.json"), TWO);
    Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
    Path file =
        Files.createSymbolicLink(
            dir.resolve("hashrings.json"), Path.of("..data", "hashrings.json"));
    watcher = builder(file).build();
    watcher.start();
    assertEquals(2, watcher.current().nodes().size());

    Path v2 = Files.createDirectory(dir.resolve("..2026_01_01_00_05_00.000000002"));
    write(v2.resolve("hashrings.json"), THREE);
    Path tmp = Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
    Files.move(
        tmp,
        dir.resolve("..data"),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    // The kubelet deletes the old directory later; not doing it here leaves the renames in the
    // mount directory as the only events, so the test fails if the watch filtered by file name.

    await(() -> watcher.version() == 2, "the watch to load the swapped ConfigMap");
    assertEquals(3, watcher.current().nodes().size());
    assertEquals(1.0, metric("rwgateway_hashring_config_last_reload_successful"));
  }

  @Test
  void thePeriodicCheckCatchesWhatTheWatchMisses() throws Exception {
    Path file = write(dir.resolve("hashrings.json"), TWO);
    watcher = builder(file).watchDirectory(false).refreshInterval(Duration.ofMillis(100)).build();
    watcher.start();
    write(file, THREE);
    await(() -> watcher.version() == 2, "the periodic check to load version 2");
  }

  @Test
  void nodesOfRemovedHashringsDisappear() throws Exception {
    Path file =
        write(
            dir.resolve("hashrings.json"),
            """
        [{"hashring": "hot", "tenants": ["a"], "endpoints": ["a:1", "b:1"]}, {"hashring": "rest", "endpoints": ["c:1", "d:1"]}]""");
    watcher = builder(file).watchDirectory(false).build();
    watcher.start();
    assertEquals(2.0, metric("rwgateway_hashring_nodes", "hashring", "hot"));

    write(file, "[{\"hashring\": \"rest\", \"endpoints\": [\"c:1\", \"d:1\", \"e:1\"]}]");
    assertTrue(watcher.checkNow());
    assertNull(MetricValues.value(registry, "rwgateway_hashring_nodes", "hashring", "hot"));
    assertEquals(3.0, metric("rwgateway_hashring_nodes", "hashring", "rest"));
  }

  private static Path write(Path file, String content) throws Exception {
    // Written beside and renamed, as editors and config tools do, so no check sees half a file.
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return file;
  }

  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }

  private static final class MutableClock extends Clock {
    volatile Instant now = Instant.ofEpochSecond(1_600_000_000);

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
